/**
 * The demo day (2026-11-26) for `wxrecon demo` and the simulator: orders in every situation a
 * finance user meets, the WeChat trade bill (ALL, current 27-column layout, backticked like the
 * real download) and the shop's ledger that disagree exactly where the story says:
 * a lost payment callback, an order the ledger calls paid that WeChat closed, a wrong amount, an
 * order missing from the ledger, a midnight payment in transit, and orders that agree.
 */
import { simTradeBill } from './bill.ts';
import type { SimOrder } from './server.ts';

interface DemoCase {
  order: SimOrder;
  /** The ledger's row, or null when the ledger lacks the order. */
  ledger: { amountFen: number; state: string; paidAt: string; refundFen?: number } | null;
}

const tx = (n: number, day = '26') => `42000000012026112${day === '26' ? '6' : '7'}${String(n).padStart(10, '0')}`;
const refundId = (n: number, day = '26') => `5030000001202611${day}0000000${String(n).padStart(3, '0')}`;

export const DEMO_DATE = '2026-11-26';

export const DEMO_CASES: readonly DemoCase[] = [
  { order: { outTradeNo: 'DEMO-1001', transactionId: tx(1), tradeState: 'SUCCESS', totalFen: 1999, successTime: '2026-11-26T10:15:02+08:00' }, ledger: { amountFen: 1999, state: '已支付', paidAt: '2026-11-26 10:15:03' } },
  {
    order: {
      outTradeNo: 'DEMO-1002', transactionId: tx(2), tradeState: 'REFUND', totalFen: 5800, successTime: '2026-11-26T11:20:40+08:00',
      refunds: [{ outRefundNo: 'RDEMO-1002', refundId: refundId(2), refundFen: 5800, status: 'SUCCESS', successTime: '2026-11-26T12:20:40+08:00' }],
    },
    ledger: { amountFen: 5800, state: '已退款', paidAt: '2026-11-26 11:20:41', refundFen: 5800 },
  },
  { order: { outTradeNo: 'DEMO-1003', transactionId: null, tradeState: 'NOTPAY', totalFen: 990, successTime: null }, ledger: { amountFen: 990, state: '待支付', paidAt: '' } },
  { order: { outTradeNo: 'DEMO-1004', transactionId: null, tradeState: 'CLOSED', totalFen: 12000, successTime: null }, ledger: { amountFen: 12000, state: '已支付', paidAt: '2026-11-26 14:02:10' } },
  { order: { outTradeNo: 'DEMO-1005', transactionId: tx(5, '27'), tradeState: 'SUCCESS', totalFen: 2590, successTime: '2026-11-27T00:00:03+08:00' }, ledger: { amountFen: 2590, state: '已支付', paidAt: '2026-11-26 23:59:58' } },
  { order: { outTradeNo: 'DEMO-1006', transactionId: null, tradeState: 'USERPAYING', totalFen: 3300, successTime: null }, ledger: { amountFen: 3300, state: '待支付', paidAt: '' } },
  { order: { outTradeNo: 'DEMO-1007', transactionId: tx(7), tradeState: 'SUCCESS', totalFen: 4500, successTime: '2026-11-26T16:45:30+08:00' }, ledger: { amountFen: 4500, state: '待支付', paidAt: '' } },
  { order: { outTradeNo: 'DEMO-1008', transactionId: tx(8), tradeState: 'SUCCESS', totalFen: 8800, successTime: '2026-11-26T18:05:12+08:00' }, ledger: { amountFen: 8000, state: '已支付', paidAt: '2026-11-26 18:05:13' } },
  { order: { outTradeNo: 'DEMO-1009', transactionId: tx(9), tradeState: 'SUCCESS', totalFen: 1200, successTime: '2026-11-26T20:30:00+08:00' }, ledger: null },
  // The shop refunded part of this order late on the 26th; WeChat finished it after midnight, so
  // the refund is in the 27th's bill: a refund query shows the ledger is right.
  {
    order: {
      outTradeNo: 'DEMO-1010', transactionId: tx(10), tradeState: 'REFUND', totalFen: 6600, successTime: '2026-11-26T09:30:00+08:00',
      refunds: [{ outRefundNo: 'RDEMO-1010', refundId: refundId(10, '27'), refundFen: 3000, status: 'SUCCESS', createTime: '2026-11-27T00:05:00+08:00', successTime: '2026-11-27T00:05:09+08:00' }],
    },
    ledger: { amountFen: 6600, state: '部分退款', paidAt: '2026-11-26 09:30:01', refundFen: 3000 },
  },
  // Paid (the callback was lost, so the ledger still waits) and refunded in full the next
  // morning through the merchant platform: the ledger should go straight to refunded.
  {
    order: {
      outTradeNo: 'DEMO-1011', transactionId: tx(11), tradeState: 'REFUND', totalFen: 2000, successTime: '2026-11-26T21:10:00+08:00',
      refunds: [{ outRefundNo: 'RDEMO-1011', refundId: refundId(11, '27'), refundFen: 2000, status: 'SUCCESS', createTime: '2026-11-27T09:12:00+08:00', successTime: '2026-11-27T09:12:30+08:00' }],
    },
    ledger: { amountFen: 2000, state: '待支付', paidAt: '' },
  },
];

export function demoOrders(): SimOrder[] {
  return DEMO_CASES.map((c) => ({ ...c.order, refunds: (c.order.refunds ?? []).map((r) => ({ ...r })) }));
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

/** The demo day's ALL bill as WeChat writes it (the simulator's own bill of that day). */
export function demoBillCsv(): string {
  return simTradeBill(demoOrders(), { date: DEMO_DATE, billType: 'ALL', appid: 'wx0000000000000001', mchid: '1900000001' })!;
}

/** The shop's export for the same day (UTF-8 with BOM, as Excel-friendly shops write it). */
export function demoLedgerCsv(): string {
  const lines = ['商户订单号,订单金额,订单状态,支付时间,退款金额'];
  for (const c of DEMO_CASES) {
    if (c.ledger === null) continue;
    lines.push([c.order.outTradeNo, yuan(c.ledger.amountFen), c.ledger.state, c.ledger.paidAt, yuan(c.ledger.refundFen ?? 0)].join(','));
  }
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}
