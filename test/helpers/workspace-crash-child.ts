/**
 * Child for the crash test: keeps replacing a workspace's result and recording decisions, printing
 * each generation once committed, until it is killed (SIGKILL) at a moment it does not choose.
 */
import { Workspace } from '../../electron/main/workspace/store.ts';
import type { ReconcileItem, ReconcileReport } from '../../shared/recon/types.ts';

const [root, id, countText] = process.argv.slice(2);
const count = Number(countText);
const ws = Workspace.open(root!, id!);
const rank = new Map([['amount-mismatch', 0]]);
const item = (i: number, g: number): ReconcileItem => ({
  category: 'amount-mismatch', outTradeNo: `K${i}`, transactionId: null, bill: null, ledger: null, live: null,
  explanation: `gen ${g}`, explanations: { 'zh-CN': `gen ${g}`, en: `gen ${g}` }, suggestedAction: 'correct-ledger-amount',
});
for (let g = 1; ; g++) {
  const report = { summary: { bill: { files: 1, rows: count, paidCount: 0, paidFen: 0, refundCount: 0, refundFen: 0, days: ['2026-11-26'] }, ledger: { files: 0, rows: 0, paidCount: 0, paidFen: 0, refundFen: 0 }, counts: { matched: g }, differenceFen: 0, settings: { crossDayWindowMinutes: 30, amountToleranceFen: 0 } }, items: Array.from({ length: count }, (_, i) => item(i, g)) } as unknown as ReconcileReport;
  ws.saveResult(report, rank);
  ws.resolve([`K${g % count}`], { status: 'in-progress', decision: null, note: `gen ${g}`, by: 'child' });
  process.stdout.write(`committed ${g}\n`);
}
