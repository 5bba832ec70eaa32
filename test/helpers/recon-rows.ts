/** Hand-made bill rows for reconciliation tests: a paid JSAPI order at 0.60 %, fee rounded as WeChat does. */
import type { TradeBillRow } from '../../shared/import/types.ts';

let line = 1;

/** The next line number, shared by every row made here, so that rows stay distinct. */
export function nextLine(): number {
  return ++line;
}

export function paidRow(outTradeNo: string, orderFen: number, over: Partial<TradeBillRow> = {}): TradeBillRow {
  return {
    line: nextLine(), tradeTime: '2026-11-26 12:00:00', appId: 'wx1', mchId: '1900000001', subMchId: '0', deviceInfo: '', transactionId: `42000${outTradeNo.padStart(23, '0')}`,
    outTradeNo, openId: 'o', tradeType: 'JSAPI', tradeState: 'SUCCESS', bankType: 'CMC', currency: 'CNY', settlementFen: orderFen,
    orderFen, couponFen: 0, refundId: null, outRefundNo: null, refundFen: 0, couponRefundFen: 0, refundType: '', refundStatus: '',
    refundAppliedAt: null, refundSucceededAt: null, body: '', attach: '', feeMilliFen: Math.floor((2 * orderFen * 60 + 10_000) / 20_000) * 1000, rate: '0.60%', refundRequestFen: 0, rateNote: '', ...over,
  };
}
