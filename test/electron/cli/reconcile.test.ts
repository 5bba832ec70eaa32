import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../electron/cli/main.ts';
import { csvText } from '../../../shared/recon/csv-report.ts';
import { createHash } from 'node:crypto';
import { generateTradeBill } from '../../generators/trade-bill.ts';
import { generateLedger } from '../../generators/ledger.ts';

const BILL = new URL('../../fixtures/samples/wxpay-v3-tradebill-ALL-27col-2021-testmerchant.gunsluo.txt', import.meta.url).pathname;
const PERSONAL = new URL('../../fixtures/samples/wechat-personal-bill-2019-csv.double-entry-generator.csv', import.meta.url).pathname;

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'wxrecon-rc-'));
  const ledger = join(dir, 'ledger.csv');
  writeFileSync(
    ledger,
    '\ufeff商户订单号,订单金额,订单状态,支付时间\r\n' +
      'S20210128170702357723,0.01,已支付,2021-01-28 17:07:12\r\n' +
      'S20210128153505214586,0.02,已支付,2021-01-28 15:35:19\r\n' +
      '=HYPERLINK("x"),0.05,已支付,2021-01-28 12:00:00\r\n',
  );
  return { dir, ledger };
}

describe('wxrecon reconcile', () => {
  it('the real sample bill against a ledger built from it: --json is the contract report', async () => {
    const { ledger } = workspace();
    const r = await run('reconcile', '--bill', BILL, '--ledger', ledger, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({
      bill: { files: 1, rows: 3, paidCount: 3, paidFen: 3, refundCount: 0, refundFen: 0 },
      ledger: { files: 1, rows: 3 },
      counts: { matched: 1, 'missing-in-ledger': 1, 'missing-in-bill': 1, 'amount-mismatch': 1 },
    });
    const item = report.items.find((i: { category: string }) => i.category === 'amount-mismatch');
    expect(item).toMatchObject({ outTradeNo: 'S20210128153505214586', transactionId: '4200000910202101282955148400', bill: { amountFen: 1 }, ledger: { amountFen: 2, state: 'paid' }, live: null });
    expect(typeof item.explanation).toBe('string');
    expect(report.meta.inputs).toEqual([
      expect.objectContaining({ role: 'bill', file: BILL, sha256: createHash('sha256').update(readFileSync(BILL)).digest('hex'), kind: 'trade-bill', rows: 3, integrity: 'ok' }),
      expect.objectContaining({ role: 'ledger', file: ledger, kind: 'ledger', rows: 3 }),
    ]);
    expect(report.meta.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof item.suggestedAction).toBe('string');
  });

  it('--fail-on exits 1 when a listed category has items, and --out writes CSV atomically', async () => {
    const { dir, ledger } = workspace();
    const out = join(dir, 'report.csv');
    const r = await run('reconcile', '--bill', BILL, '--ledger', ledger, '--out', out, '--fail-on', 'amount-mismatch', '--lang', 'zh-CN');
    expect(r.code).toBe(1);
    // The Chinese summary uses full-width punctuation throughout.
    expect(r.stdout).toMatch(/^一致：\d+$/m);
    expect(r.stdout).toMatch(/^金额不符（amount-mismatch）：1$/m);
    const csv = readFileSync(out, 'utf8');
    expect(csv.startsWith('\ufeff类别,商户订单号')).toBe(true);
    // The formula a ledger smuggled in is neutralised; the long transaction id keeps its digits.
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain('`4200000910202101282955148400');
    expect(csv).toMatch(/金额不符,S20210128153505214586,`4200000910202101282955148400,0\.01,0\.02,/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await run('reconcile', '--bill', BILL, '--ledger', ledger, '--fail-on', 'duplicate')).code).toBe(0);
    const xlsx = join(dir, 'report.xlsx');
    expect((await run('reconcile', '--bill', BILL, '--ledger', ledger, '--out', xlsx)).code).toBe(0);
    expect(readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');
  });

  it('refuses a personal statement given as the bill, in the user\'s language', async () => {
    const r = await run('reconcile', '--bill', PERSONAL, '--lang', 'zh-CN');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('个人微信支付账单明细');
    const swapped = await run('reconcile', '--bill', BILL, '--ledger', BILL);
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toContain('not the merchant');
  });

  it('usage errors', async () => {
    expect((await run('reconcile')).code).toBe(2);
    expect((await run('reconcile', '--bill', BILL, '--fail-on', 'oops')).code).toBe(2);
    expect((await run('reconcile', '--bill', BILL, '--cross-day-window', '-5')).code).toBe(2);
    expect((await run('reconcile', '--bill', BILL, '--out', 'r.pdf')).code).toBe(2);
    expect((await run('reconcile', '--help')).stdout).toContain('--cross-day-window');
  });
});

describe('csvText', () => {
  it.each([
    ['=1+2', `"'=1+2"`], ['+86 138', `"'+86 138"`], ['-3', `"'-3"`], ['@SUM(A1)', `"'@SUM(A1)"`], ['\tx', `"'\tx"`],
    ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['plain', 'plain'],
  ])('%j → %s', (input, output) => {
    expect(csvText(input)).toBe(output);
  });
});

describe('wxrecon reconcile on big files (read on workers, the bill joining in parts)', () => {
  it('gives the same report whether the bill joins whole or in parts of 7 rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxrecon-rc-parts-'));
    const bill = generateTradeBill({ rows: 400, seed: 8, refundRatio: 0.1, couponRatio: 0.1, date: '2026-11-26' });
    const ledger = generateLedger({ rows: bill.truth.rows, date: '2026-11-26' }, { discrepancies: { 'missing-in-ledger': 3, 'amount-mismatch': 2, duplicate: 1, 'refund-mismatch': 2 } });
    const billPath = join(dir, 'bill.csv');
    const ledgerPath = join(dir, 'ledger.csv');
    writeFileSync(billPath, bill.bytes);
    writeFileSync(ledgerPath, ledger.bytes);
    const reportOf = async (batchRows: string) => {
      process.env.WXRECON_BILL_BATCH_ROWS = batchRows;
      try {
        const r = await run('reconcile', '--bill', billPath, '--ledger', ledgerPath, '--json');
        expect(r.code).toBe(0);
        const report = JSON.parse(r.stdout);
        delete report.meta.generatedAt;
        return report;
      } finally {
        delete process.env.WXRECON_BILL_BATCH_ROWS;
      }
    };
    const whole = await reportOf('1000000');
    const inParts = await reportOf('7');
    expect(inParts).toEqual(whole);
    expect(whole.summary.bill.files).toBe(1);
    expect(whole.summary.bill.rows).toBe(bill.truth.rows.length);
    expect(whole.items.map((i: { category: string; outTradeNo: string }) => `${i.category} ${i.outTradeNo}`).sort()).toEqual(ledger.truth.planted.map((p) => `${p.category} ${p.outTradeNo}`).sort());
  });
});

describe('wxrecon reconcile --query (live states from the simulator)', () => {
  it('settles doubtful orders with signed live queries, journals them, and resumes from the journal', async () => {
    const { startSimulator } = await import('../../../electron/simulator/server.ts');
    const { newDemoMerchant, writeDemoProfile } = await import('../../../electron/simulator/demo-merchant.ts');
    const dir = mkdtempSync(join(tmpdir(), 'wxrecon-rq-'));
    const demo = newDemoMerchant();
    const sim = await startSimulator({
      orders: [
        // Paid in the bill, unpaid in the ledger: WeChat confirms the payment (a lost callback).
        { outTradeNo: 'S20210128170702357723', transactionId: '4200000925202101284997714292', tradeState: 'SUCCESS', totalFen: 1, successTime: '2021-01-28T17:07:11+08:00' },
        // Paid in the ledger, not in the bill: WeChat closed it, so the ledger is wrong.
        { outTradeNo: 'L-ONLY-1', transactionId: null, tradeState: 'CLOSED', totalFen: 500, successTime: null },
      ],
      merchant: demo.merchant,
      wechatpay: demo.wechatpay,
    });
    try {
      const profile = await writeDemoProfile(dir, demo, sim.baseUrl);
      const ledger = join(dir, 'ledger.csv');
      writeFileSync(ledger, '商户订单号,订单金额,订单状态,支付时间\r\nS20210128170702357723,0.01,未支付,\r\nS20210128153505214586,0.01,已支付,2021-01-28 15:35:19\r\nS20210128165824499930,0.01,已支付,2021-01-28 16:59:47\r\nL-ONLY-1,5.00,已支付,2021-01-28 12:00:00\r\n');
      const journal = join(dir, 'queries.jsonl');
      const args = ['reconcile', '--bill', BILL, '--ledger', ledger, '--query', '--merchant', profile, '--journal', journal, '--json'];
      const r = await run(...args);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      const item = (key: string) => report.items.find((i: { outTradeNo: string }) => i.outTradeNo === key);
      expect(item('S20210128170702357723')).toMatchObject({ category: 'status-mismatch', suggestedAction: 'mark-ledger-paid', live: { tradeState: 'SUCCESS' } });
      expect(item('S20210128170702357723').explanations['zh-CN']).toContain('微信实时查询确认已支付');
      expect(item('L-ONLY-1')).toMatchObject({ category: 'missing-in-bill', suggestedAction: 'mark-ledger-unpaid', live: { tradeState: 'CLOSED' } });
      expect(report.summary.query).toEqual({ queried: 2, failed: 0 });
      expect(readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(2);
      expect(sim.stats.v3).toBe(2);

      // The state updates for the merchant's system, as CSV and as XLSX.
      const updatesCsv = join(dir, 'updates.csv');
      const withUpdates = await run(...args, '--updates', updatesCsv);
      expect(withUpdates.code).toBe(0);
      const csv = readFileSync(updatesCsv, 'utf8').split('\r\n');
      expect(csv[0]).toBe('\ufeffout_trade_no,transaction_id,ledger_state,new_state,amount_fen,refund_fen,wechat_state,success_time,reason');
      expect(csv.filter((l) => l.startsWith('S20210128170702357723,4200000925202101284997714292,未支付,paid,1,,SUCCESS,'))).toHaveLength(1);
      expect(csv.filter((l) => l.startsWith('L-ONLY-1,,已支付,closed,500,,CLOSED,'))).toHaveLength(1);
      expect(csv).toHaveLength(4);
      const updatesXlsx = join(dir, 'updates.xlsx');
      expect((await run(...args, '--updates', updatesXlsx)).code).toBe(0);
      const XLSX = await import('xlsx');
      const book = XLSX.read(readFileSync(updatesXlsx));
      expect(book.SheetNames).toEqual(['State updates']);
      const rows = XLSX.utils.sheet_to_json<unknown[]>(book.Sheets['State updates']!, { header: 1, raw: true });
      expect(rows[0]).toEqual(['out_trade_no', 'transaction_id', 'ledger_state', 'new_state', 'amount_fen', 'refund_fen', 'wechat_state', 'success_time', 'reason']);
      expect(rows.find((r) => r[0] === 'S20210128170702357723')?.slice(1, 5)).toEqual(['4200000925202101284997714292', '未支付', 'paid', 1]);
      expect((await run(...args, '--updates', join(dir, 'u.txt'))).code).toBe(2);

      // A second run takes the final answers from the journal and asks nothing.
      const again = await run(...args);
      expect(JSON.parse(again.stdout).items).toEqual(report.items);
      expect(sim.stats.v3).toBe(2);
    } finally {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('needs a merchant profile, and --merchant/--journal only with --query', async () => {
    expect((await run('reconcile', '--bill', BILL, '--query')).code).toBe(2);
    expect((await run('reconcile', '--bill', BILL, '--merchant', 'm.json')).code).toBe(2);
  });
});

describe('a query run killed mid-way (SIGKILL) and run again', () => {
  it('loses no answer and repeats at most the queries that were in flight', async () => {
    const { spawn } = await import('node:child_process');
    const { startSimulator } = await import('../../../electron/simulator/server.ts');
    const { newDemoMerchant, writeDemoProfile } = await import('../../../electron/simulator/demo-merchant.ts');
    const dir = mkdtempSync(join(tmpdir(), 'wxrecon-kill-'));
    const bill = generateTradeBill({ rows: 300, seed: 21, refundRatio: 0, date: '2026-11-26' });
    const billPath = join(dir, 'bill.csv');
    writeFileSync(billPath, bill.bytes);
    const orders = bill.truth.rows.map((r) => ({ outTradeNo: r.outTradeNo, transactionId: r.transactionId, tradeState: 'SUCCESS' as const, totalFen: r.orderFen, successTime: `${r.paidAt.replace(' ', 'T')}+08:00` }));
    const demo = newDemoMerchant();
    const sim = await startSimulator({ orders, merchant: demo.merchant, wechatpay: demo.wechatpay, faults: { latencyMs: 15 } });
    const bin = new URL('../../../bin/wxrecon.js', import.meta.url).pathname;
    try {
      const profile = await writeDemoProfile(dir, demo, sim.baseUrl);
      const journal = join(dir, 'queries.jsonl');
      const args = [bin, 'reconcile', '--bill', billPath, '--query', '--merchant', profile, '--journal', journal, '--json'];
      const lines = () => {
        try {
          return readFileSync(journal, 'utf8').split('\n').filter((l) => l.trim() !== '');
        } catch {
          return [];
        }
      };
      // First run: killed without warning once some answers are on disk.
      const child = spawn(process.execPath, args, { stdio: 'ignore' });
      for (let i = 0; i < 400 && lines().length < 60; i++) await new Promise((r) => setTimeout(r, 25));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const before = lines().length;
      expect(before).toBeGreaterThanOrEqual(60);
      expect(before).toBeLessThan(300);
      const askedBefore = sim.stats.v3;

      // Second run: finishes the rest.
      const second = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
      let stdout = '';
      second.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const code = await new Promise<number | null>((r) => second.once('exit', r));
      expect(code).toBe(0);
      const report = JSON.parse(stdout);
      expect(report.summary.query).toEqual({ queried: 300, failed: 0 });
      const keys = lines().map((l) => JSON.parse(l).key as string);
      expect(new Set(keys).size).toBe(300);
      // Asked again: at most what was in flight when the first run died (concurrency 8).
      expect(sim.stats.v3 - askedBefore).toBeLessThanOrEqual(300 - before + 8);
      expect(keys.length - 300).toBeLessThanOrEqual(8);
    } finally {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
