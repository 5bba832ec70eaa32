/**
 * `node bench/workspace.ts [ITEMS]`: a workspace with ITEMS discrepancies (default 1,000,000) in its
 * SQLite database: the time to save the result, to reopen it, and to fetch one page of the table
 * as the app does — first page, a category filter, an order-number search, sorted by amount — and
 * to record a decision on a thousand items. Prints one JSON object.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../electron/main/workspace/store.ts';
import { CATEGORIES, type ReconcileItem, type ReconcileReport } from '../shared/recon/types.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const root = mkdtempSync(join(tmpdir(), 'wxrecon-bench-ws-'));
const rank = new Map<string, number>(CATEGORIES.map((c, i) => [c, i]));
const item = (i: number): ReconcileItem => {
  const category = CATEGORIES[i % CATEGORIES.length]!;
  const outTradeNo = `WX${String(i).padStart(12, '0')}`;
  const fen = 100 + ((i * 7919) % 1_000_000);
  return {
    category, outTradeNo, transactionId: `4200000001202611260${String(i).padStart(9, '0')}`,
    bill: { amountFen: fen, settlementFen: fen, couponFen: 0, state: 'SUCCESS', paidAt: `2026-11-26 ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`, transactionId: null, refunds: [], refundFen: 0, file: 'bill.csv', line: i + 2 },
    ledger: { amountFen: fen - 1, state: 'paid', stateRaw: '已支付', paidAt: null, refundFen: null, transactionId: null, file: 'ledger.csv', line: i + 2 },
    live: null, explanation: `订单金额不符：微信 ${(fen / 100).toFixed(2)}，台账 ${((fen - 1) / 100).toFixed(2)}`, explanations: { 'zh-CN': '…', en: '…' }, suggestedAction: 'correct-ledger-amount',
  };
};
const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, Math.round((performance.now() - t) * 10) / 10];
};
try {
  const ws = Workspace.create(root, { id: 'bench', name: 'bench', merchantId: null, settings: { crossDayWindowMinutes: 30, amountToleranceFen: 0 }, inputs: [] });
  const report = { summary: { bill: { files: 1, rows: n, paidCount: n, paidFen: 0, refundCount: 0, refundFen: 0, days: ['2026-11-26'] }, ledger: { files: 1, rows: n, paidCount: n, paidFen: 0, refundFen: 0 }, counts: { matched: 0 }, differenceFen: 0, settings: { crossDayWindowMinutes: 30, amountToleranceFen: 0 } }, items: Array.from({ length: n }, (_, i) => item(i)) } as unknown as ReconcileReport;
  const [, saveMs] = time(() => ws.saveResult(report, rank));
  ws.close();
  const [reopened, reopenMs] = time(() => Workspace.open(root, 'bench'));
  const page = { offset: 0, limit: 200 };
  const [first, firstPageMs] = time(() => reopened.items({ ...page, sort: 'category' }));
  const [, deepPageMs] = time(() => reopened.items({ offset: Math.floor(n / 2), limit: 200, sort: 'category' }));
  const [filtered, filterMs] = time(() => reopened.items({ ...page, sort: 'category', categories: ['amount-mismatch'] }));
  const [found, searchMs] = time(() => reopened.items({ ...page, sort: 'category', search: `WX${String(n - 7).padStart(12, '0').slice(0, 10)}` }));
  const [inside, containsMs] = time(() => reopened.items({ ...page, sort: 'category', search: String(n - 7).padStart(12, '0').slice(-8) }));
  const [, sortMs] = time(() => reopened.items({ ...page, sort: 'amount-desc' }));
  const [, summaryMs] = time(() => reopened.summary());
  const keys = first.rows.slice(0, 200).map((r) => r.key).concat(Array.from({ length: 800 }, (_, i) => `WX${String(i * 997).padStart(12, '0')}`));
  const [resolved, resolveMs] = time(() => reopened.resolve(keys, { status: 'in-progress', decision: null, note: '核对中', by: 'bench' }));
  reopened.close();
  process.stdout.write(JSON.stringify({
    items: n, saveMs, reopenMs, firstPageMs, deepPageMs, filterMs, searchMs, containsMs, sortMs, summaryMs, resolveMs,
    total: first.total, filtered: filtered.total, found: found.total, foundInside: inside.total, resolved: resolved.updated,
    dbMiB: Math.round(statSync(Workspace.fileOf(root, 'bench')).size / 1048576),
  }) + '\n');
} finally {
  rmSync(root, { recursive: true, force: true });
}
