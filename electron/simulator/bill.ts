/**
 * The simulator's trade bills (交易账单), made from its orders the way WeChat Pay makes them:
 * one day (Beijing time) of payments and refunds, backticked fields, CRLF, the 7-column summary,
 * in the current layouts (ALL 27, SUCCESS 20, REFUND 29 columns). So a bill downloaded from the
 * simulator, the orders it answers queries about and the demo ledger always tell one story.
 */
import { KNOWN_LAYOUTS } from '../../shared/bill/layouts.ts';
import type { SimOrder } from './server.ts';

export type SimBillType = 'ALL' | 'SUCCESS' | 'REFUND';

export interface SimBillOptions {
  /** `YYYY-MM-DD`, Beijing. */
  date: string;
  billType: SimBillType;
  appid: string;
  mchid: string;
  /** 特约商户号 for a service provider's bill; `0` for a direct merchant. */
  subMchid?: string | null;
  /** Start with a UTF-8 BOM, as v3 tradebill downloads do. */
  bom?: boolean;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);
/** WeChat's fee at 0.60 %, half up to the fen, in fen. */
const feeFen = (fen: number) => Math.floor((2 * fen * 60 + 10_000) / 20_000);
/** Fees print with five decimals; a refund's is negative (the fee is returned). */
const feeText = (fen: number) => `${fen < 0 ? '-' : ''}${(Math.abs(fen) / 100).toFixed(5)}`;
/** ISO 8601 with +08:00 → `YYYY-MM-DD HH:mm:ss` as the bill prints Beijing time. */
const wall = (iso: string) => iso.slice(0, 19).replace('T', ' ');
const dayOf = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : null);

/** The bill of one day, or null when WeChat would answer "No Bill Exist" (nothing happened that day). */
export function simTradeBill(orders: readonly SimOrder[], o: SimBillOptions): string | null {
  const layoutName = o.billType === 'ALL' ? 'v27' : o.billType === 'SUCCESS' ? 'v20' : 'v29';
  const columns = KNOWN_LAYOUTS.find((l) => l.name === layoutName)!.columns;
  const rows: { time: string; fields: Record<string, string> }[] = [];
  let settlementFen = 0;
  let refundFen = 0;
  let fees = 0;
  for (const order of orders) {
    const paid = (order.tradeState === 'SUCCESS' || order.tradeState === 'REFUND') && order.transactionId !== null && order.successTime !== null;
    if (!paid) continue;
    const head = {
      公众账号ID: o.appid, 商户号: o.mchid, 特约商户号: o.subMchid ?? '0', 设备号: '', 微信订单号: order.transactionId!, 商户订单号: order.outTradeNo,
      用户标识: 'oDemoUser0000000000000000001', 交易类型: 'NATIVE', 付款银行: 'OTHERS', 货币种类: 'CNY', 商品名称: '演示商品', 商户数据包: '', 费率: '0.60%', 费率备注: '',
    };
    if (o.billType !== 'REFUND' && dayOf(order.successTime) === o.date) {
      const fee = feeFen(order.totalFen);
      rows.push({
        time: wall(order.successTime!),
        fields: {
          ...head, 交易时间: wall(order.successTime!), 交易状态: 'SUCCESS', 应结订单金额: yuan(order.totalFen), 代金券金额: '0.00', 微信退款单号: '0', 商户退款单号: '0',
          退款金额: '0.00', 充值券退款金额: '0.00', 退款类型: '', 退款状态: '', 手续费: feeText(fee), 订单金额: yuan(order.totalFen), 申请退款金额: '0.00',
        },
      });
      settlementFen += order.totalFen;
      fees += fee;
    }
    if (o.billType === 'SUCCESS') continue;
    for (const r of order.refunds ?? []) {
      // A refund is billed on the day it was made, with the status it had when the bill was cut.
      const made = r.createTime ?? r.successTime;
      if (dayOf(made) !== o.date) continue;
      const fee = -feeFen(r.refundFen);
      rows.push({
        time: wall(made!),
        fields: {
          // REFUND bills date a refund by its payment; ALL bills by the refund.
          ...head, 交易时间: o.billType === 'REFUND' ? wall(order.successTime!) : wall(made!), 交易状态: 'REFUND', 应结订单金额: '0.00', 代金券金额: '0.00', 退款申请时间: wall(made!), 退款成功时间: r.successTime ? wall(r.successTime) : '',
          微信退款单号: r.refundId ?? '', 商户退款单号: r.outRefundNo, 退款金额: yuan(r.refundFen), 充值券退款金额: '0.00', 退款类型: 'ORIGINAL',
          退款状态: r.status === 'SUCCESS' && dayOf(r.successTime) === o.date ? 'SUCCESS' : 'PROCESSING', 手续费: feeText(fee), 订单金额: '0.00', 申请退款金额: yuan(r.refundFen),
        },
      });
      refundFen += r.refundFen;
      fees += fee;
    }
  }
  if (rows.length === 0) return null;
  // Stable: rows of the same second keep the orders' order.
  rows.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => '`' + (r.fields[c] ?? '')).join(','));
  lines.push('总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额');
  lines.push(['`' + rows.length, '`' + yuan(settlementFen), '`' + yuan(refundFen), '`0.00', '`' + feeText(fees), '`' + yuan(settlementFen), '`' + yuan(refundFen)].join(','));
  return (o.bom === true ? '\ufeff' : '') + lines.join('\r\n') + '\r\n';
}
