import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../shared/recon/engine.ts';
import { stateUpdates, stateUpdatesCsv } from '../../../shared/recon/state-updates.ts';
import type { LedgerRow } from '../../../shared/import/types.ts';
import type { LiveState } from '../../../shared/recon/types.ts';
import { nextLine, paidRow } from '../../helpers/recon-rows.ts';

const pay = paidRow;
const refund = (outTradeNo: string, fen: number, id: string) => pay(outTradeNo, 0, { tradeState: 'REFUND', settlementFen: 0, refundId: id, outRefundNo: `R${id}`, refundFen: fen, refundRequestFen: fen, refundStatus: 'SUCCESS', tradeTime: '2026-11-26 15:00:00' });
function led(outTradeNo: string, amountFen: number, state: LedgerRow['state'] = 'paid', stateRaw = '已支付'): LedgerRow {
  return { line: nextLine(), outTradeNo, amountFen, state, stateRaw, paidAt: state === 'paid' ? '2026-11-26 12:00:01' : null, refundFen: null, transactionId: null };
}
const live = (outTradeNo: string, tradeState: LiveState['tradeState'], successTime: string | null = null): [string, LiveState] => [outTradeNo, { outTradeNo, transactionId: null, tradeState, totalFen: 500, successTime, queriedAt: '2026-11-27T09:30:00+08:00' }];

describe('trade-state updates', () => {
  const report = reconcile({
    bills: [{ file: 'b.csv', billType: 'ALL', rows: [pay('LOST', 1999), pay('OK', 100), pay('PART', 1000), refund('PART', 300, '5001'), pay('FULL', 800), refund('FULL', 800, '5002'), pay('NEW', 50)] }],
    ledgers: [{ file: 'l.csv', rows: [led('LOST', 1999, 'unpaid', '待支付'), led('OK', 100), led('PART', 1000), led('FULL', 800), led('GONE', 500), led('WAIT', 600), led('LATE', 700, 'unpaid', '未支付')] }],
    live: new Map([live('GONE', 'CLOSED'), live('WAIT', 'USERPAYING'), live('LATE', 'SUCCESS', '2026-11-27T00:00:03+08:00')]),
  }, 'zh-CN');
  const updates = stateUpdates(report);
  const by = (key: string) => updates.find((u) => u.outTradeNo === key);

  it('lists exactly the confirmed changes: lost callbacks, bill refunds, orders WeChat closed', () => {
    expect(updates.map((u) => `${u.outTradeNo}→${u.newState}`).sort()).toEqual(['FULL→refunded', 'GONE→closed', 'LATE→paid', 'LOST→paid', 'PART→partially_refunded']);
    expect(by('LOST')).toMatchObject({ ledgerState: '待支付', newState: 'paid', amountFen: 1999, wechatState: 'SUCCESS', successTime: '2026-11-26T12:00:00+08:00' });
    expect(by('LATE')).toMatchObject({ newState: 'paid', wechatState: 'SUCCESS', successTime: '2026-11-27T00:00:03+08:00' });
    expect(by('PART')).toMatchObject({ amountFen: 1000, refundFen: 300, wechatState: 'REFUND' });
    expect(by('GONE')).toMatchObject({ newState: 'closed', amountFen: 500, wechatState: 'CLOSED' });
    // Not final (USERPAYING), missing from the ledger (NEW), agreeing (OK): not listed.
    expect([by('WAIT'), by('NEW'), by('OK')]).toEqual([undefined, undefined, undefined]);
    expect(by('LOST')!.reason).toContain('支付回调丢失');
  });

  it('writes the contract\'s CSV: BOM, CRLF, columns in order, ids as they are, formulas neutralised', () => {
    const csv = stateUpdatesCsv([...updates, { ...updates[0]!, outTradeNo: '=cmd()', transactionId: '4200000000000000000000000001' }]);
    const lines = csv.split('\r\n');
    expect(csv.startsWith('\ufeffout_trade_no,transaction_id,ledger_state,new_state,amount_fen,refund_fen,wechat_state,success_time,reason\r\n')).toBe(true);
    expect(lines).toHaveLength(updates.length + 3);
    expect(lines.at(-2)).toMatch(/^"'=cmd\(\)",4200000000000000000000000001,/);
    expect(lines.find((l) => l.startsWith('PART,'))).toMatch(new RegExp(`^PART,42000${'PART'.padStart(23, '0')},已支付,partially_refunded,1000,300,REFUND,`));
  });
});

