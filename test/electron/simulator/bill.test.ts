/** The simulator's bills read back by the project's own importer: every type, the summary agreeing. */
import { describe, expect, it } from 'vitest';
import { simTradeBill } from '../../../electron/simulator/bill.ts';
import { demoOrders } from '../../../electron/simulator/demo-data.ts';
import { parseBytes } from '../../helpers/parse-bytes.ts';

const bill = (date: string, billType: 'ALL' | 'SUCCESS' | 'REFUND') => simTradeBill(demoOrders(), { date, billType, appid: 'wx0000000000000001', mchid: '1900000001', bom: true });

describe('simulator trade bills', () => {
  it.each([
    ['2026-11-26', 'ALL', 8, 'v27'], ['2026-11-26', 'SUCCESS', 7, 'v20'], ['2026-11-26', 'REFUND', 1, 'v29'],
    ['2026-11-27', 'ALL', 3, 'v27'], ['2026-11-27', 'SUCCESS', 1, 'v20'], ['2026-11-27', 'REFUND', 2, 'v29'],
  ] as const)('%s %s: %i rows in layout %s, summary agrees', (date, type, rows, layout) => {
    const t = parseBytes(bill(date, type)!, { chunkSizes: [7] });
    expect([t.kind, t.billType, t.layout, t.rows, t.integrity]).toEqual(['trade-bill', type, layout, rows, 'ok']);
  });

  it('lists a refund on the day it was made (the ALL bill of the 27th has the late refunds), ids intact', () => {
    const t = parseBytes(bill('2026-11-27', 'ALL')!, {});
    const refunds = t.tradeRows!.filter((r) => r.tradeState === 'REFUND');
    expect(refunds.map((r) => [r.outTradeNo, r.refundFen])).toEqual([['DEMO-1010', 3000], ['DEMO-1011', 2000]]);
    expect(refunds[0]!.transactionId).toBe('4200000001202611260000000010');
  });

  it('a day with nothing is "No Bill Exist" (null), as WeChat answers', () => {
    expect(bill('2026-11-20', 'ALL')).toBeNull();
  });
});
