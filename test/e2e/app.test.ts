/**
 * The app end to end: the built renderer in Debian Chromium, through the loopback bridge, against
 * the real main-process handlers with the simulator behind them. Screenshots of each screen go to
 * test-artifacts/ (looked at by hand; CJK fonts installed by .ci/run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { startLoopbackBridge, type LoopbackBridge } from '../../electron/dev/loopback-bridge.ts';
import { createMainServices, type MainServices } from '../../electron/main/handlers.ts';
import { runReconcileJob } from '../../electron/main/workspace/reconcile-job.ts';
import { demoBillCsv, demoLedgerCsv } from '../../electron/simulator/demo-data.ts';
import { fakeSafeStorage, memoryStore } from '../helpers/fake-electron.ts';
import { MerchantInputSchema } from '../../shared/ipc/contract.ts';
import { launchChromium, SKIP_BROWSER } from '../helpers/browser.ts';
import { ensureBuilt, ROOT } from '../helpers/build.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts');
let dir: string;
let browser: Browser;

interface App {
  services: MainServices;
  bridge: LoopbackBridge;
  page: Page;
  close(): Promise<void>;
}

/** A fresh user (empty store and data folder) with the app open in a page. */
async function openApp(opts: { slowDemo?: boolean; slowReconcile?: boolean } = {}): Promise<App> {
  const user = mkdtempSync(join(dir, 'user-'));
  // The first reconciliation reads for a while first (as a 265 MB bill does), so it can be cancelled mid-way.
  let slowRuns = 1;
  const slowJob: typeof runReconcileJob = async (input, onProgress, signal) => {
    if (slowRuns-- <= 0) return runReconcileJob(input, onProgress, signal);
    onProgress?.({ phase: 'reading', done: 0, total: 2 });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    return runReconcileJob(input, onProgress, signal);
  };
  const services = createMainServices({
    userDataDir: user, store: memoryStore(), safeStorage: fakeSafeStorage(), platform: 'linux', version: '0.1.0', isPackaged: false, lang: () => 'zh-CN',
    runJob: opts.slowReconcile ? slowJob : runReconcileJob, ...(opts.slowDemo ? { demoFaults: { latencyMs: 700 } } : {}),
  });
  const bridge = await startLoopbackBridge({ handlers: services.handlers, rendererDir: join(ROOT, 'out/renderer') });
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(bridge.script);
  await page.goto(`${bridge.url}/#/`);
  return {
    services, bridge, page,
    close: async () => {
      await page.close();
      await bridge.close();
      await services.shutdown();
      expect(errors, 'errors in the page').toEqual([]);
    },
  };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** Starts the reconciliation on the new-reconciliation screen; the opened workspace's open-item count. */
async function reconcileAndCount(page: Page): Promise<string | null> {
  await page.getByTestId('run').click();
  await page.getByTestId('workspace-name').waitFor({ timeout: 30_000 });
  return page.getByTestId('open-count').textContent();
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  await ensureBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-e2e-'));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  if (SKIP_BROWSER) return;
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(SKIP_BROWSER)('the app in Chromium', () => {
  it('the demo, from first run to the exported report, with a decision kept after a reload', async () => {
    const app = await openApp();
    const { page } = app;
    try {
      await page.getByText('第一次使用？').waitFor();
      await shot(page, '01-home-first-run');
      await page.getByTestId('open-demo').click();
      await page.getByTestId('workspace-name').waitFor({ timeout: 30_000 });
      await page.locator('[role="row"][aria-rowindex]').first().waitFor();
      expect(await page.getByTestId('open-count').textContent()).toBe('7 条');
      await shot(page, '02-discrepancies');

      // Live queries settle the refund the bill lacks: seven become six.
      await page.getByTestId('query-live').click();
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid="open-count"]')?.textContent === '6 条', undefined, { timeout: 30_000 });

      // The detail panel: bill, ledger and live side by side; record a decision.
      await page.getByText('DEMO-1008').click();
      await page.getByTestId('item-drawer').waitFor();
      await page.getByText('订单金额不符：微信 88.00，台账 80.00').first().waitFor();
      // The drawer slides in: let it arrive before the picture.
      await page.waitForTimeout(500);
      await shot(page, '03-detail');
      await page.getByTestId('resolve-status').getByText('已处理').click();
      await page.getByTestId('resolve-save').click();
      await page.getByText('标记为已处理需要填写处理说明').waitFor();
      await page.getByTestId('resolve-note').fill('台账已更正为 88.00');
      await page.getByTestId('resolve-by').fill('张会计');
      await page.getByTestId('resolve-save').click();
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid="open-count"]')?.textContent === '5 条');

      // After a reload the decision is still there, locked with who and when.
      await page.reload();
      await page.getByText('DEMO-1008').click();
      await page.getByText(/已由 张会计 于 .* 处理/).waitFor();
      await page.keyboard.press('Escape');

      // Search and filter.
      await page.getByTestId('search').locator('input').fill('DEMO-1011');
      await page.getByTestId('search').locator('input').press('Enter');
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid="items-total"]')?.textContent === '1 条');

      // Summary with charts, then the export.
      await page.getByRole('tab', { name: '汇总' }).click();
      await page.getByTestId('chart-categories').locator('canvas').waitFor();
      await page.getByTestId('category-totals').getByText('88.00').waitFor();
      // The charts draw in with an animation.
      await page.waitForTimeout(1200);
      await shot(page, '04-summary');
      await page.getByRole('tab', { name: '导出' }).click();
      const out = join(dir, '演示对账报告.xlsx');
      await page.getByTestId('export-path').fill(out);
      await page.getByTestId('export-write').click();
      await page.getByTestId('export-done').waitFor({ timeout: 30_000 });
      expect(existsSync(out)).toBe(true);
      // The search above is the current view: exported alone, it says so.
      await page.getByTestId('export-scope').getByText('仅当前视图').click();
      const viewOut = join(dir, '演示对账报告-视图.xlsx');
      await page.getByTestId('export-path').fill(viewOut);
      await page.getByTestId('export-write').click();
      await page.getByTestId('export-done').getByText('视图').waitFor({ timeout: 30_000 });
      await shot(page, '05-export');
      const detailOrders = async (file: string) => {
        const book = new ExcelJS.Workbook();
        await book.xlsx.readFile(file);
        return { orders: (book.getWorksheet('差异明细')!.getColumn(2).values as unknown[]).slice(2).map(String), sheets: book.worksheets.map((w) => w.name), summary: JSON.stringify(book.getWorksheet('汇总')!.getSheetValues()) };
      };
      const whole = await detailOrders(out);
      expect(whole.orders).toHaveLength(6);
      expect(whole.sheets).toEqual(['汇总', '差异明细', '处理记录']);
      const view = await detailOrders(viewOut);
      expect(view.orders).toEqual(['DEMO-1011']);
      expect(view.summary).toContain('当前视图（搜索：DEMO-1011），1 / 6 条');

      // Home lists the workspace and what is in transit.
      await page.goto(`${app.bridge.url}/#/`);
      await page.getByText('DEMO-1005').waitFor();
      await shot(page, '06-home');

      // The merchants screen, dark mode, and English.
      await page.goto(`${app.bridge.url}/#/merchants`);
      await page.getByText('演示商户（模拟器）').first().waitFor();
      // The table fades in from its loading state.
      await page.waitForTimeout(500);
      await shot(page, '11-merchants');
      await page.getByRole('switch', { name: '深色模式' }).click();
      await page.goto(`${app.bridge.url}/#/`);
      await page.getByText('DEMO-1005').waitFor();
      await shot(page, '12-home-dark');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByText('Recent reconciliations').waitFor();
      await shot(page, '13-home-english');
      // Both choices are remembered across a reload.
      await page.reload();
      await page.getByText('Recent reconciliations').waitFor();
      const background = await page.evaluate<string>("getComputedStyle(document.querySelector('.ant-layout')).backgroundColor");
      // Dark: a background far from white.
      expect(background.match(/\d+/g)!.slice(0, 3).map(Number).every((c) => c < 80)).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('a GBK bill re-saved by Excel is read, with the damage explained before anything runs', async () => {
    const app = await openApp();
    const { page } = app;
    try {
      const text = demoBillCsv().split('\r\n').map((l) => l.replace(/`/g, '').replace(/,(42\d{26}),/g, (_, id: string) => `,${id[0]}.${id.slice(1, 15)}E+27,`)).join('\r\n');
      const bill = join(dir, 'excel-gbk-bill.csv');
      writeFileSync(bill, iconv.encode(text, 'gbk'));
      const ledger = join(dir, 'ledger.csv');
      writeFileSync(ledger, demoLedgerCsv());
      await page.goto(`${app.bridge.url}/#/new`);
      await page.getByTestId('path-bill').fill(bill);
      await page.getByTestId('add-bill').click();
      await page.getByTestId('path-ledger').fill(ledger);
      await page.getByTestId('add-ledger').click();
      await page.getByText('已按 GBK/GB18030 读取').first().waitFor();
      await page.getByText('被改成了科学计数法').first().waitFor();
      await shot(page, '07-import-gbk-excel');
      // The orders still match by their order numbers: the same story as the original bill.
      expect(await reconcileAndCount(page)).toBe('7 条');
      await page.locator('[role="row"][aria-rowindex]').first().waitFor();
    } finally {
      await app.close();
    }
  });

  it('bills and ledgers dropped together are each recognised and listed where they belong', async () => {
    const app = await openApp();
    const { page } = app;
    try {
      const bill = join(dir, 'dropped-bill.csv');
      writeFileSync(bill, demoBillCsv());
      const ledger = join(dir, 'dropped-ledger.csv');
      writeFileSync(ledger, demoLedgerCsv());
      const notes = join(dir, 'notes.txt');
      writeFileSync(notes, 'Dear team,\nplease find the figures attached.\n'.repeat(40));
      await page.goto(`${app.bridge.url}/#/new`);
      await page.getByTestId('drop-hint').waitFor();
      // What a drop from the file manager delivers: File objects (their paths as the preload would give them).
      await page.getByTestId('drop-zone').evaluate((zone, paths) => {
        // The page's own DOM classes (these tests compile without the DOM library).
        const dom = globalThis as unknown as {
          DataTransfer: new () => { items: { add(file: object): void } };
          File: new (parts: string[], name: string) => object;
          DragEvent: new (type: string, init: object) => object;
        };
        const transfer = new dom.DataTransfer();
        for (const path of paths) {
          const file = new dom.File(['x'], path.split('/').pop()!);
          Object.defineProperty(file, 'path', { value: path });
          transfer.items.add(file);
        }
        const target = zone as unknown as { dispatchEvent(e: object): boolean };
        target.dispatchEvent(new dom.DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        target.dispatchEvent(new dom.DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }, [ledger, bill, notes]);
      await page.locator('tr', { hasText: 'dropped-bill.csv' }).getByText('交易账单').waitFor();
      await page.locator('tr', { hasText: 'dropped-ledger.csv' }).getByText('商户台账').waitFor();
      // Not a bill nor a ledger: listed with the ledgers (to be mapped, or removed), and the run waits.
      await page.locator('tr', { hasText: 'notes.txt' }).getByText('无法识别').waitFor();
      expect(await page.getByTestId('run').isDisabled()).toBe(true);
      await shot(page, '15-import-dropped');
      await page.locator('tr', { hasText: 'notes.txt' }).getByRole('button', { name: /删\s?除/ }).click();
      expect(await reconcileAndCount(page)).toBe('7 条');
    } finally {
      await app.close();
    }
  });

  it('a reconciliation cancelled while it reads leaves nothing behind, and runs to the end when started again', async () => {
    const app = await openApp({ slowReconcile: true });
    const { page } = app;
    try {
      const bill = join(dir, 'bill-cancel.csv');
      writeFileSync(bill, demoBillCsv());
      await page.goto(`${app.bridge.url}/#/new`);
      await page.getByTestId('path-bill').fill(bill);
      await page.getByTestId('add-bill').click();
      await page.locator('tr', { hasText: 'bill-cancel.csv' }).getByText('交易账单').waitFor();
      await page.getByTestId('run').click();
      await page.getByTestId('run-cancel').click();
      await page.getByTestId('run-note').getByText('核对已取消').waitFor();
      expect(await app.services.handlers['workspaces:list']({}, { now: () => new Date(), emit: () => undefined })).toEqual([]);
      // A bill alone, before any live query: nothing contradicts it yet.
      expect(await reconcileAndCount(page)).toBe('0 条');
      expect(await app.services.handlers['workspaces:list']({}, { now: () => new Date(), emit: () => undefined })).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('a query run paused, cancelled and started again finishes without asking twice', async () => {
    const app = await openApp({ slowDemo: true });
    const { page } = app;
    try {
      await page.getByTestId('open-demo').click();
      await page.getByTestId('workspace-name').waitFor({ timeout: 30_000 });
      // One query at a time against a slow simulator, so the run can be caught mid-way.
      const m = app.services.merchants.stored('demo');
      app.services.merchants.save(MerchantInputSchema.parse({ id: 'demo', name: m.name, mchid: m.mchid, appid: m.appid, api: m.api, baseUrl: m.baseUrl, certSerialNo: m.certSerialNo, wechatpayPublicKeyId: m.wechatpayPublicKeyId, concurrency: 1, requestsPerSecond: 50 }));
      await page.getByTestId('query-live').click();
      await page.getByTestId('query-pause').click();
      // Ant Design spaces out two-character button labels (继 续).
      await page.getByTestId('query-pause').getByText(/继\s?续/).waitFor();
      await shot(page, '08-query-paused');
      await page.getByTestId('query-cancel').click();
      await page.getByTestId('query-live').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('open-count').textContent()).toBe('7 条');
      await page.getByTestId('query-live').click();
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid="open-count"]')?.textContent === '6 条', undefined, { timeout: 30_000 });
    } finally {
      await app.close();
    }
  });

  it('downloads a day\'s bill through the API from the new-reconciliation screen, and says when there is none', async () => {
    const app = await openApp();
    const { page } = app;
    try {
      // The demo merchant (the simulator) is the configured merchant.
      await page.getByTestId('open-demo').click();
      await page.getByTestId('workspace-name').waitFor({ timeout: 30_000 });
      await page.goto(`${app.bridge.url}/#/new`);
      await page.getByTestId('bill-date').fill('2026-11-26');
      await page.getByTestId('download-bill').click();
      await page.getByText('交易账单').first().waitFor({ timeout: 30_000 });
      await page.getByText('一致').first().waitFor();
      await page.getByTestId('bill-date').fill('2026-11-20');
      await page.getByTestId('download-bill').click();
      await page.getByTestId('download-note').getByText('2026-11-20 没有账单').waitFor();
      await shot(page, '09-import-download');
    } finally {
      await app.close();
    }
  });

  it('a ledger needing a mapping: its columns and states mapped by hand, saved as a preset, then reconciled', async () => {
    const app = await openApp();
    const { page } = app;
    try {
      const bill = join(dir, 'bill-26.csv');
      writeFileSync(bill, demoBillCsv());
      // The shop's ERP: a title row, its own column names and its own state words.
      const words: Record<string, string> = { 已支付: '交易完成', 待支付: '待付款', 已退款: '已退货', 部分退款: '部分退货' };
      const lines = demoLedgerCsv().replace(/^\ufeff/, '').trim().split('\r\n');
      const erp = ['门店 ERP 订单导出 2026-11-26', '单据编号,应收金额,单据状态,收款时间,退货金额', ...lines.slice(1).map((l) => l.split(',').map((c, i) => (i === 2 ? words[c] ?? c : c)).join(','))].join('\r\n');
      const ledger = join(dir, 'erp-ledger.csv');
      writeFileSync(ledger, '\ufeff' + erp + '\r\n');
      await page.goto(`${app.bridge.url}/#/new`);
      await page.getByTestId('path-bill').fill(bill);
      await page.getByTestId('add-bill').click();
      await page.getByTestId('path-ledger').fill(ledger);
      await page.getByTestId('add-ledger').click();
      await page.getByTestId('map-columns').click();
      await page.getByText('第 2 行').click();
      // The selects search as you type: type the label, take the match.
      const choose = async (testId: string, text: string) => {
        await page.getByTestId(testId).click();
        await page.keyboard.type(text);
        await page.keyboard.press('Enter');
      };
      await choose('map-outTradeNo', '单据编号');
      await choose('map-amount', '应收金额');
      await choose('map-state', '单据状态');
      await choose('map-paidAt', '收款时间');
      await choose('map-refundAmount', '退货金额');
      for (const [value, state] of [['交易完成', '已支付'], ['待付款', '未支付'], ['已退货', '已退款'], ['部分退货', '部分退款']]) await choose(`map-state-${value}`, state!);
      await page.getByTestId('mapping-name').locator('input').fill('门店 ERP');
      await shot(page, '10-mapping');
      await page.getByTestId('mapping-apply').click();
      await page.getByText('商户台账').first().waitFor();
      // Edited after it is applied: the dialog opens on the same header row and columns.
      await page.getByTestId('edit-mapping').click();
      await page.getByTestId('map-outTradeNo').getByText('单据编号').waitFor();
      // The saved preset is offered once the list has come.
      await page.locator('[data-testid="mapping-preset"]:not(.ant-select-disabled)').waitFor();
      expect(await page.getByRole('radio', { name: '第 2 行' }).isChecked()).toBe(true);
      await page.getByTestId('map-state-部分退货').getByText('部分退款').waitFor();
      await page.getByTestId('mapping-apply').click();
      await page.getByTestId('mapping-apply').waitFor({ state: 'detached' });
      // The same story as the demo's own ledger.
      expect(await reconcileAndCount(page)).toBe('7 条');
      expect(await app.services.handlers['mappings:list']({}, { now: () => new Date(), emit: () => undefined })).toMatchObject([{ name: '门店 ERP', mapping: { headerRow: 2, columns: { outTradeNo: '单据编号' } } }]);
    } finally {
      await app.close();
    }
  });

  it('a ledger taken for GBK because of one damaged byte: the preview shows it garbled, UTF-8 chosen reads it, and the run uses the choice', async () => {
    const app = await openApp();
    const { page } = app;
    try {
      const bill = join(dir, 'bill-enc.csv');
      writeFileSync(bill, demoBillCsv());
      const lines = demoLedgerCsv().replace(/^\ufeff/, '').split('\r\n').map((l, i) => (l === '' ? l : i === 0 ? `${l},备注` : i === 1 ? `${l},加急\u0001` : `${l},`));
      const bytes = Buffer.from(lines.join('\r\n'), 'utf8');
      bytes[bytes.indexOf(1)] = 0xff;
      const ledger = join(dir, 'shop-damaged.csv');
      writeFileSync(ledger, bytes);
      await page.goto(`${app.bridge.url}/#/new`);
      await page.getByTestId('path-bill').fill(bill);
      await page.getByTestId('add-bill').click();
      await page.getByTestId('path-ledger').fill(ledger);
      await page.getByTestId('add-ledger').click();
      const row = page.locator('tr', { hasText: 'shop-damaged.csv' });
      await row.getByText('无法识别').waitFor();
      await row.locator('.ant-table-row-expand-icon').click();
      const preview = page.getByTestId('file-preview');
      await preview.waitFor();
      expect(await preview.textContent()).not.toContain('商户订单号');
      await row.getByTestId('encoding-choice').getByText('UTF-8').click();
      await row.getByText('商户台账').waitFor();
      await page.getByTestId('file-preview').getByText('商户订单号').waitFor();
      await row.getByText('不是 UTF-8 的字节').waitFor();
      await shot(page, '12-import-encoding');
      expect(await reconcileAndCount(page)).toBe('7 条');
    } finally {
      await app.close();
    }
  });

  it('closes a stale unpaid order at WeChat Pay from the detail panel, after asking its state, and records it', async () => {
    const app = await openApp();
    const { page } = app;
    try {
      const demo = await app.services.handlers['demo:start']({}, { now: () => new Date(), emit: () => undefined });
      // The shop marked DEMO-1003 paid; WeChat has it unpaid (NOTPAY).
      const ledger = join(dir, 'ledger-1003-paid.csv');
      writeFileSync(ledger, demoLedgerCsv().replace('DEMO-1003,9.90,待支付,,', 'DEMO-1003,9.90,已支付,2026-11-26 13:00:00,'));
      const ws = await app.services.handlers['workspaces:create']({ name: '关单', merchantId: 'demo', bills: demo.bills, ledgers: [ledger], encodings: {}, settings: { crossDayWindowMinutes: 30, amountToleranceFen: 0 } }, { now: () => new Date(), emit: () => undefined });
      await app.services.handlers['workspaces:reconcile']({ id: ws.id, lang: 'zh-CN' }, { now: () => new Date(), emit: () => undefined });
      await page.goto(`${app.bridge.url}/#/workspace/${ws.id}/items`);
      await page.getByTestId('query-live').click();
      await page.getByText('DEMO-1003').waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => (globalThis as unknown as { document: { body: { textContent: string | null } } }).document.body.textContent?.includes('NOTPAY') === true, undefined, { timeout: 30_000 });
      await page.getByText('DEMO-1003').click();
      await page.getByTestId('close-order').click();
      await page.getByRole('button', { name: /关\s?单/ }).last().click();
      await page.getByTestId('close-result').getByText('已在微信支付关单，当前状态 CLOSED').waitFor({ timeout: 30_000 });
      await page.waitForTimeout(500);
      await shot(page, '14-close-order');
      const history = await app.services.handlers['workspaces:item']({ id: ws.id, key: 'DEMO-1003' }, { now: () => new Date(), emit: () => undefined });
      expect(history.history.at(-1)).toMatchObject({ decision: '关单', note: '已在微信支付关单，关单后查询为 CLOSED' });
    } finally {
      await app.close();
    }
  });
});