describe('trade-state updates from refund queries (退款查询)', () => {
  const refunds = (complete: boolean, ...list: [string, number, string][]) => ({
    complete,
    refundFen: list.filter(([, , s]) => s === 'SUCCESS').reduce((a, [, f]) => a + f, 0),
    refunds: list.map(([no, fen, status], i) => ({ outRefundNo: no, refundId: `50${i}`, refundFen: fen, status, successTime: status === 'SUCCESS' ? `2026-11-27T0${i + 1}:00:00+08:00` : null })),
  });
  const refunded = (outTradeNo: string, r: ReturnType<typeof refunds>): [string, LiveState] => [outTradeNo, { outTradeNo, transactionId: null, tradeState: 'REFUND', totalFen: 1000, successTime: '2026-11-26T12:00:00+08:00', queriedAt: '2026-11-27T09:30:00+08:00', refunds: r }];
  const report = reconcile({
    bills: [{ file: 'b.csv', billType: 'ALL', rows: [pay('LATER', 1000), pay('AGREES', 1000), pay('LOSTREF', 1000), pay('PENDING', 1000), pay('BYNUMBER', 1000), refund('BYNUMBER', 200, '7001'), pay('UNKNOWN', 1000)] }],
    ledgers: [{ file: 'l.csv', rows: [led('LATER', 1000), { ...led('AGREES', 1000, 'partially_refunded', '部分退款'), refundFen: 400 }, led('LOSTREF', 1000, 'unpaid', '待支付'), led('PENDING', 1000), led('BYNUMBER', 1000), led('UNKNOWN', 1000)] }],
    live: new Map([
      refunded('LATER', refunds(true, ['R1', 300, 'SUCCESS'], ['R2', 100, 'SUCCESS'])),
      refunded('AGREES', refunds(true, ['R3', 400, 'SUCCESS'])),
      refunded('LOSTREF', refunds(true, ['R4', 1000, 'SUCCESS'])),
      refunded('PENDING', refunds(true, ['R5', 500, 'PROCESSING'])),
      // v3 asked only about the refund the bill showed: a second, later one is unknown.
      refunded('BYNUMBER', refunds(false, ['R7001', 200, 'SUCCESS'])),
      ['UNKNOWN', { outTradeNo: 'UNKNOWN', transactionId: null, tradeState: 'REFUND', totalFen: 1000, successTime: null, queriedAt: '2026-11-27T09:30:00+08:00' }],
    ]),
  }, 'en');
  const item = (key: string) => report.items.find((i) => i.outTradeNo === key);
  const updates = stateUpdates(report);
  const by = (key: string) => updates.find((u) => u.outTradeNo === key);

  it('compares the ledger with what WeChat refunded since the bill, not with the bill alone', () => {
    expect(item('LATER')).toMatchObject({ category: 'refund-mismatch', suggestedAction: 'record-refund-in-ledger' });
    expect(item('LATER')!.explanation).toContain('4.00');
    expect(item('LATER')!.live!.refunds!.refundFen).toBe(400);
    // The ledger already has the refund WeChat made after the bill: nothing to do.
    expect(item('AGREES')).toBeUndefined();
    // A refund still PROCESSING has not left the account: the ledger's "paid, no refund" agrees for now.
    expect(item('PENDING')).toBeUndefined();
    // The bill's refund and the ledger disagree; the live answer lists no more than the bill.
    expect(item('BYNUMBER')).toMatchObject({ category: 'refund-mismatch' });
    expect(item('UNKNOWN')).toMatchObject({ category: 'refund-mismatch', suggestedAction: 'record-refund-in-ledger' });
  });

  it('turns confirmed refunds into refunded / partially_refunded with the amount that succeeded', () => {
    expect(by('LATER')).toMatchObject({ newState: 'partially_refunded', amountFen: 1000, refundFen: 400, wechatState: 'REFUND', successTime: '2026-11-27T02:00:00+08:00' });
    // A lost payment callback of an order refunded since: straight to refunded.
    expect(by('LOSTREF')).toMatchObject({ ledgerState: '待支付', newState: 'refunded', amountFen: 1000, refundFen: 1000 });
    // The bill's own refund still gives the amount when v3 could only confirm that one.
    expect(by('BYNUMBER')).toMatchObject({ newState: 'partially_refunded', refundFen: 200 });
    // REFUND with no refund query answer: no amount, so no update (it waits for a refund query).
    expect(by('UNKNOWN')).toBeUndefined();
    expect(by('AGREES')).toBeUndefined();
    expect(by('PENDING')).toBeUndefined();
  });
});
