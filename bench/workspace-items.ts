/** A synthetic reconciliation result of N items, every category, for the workspace and renderer benchmarks. */
import { CATEGORIES, type ReconcileItem, type ReconcileReport } from '../shared/recon/types.ts';

export function syntheticItem(i: number): ReconcileItem {
  const category = CATEGORIES[i % CATEGORIES.length]!;
  const outTradeNo = `WX${String(i).padStart(12, '0')}`;
  const fen = 100 + ((i * 7919) % 1_000_000);
  return {
    category, outTradeNo, transactionId: `4200000001202611260${String(i).padStart(9, '0')}`,
    bill: { amountFen: fen, settlementFen: fen, couponFen: 0, state: 'SUCCESS', paidAt: `2026-11-26 ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`, transactionId: null, refunds: [], refundFen: 0, file: 'bill.csv', line: i + 2 },
    ledger: { amountFen: fen - 1, state: 'paid', stateRaw: '已支付', paidAt: null, refundFen: null, transactionId: null, file: 'ledger.csv', line: i + 2 },
    live: null, explanation: `订单金额不符：微信 ${(fen / 100).toFixed(2)}，台账 ${((fen - 1) / 100).toFixed(2)}`, explanations: { 'zh-CN': '…', en: '…' }, suggestedAction: 'correct-ledger-amount',
  };
}

export function syntheticReport(n: number): ReconcileReport {
  return {
    summary: { bill: { files: 1, rows: n, paidCount: n, paidFen: 0, refundCount: 0, refundFen: 0, days: ['2026-11-26'] }, ledger: { files: 1, rows: n, paidCount: n, paidFen: 0, refundFen: 0 }, counts: { matched: 0 }, differenceFen: 0, settings: { crossDayWindowMinutes: 30, amountToleranceFen: 0 } },
    items: Array.from({ length: n }, (_, i) => syntheticItem(i)),
  } as unknown as ReconcileReport;
}
