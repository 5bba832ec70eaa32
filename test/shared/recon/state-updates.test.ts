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
