/**
 * Workspaces: made from the demo day's files, reconciled (in-process and on the real worker), paged,
 * searched and sorted, decisions recorded and locked and kept across a new reconciliation and a
 * reopen, in-transit items carried to the next day until it settles them, live queries run as a
 * pausable job, and the report exported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { WorkspaceService } from '../../../../electron/main/workspace/service.ts';
import { runReconcileJob } from '../../../../electron/main/workspace/reconcile-job.ts';
import { demoBillCsv, demoLedgerCsv, demoOrders } from '../../../../electron/simulator/demo-data.ts';
import { simTradeBill } from '../../../../electron/simulator/bill.ts';
import { startSimulator, type Simulator } from '../../../../electron/simulator/server.ts';
import { newDemoMerchant, writeDemoProfile } from '../../../../electron/simulator/demo-merchant.ts';
import { readProfile, type MerchantProfile } from '../../../../electron/wechatpay/profile.ts';
import { closePools } from '../../../../electron/wechatpay/client.ts';

let dir: string;
let sim: Simulator;
let profile: MerchantProfile;
const files: Record<string, string> = {};
// The workspaces' clock: the morning after the demo day.
const now = () => new Date('2026-11-27T09:00:00+08:00');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-ws-'));
  const put = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    files[name] = join(dir, name);
  };
  put('bill-26.csv', demoBillCsv());
  put('ledger-26.csv', demoLedgerCsv());
  put('bill-27.csv', simTradeBill(demoOrders(), { date: '2026-11-27', billType: 'ALL', appid: 'wx0000000000000001', mchid: '1900000001' })!);
  const demo = newDemoMerchant();
  sim = await startSimulator({ orders: demoOrders(), merchant: demo.merchant, wechatpay: demo.wechatpay!, faults: { latencyMs: 30 } });
  profile = await readProfile(await writeDemoProfile(join(dir, 'merchant'), demo, sim.baseUrl));
});
afterAll(async () => {
  await closePools();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const service = (root: string, inProcess = true) => new WorkspaceService({ root, now, profileOf: async () => profile, ...(inProcess ? { runJob: runReconcileJob } : {}) });
const settings = { crossDayWindowMinutes: 30, amountToleranceFen: 0 };

describe('workspaces', () => {
  it('reconcile on the worker, page, filter, search and sort the result', async () => {
    const s = service(join(dir, 'a'), false);
    const ws = await s.create({ name: '2026-11-26 对账', merchantId: 'm', bills: [files['bill-26.csv']!], ledgers: [files['ledger-26.csv']!], settings });
    expect(ws).toMatchObject({ state: 'new', openCount: 0 });
    const progress: string[] = [];
    const detail = await s.reconcile(ws.id, 'zh-CN', (_, p) => progress.push((p as { phase: string }).phase));
    expect(progress).toContain('reading');
    expect(progress.at(-1)).toBe('done');
    // Seven without live queries: DEMO-1010's refund, finished after midnight, is not in this bill yet.
    expect(detail).toMatchObject({ state: 'reconciled', days: ['2026-11-26'], openCount: 7 });
    expect(detail.inputs.map((f) => [f.role, f.rows])).toEqual([['bill', 8], ['ledger', 10]]);
    // Per category, with both sides' amounts in fen.
    expect(detail.categories.find((c) => c.category === 'amount-mismatch')).toEqual({ category: 'amount-mismatch', count: 1, billFen: 8800, ledgerFen: 8000, resolved: 0 });
    expect(detail.categories.reduce((n, c) => n + c.count, 0)).toBe(7);
    const all = s.items({ id: ws.id, offset: 0, limit: 100, sort: 'category' });
    expect(all.total).toBe(7);
    expect(s.items({ id: ws.id, offset: 0, limit: 2, sort: 'category' }).rows.map((r) => r.key)).toEqual(all.rows.slice(0, 2).map((r) => r.key));
    expect(s.items({ id: ws.id, offset: 0, limit: 100, sort: 'category', categories: ['amount-mismatch'] }).rows.map((r) => [r.outTradeNo, r.billFen, r.ledgerFen])).toEqual([['DEMO-1008', 8800, 8000]]);
    expect(s.items({ id: ws.id, offset: 0, limit: 100, sort: 'category', search: '1011' }).rows.map((r) => r.outTradeNo)).toEqual(['DEMO-1011']);
    // LIKE's wildcards are text in a search.
    expect(s.items({ id: ws.id, offset: 0, limit: 100, sort: 'category', search: '%' }).total).toBe(0);
    const byAmount = s.items({ id: ws.id, offset: 0, limit: 100, sort: 'amount-desc' }).rows.map((r) => r.billFen ?? r.ledgerFen);
    expect(byAmount).toEqual([...byAmount].sort((a, b) => (b ?? -1) - (a ?? -1)));
  });

  it('records decisions (a note to resolve), locks resolved items, and keeps them through a new reconciliation and a reopen', async () => {
    const root = join(dir, 'b');
    const s = service(root);
    const ws = await s.create({ name: 'x', merchantId: null, bills: [files['bill-26.csv']!], ledgers: [files['ledger-26.csv']!], settings });
    await s.reconcile(ws.id, 'zh-CN', () => undefined);
    expect(() => s.resolve(ws.id, ['DEMO-1008'], { status: 'resolved', decision: 'corrected', note: ' ', by: '张会计' })).toThrow(expect.objectContaining({ code: 'invalid-request' }));
    expect(s.resolve(ws.id, ['DEMO-1008', 'DEMO-1009', 'NOT-AN-ITEM'], { status: 'in-progress', decision: null, note: '核对中', by: '张会计' })).toEqual({ updated: 2, locked: 0 });
    expect(s.resolve(ws.id, ['DEMO-1008'], { status: 'resolved', decision: 'corrected', note: '台账已改为 88.00', by: '张会计' })).toEqual({ updated: 1, locked: 0 });
    expect(s.resolve(ws.id, ['DEMO-1008', 'DEMO-1009'], { status: 'open', decision: null, note: '', by: '李四' })).toEqual({ updated: 1, locked: 1 });
    await s.reconcile(ws.id, 'zh-CN', () => undefined);
    const again = service(root);
    const row = again.items({ id: ws.id, offset: 0, limit: 100, sort: 'category', search: 'DEMO-1008' }).rows[0]!;
    expect(row.resolution).toMatchObject({ status: 'resolved', note: '台账已改为 88.00', by: '张会计', atIso: '2026-11-27T01:00:00.000Z' });
    expect(again.items({ id: ws.id, offset: 0, limit: 100, sort: 'category', statuses: ['resolved'] }).total).toBe(1);
    expect(again.items({ id: ws.id, offset: 0, limit: 100, sort: 'category', statuses: ['open'] }).total).toBe(6);
    expect(again.list()[0]).toMatchObject({ id: ws.id, openCount: 6 });
  });

  it('carries in-transit items over to the next day, with how long they have been open, until a later bill settles them', async () => {
    const root = join(dir, 'c');
    const s = service(root);
    const day26 = await s.create({ name: '26', merchantId: null, bills: [files['bill-26.csv']!], ledgers: [files['ledger-26.csv']!], settings });
    await s.reconcile(day26.id, 'zh-CN', () => undefined);
    expect(s.inTransit().map((t) => [t.outTradeNo, t.reason, t.sinceDay, t.openDays])).toEqual([['DEMO-1005', 'cross-day', '2026-11-26', 1]]);
    expect(s.items({ id: day26.id, offset: 0, limit: 100, sort: 'category', search: 'DEMO-1005' }).rows[0]!.openDays).toBe(1);
    const day27 = await s.create({ name: '27', merchantId: null, bills: [files['bill-27.csv']!], ledgers: [], settings });
    await s.reconcile(day27.id, 'zh-CN', () => undefined);
    expect(s.inTransit()).toEqual([]);
  });

  it('runs live queries as a job: paused (nothing new asked), resumed, finished, then reconciled with the answers', async () => {
    const root = join(dir, 'd');
    const s = service(root);
    const ws = await s.create({ name: 'q', merchantId: 'demo', bills: [files['bill-26.csv']!], ledgers: [files['ledger-26.csv']!], settings });
    await s.reconcile(ws.id, 'zh-CN', () => undefined);
    const events: { paused: boolean; done: number }[] = [];
    let paused = false;
    const running = s.startQueries(ws.id, 'zh-CN', (name, p) => {
      if (name !== 'queries:progressed') return;
      const progress = (p as { progress: { paused: boolean; done: number } }).progress;
      events.push(progress);
      if (!paused && progress.done >= 1) {
        paused = true;
        s.pauseQueries(ws.id, true);
        // The queries already in flight may finish the run while it is paused.
        setTimeout(() => { try { s.pauseQueries(ws.id, false); } catch { /* finished */ } }, 200);
      }
    });
    await expect(s.startQueries(ws.id, 'zh-CN', () => undefined)).rejects.toMatchObject({ code: 'busy' });
    const r = await running;
    expect(r).toMatchObject({ cancelled: false, failed: 0, progress: { total: 6, done: 6 } });
    expect(events.some((e) => e.paused)).toBe(true);
    // Reconciled with the answers: DEMO-1010's refund is confirmed, DEMO-1004 closed at WeChat.
    const rows = s.items({ id: ws.id, offset: 0, limit: 100, sort: 'category' }).rows;
    expect(rows.map((x) => x.outTradeNo).sort()).toEqual(['DEMO-1004', 'DEMO-1005', 'DEMO-1007', 'DEMO-1008', 'DEMO-1009', 'DEMO-1011']);
    expect(rows.find((x) => x.outTradeNo === 'DEMO-1004')!.liveState).toBe('CLOSED');
    expect(s.detail(ws.id).state).toBe('reconciled');
  });

  it('a reconciliation cancelled on its worker stops there, and the workspace keeps its previous result', async () => {
    const s = service(join(dir, 'cancel'), false);
    const ws = await s.create({ name: 'x', merchantId: null, bills: [files['bill-26.csv']!], ledgers: [files['ledger-26.csv']!], settings });
    expect(s.cancelReconcile(ws.id)).toBe(false);
    await s.reconcile(ws.id, 'zh-CN', () => undefined);
    s.resolve(ws.id, ['DEMO-1008'], { status: 'in-progress', decision: null, note: '', by: '张会计' });
    const phases: string[] = [];
    const again = s.reconcile(ws.id, 'zh-CN', (_, p) => {
      const phase = (p as { phase: string }).phase;
      phases.push(phase);
      // Stopped as soon as it starts reading: long before it could write anything.
      if (phases.length === 1) expect(s.cancelReconcile(ws.id)).toBe(true);
    });
    await expect(again).rejects.toMatchObject({ code: 'cancelled' });
    expect(phases).not.toContain('done');
    const detail = s.detail(ws.id);
    expect(detail).toMatchObject({ state: 'reconciled', openCount: 7 });
    expect(s.items({ id: ws.id, offset: 0, limit: 100, sort: 'category' }).rows.find((r) => r.key === 'DEMO-1008')!.resolution).toMatchObject({ status: 'in-progress' });
    // Not left busy: it can run again, to the end.
    await expect(s.reconcile(ws.id, 'zh-CN', () => undefined)).resolves.toMatchObject({ openCount: 7 });
  });

  it('a file that cannot be used fails the run with its name and a stable code, on the worker and off it', async () => {
    const notABill = join(dir, '截图.csv');
    writeFileSync(notABill, 'Dear team,\nplease find the figures attached.\n'.repeat(50));
    for (const inProcess of [false, true]) {
      const s = service(join(dir, `bad-${inProcess}`), inProcess);
      const ws = await s.create({ name: 'x', merchantId: null, bills: [files['bill-26.csv']!], ledgers: [notABill], settings });
      await expect(s.reconcile(ws.id, 'zh-CN', () => undefined)).rejects.toMatchObject({ code: 'import-failed', message: expect.stringMatching(/^截图\.csv：/) });
    }
  });

  it('exports the report as the CLI writes it (read back by exceljs), and refuses one before any result', async () => {
    const s = service(join(dir, 'e'));
    const ws = await s.create({ name: 'x', merchantId: null, bills: [files['bill-26.csv']!], ledgers: [files['ledger-26.csv']!], settings });
    await expect(s.exportReport(ws.id, join(dir, 'early.xlsx'), 'zh-CN')).rejects.toMatchObject({ code: 'invalid-request' });
    await s.reconcile(ws.id, 'zh-CN', () => undefined);
    const out = await s.exportReport(ws.id, join(dir, 'report.xlsx'), 'zh-CN');
    expect(out.sizeBytes).toBeGreaterThan(1000);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out.path);
    const text = book.worksheets.map((w) => JSON.stringify(w.getSheetValues())).join('\n');
    for (const o of ['DEMO-1004', 'DEMO-1008', 'DEMO-1009']) expect(text).toContain(o);
  });

  it('exports the decisions with their log, and the current view alone when asked, saying so', async () => {
    const s = service(join(dir, 'v'));
    const ws = await s.create({ name: 'x', merchantId: null, bills: [files['bill-26.csv']!], ledgers: [files['ledger-26.csv']!], settings });
    await s.reconcile(ws.id, 'zh-CN', () => undefined);
    s.resolve(ws.id, ['DEMO-1008'], { status: 'in-progress', decision: null, note: '', by: '王出纳' });
    s.resolve(ws.id, ['DEMO-1008'], { status: 'resolved', decision: '更正台账', note: '台账少录 8 元', by: '张会计' });
    expect(s.detail(ws.id).categories.find((c) => c.category === 'amount-mismatch')!.resolved).toBe(1);
    // Every row as wide as the widest (exceljs leaves trailing empty cells out).
    const rowsOf = (sheet: ExcelJS.Worksheet) => {
      const rows = (sheet.getSheetValues() as unknown[][]).filter(Boolean);
      const width = Math.max(...rows.map((r) => r.length)) - 1;
      return rows.map((r) => Array.from({ length: width }, (_, i) => r[i + 1]).map((c) => (c === undefined || c === null ? null : String(c))));
    };

    const whole = await s.exportReport(ws.id, join(dir, 'whole.xlsx'), 'zh-CN');
    let book = new ExcelJS.Workbook();
    await book.xlsx.readFile(whole.path);
    expect(book.worksheets.map((w) => w.name)).toEqual(['汇总', '差异明细', '处理记录']);
    const detail = rowsOf(book.getWorksheet('差异明细')!);
    expect(detail[0]!.slice(-5)).toEqual(['处理状态', '处理决定', '处理说明', '处理人', '处理时间']);
    expect(detail).toHaveLength(8);
    // Decided at 09:00 Beijing time (the test clock), shown as such, not in UTC.
    expect(detail.find((r) => r.includes('DEMO-1008'))!.slice(-5)).toEqual(['已处理', '更正台账', '台账少录 8 元', '张会计', '2026-11-27 09:00:00']);
    expect(detail.find((r) => r.includes('DEMO-1004'))!.slice(-5)).toEqual(['未处理', null, null, null, null]);
    expect(rowsOf(book.getWorksheet('处理记录')!)).toEqual([
      ['商户订单号', '差异键', '处理状态', '处理决定', '处理说明', '处理人', '处理时间'],
      ['DEMO-1008', 'DEMO-1008', '处理中', null, null, '王出纳', '2026-11-27 09:00:00'],
      ['DEMO-1008', 'DEMO-1008', '已处理', '更正台账', '台账少录 8 元', '张会计', '2026-11-27 09:00:00'],
    ]);
    expect(JSON.stringify(book.getWorksheet('汇总')!.getSheetValues())).not.toContain('导出范围');

    const view = await s.exportReport(ws.id, join(dir, 'view.xlsx'), 'zh-CN', { categories: ['amount-mismatch', 'missing-in-ledger'], statuses: ['open'], sort: 'amount-desc' });
    book = new ExcelJS.Workbook();
    await book.xlsx.readFile(view.path);
    // DEMO-1008 is resolved: not in a view of open items, nor its decisions in the log.
    expect(rowsOf(book.getWorksheet('差异明细')!).slice(1).map((r) => r[1])).toEqual(['DEMO-1009']);
    expect(rowsOf(book.getWorksheet('处理记录')!)).toHaveLength(1);
    const summary = rowsOf(book.getWorksheet('汇总')!);
    expect(summary.find((r) => r[0] === '导出范围')!.slice(0, 2)).toEqual(['导出范围', '当前视图（类别：金额不符、账单有，台账无；状态：未处理），1 / 7 条']);
  });

  it('names a file that cannot be read, and a workspace that is not there', async () => {
    const s = service(join(dir, 'f'));
    await expect(s.create({ name: 'x', merchantId: null, bills: [join(dir, 'missing.csv')], ledgers: [], settings })).rejects.toMatchObject({ code: 'file-unreadable' });
    expect(() => s.detail('no-such-workspace')).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => s.detail('../../etc/passwd')).toThrow(expect.objectContaining({ code: 'invalid-request' }));
  });
});
