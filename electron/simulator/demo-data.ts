/**
 * The demo day (2026-11-26) for `wxrecon demo` and the simulator: orders in every situation a
 * finance user meets, the WeChat trade bill (ALL, current 27-column layout, backticked like the
 * real download) and the shop's ledger that disagree exactly where the story says:
 * a lost payment callback, an order the ledger calls paid that WeChat closed, a wrong amount, an
 * order missing from the ledger, a midnight payment in transit, and orders that agree.
 */
import { KNOWN_LAYOUTS } from '../../shared/bill/layouts.ts';
import type { SimOrder } from './server.ts';

interface DemoCase {
  order: SimOrder;
  /** In the 2026-11-26 bill. */
  inBill: boolean;
  /** Refunded in full on the bill day. */
  refundFen?: number;
  /** The ledger's row, or null when the ledger lacks the order. */
  ledger: { amountFen: number; state: string; paidAt: string; refundFen?: number } | null;
}

const tx = (n: number, day = '26') => `42000000012026112${day === '26' ? '6' : '7'}${String(n).padStart(10, '0')}`;

export const DEMO_CASES: readonly DemoCase[] = [
  { order: { outTradeNo: 'DEMO-1001', transactionId: tx(1), tradeState: 'SUCCESS', totalFen: 1999, successTime: '2026-11-26T10:15:02+08:00' }, inBill: true, ledger: { amountFen: 1999, state: '已支付', paidAt: '2026-11-26 10:15:03' } },
  { order: { outTradeNo: 'DEMO-1002', transactionId: tx(2), tradeState: 'REFUND', totalFen: 5800, successTime: '2026-11-26T11:20:40+08:00' }, inBill: true, refundFen: 5800, ledger: { amountFen: 5800, state: '已退款', paidAt: '2026-11-26 11:20:41', refundFen: 5800 } },
  { order: { outTradeNo: 'DEMO-1003', transactionId: null, tradeState: 'NOTPAY', totalFen: 990, successTime: null }, inBill: false, ledger: { amountFen: 990, state: '待支付', paidAt: '' } },
  { order: { outTradeNo: 'DEMO-1004', transactionId: null, tradeState: 'CLOSED', totalFen: 12000, successTime: null }, inBill: false, ledger: { amountFen: 12000, state: '已支付', paidAt: '2026-11-26 14:02:10' } },
  { order: { outTradeNo: 'DEMO-1005', transactionId: tx(5, '27'), tradeState: 'SUCCESS', totalFen: 2590, successTime: '2026-11-27T00:00:03+08:00' }, inBill: false, ledger: { amountFen: 2590, state: '已支付', paidAt: '2026-11-26 23:59:58' } },
  { order: { outTradeNo: 'DEMO-1006', transactionId: null, tradeState: 'USERPAYING', totalFen: 3300, successTime: null }, inBill: false, ledger: { amountFen: 3300, state: '待支付', paidAt: '' } },
  { order: { outTradeNo: 'DEMO-1007', transactionId: tx(7), tradeState: 'SUCCESS', totalFen: 4500, successTime: '2026-11-26T16:45:30+08:00' }, inBill: true, ledger: { amountFen: 4500, state: '待支付', paidAt: '' } },
  { order: { outTradeNo: 'DEMO-1008', transactionId: tx(8), tradeState: 'SUCCESS', totalFen: 8800, successTime: '2026-11-26T18:05:12+08:00' }, inBill: true, ledger: { amountFen: 8000, state: '已支付', paidAt: '2026-11-26 18:05:13' } },
  { order: { outTradeNo: 'DEMO-1009', transactionId: tx(9), tradeState: 'SUCCESS', totalFen: 1200, successTime: '2026-11-26T20:30:00+08:00' }, inBill: true, ledger: null },
];

export function demoOrders(): SimOrder[] {
  return DEMO_CASES.map((c) => ({ ...c.order }));
}

const yuan = (fen: number) => (fen / 100).toFixed(2);
/** WeChat's fee at 0.60 %: settlement × rate, half up to the fen, printed with five decimals. */
const fee = (fen: number) => (Math.floor((2 * fen * 60 + 10_000) / 20_000) / 100).toFixed(5);
const wall = (iso: string) => iso.slice(0, 19).replace('T', ' ');

/** The demo day's ALL bill as WeChat writes it: backticked fields, CRLF, the summary lines. */
export function demoBillCsv(): string {
  const columns = KNOWN_LAYOUTS.find((l) => l.name === 'v27')!.columns;
  const lines = [columns.join(',')];
  let count = 0;
  let settlement = 0;
  let refunds = 0;
  let fees = 0;
  let orders = 0;
  const row = (fields: string[]) => {
    lines.push(fields.map((f) => '`' + f).join(','));
    count++;
  };
  for (const c of DEMO_CASES) {
    if (!c.inBill) continue;
    const o = c.order;
    const head = [wall(o.successTime!), 'wx0000000000000001', '1900000001', '0', '', o.transactionId!, o.outTradeNo, 'oDemoUser0000000000000000001', 'NATIVE'];
    row([...head, 'SUCCESS', 'OTHERS', 'CNY', yuan(o.totalFen), '0.00', '0', '0', '0.00', '0.00', '', '', '演示商品', '', fee(o.totalFen), '0.60%', yuan(o.totalFen), '0.00', '']);
    settlement += o.totalFen;
    orders += o.totalFen;
    fees += Math.floor((2 * o.totalFen * 60 + 10_000) / 20_000);
    if (c.refundFen !== undefined) {
      const refundTime = wall(o.successTime!).replace(/ (\d{2})/, (_, h: string) => ` ${String(Number(h) + 1).padStart(2, '0')}`);
      row([refundTime, ...head.slice(1), 'REFUND', 'OTHERS', 'CNY', '0.00', '0.00', `5030000001202611260000000${o.outTradeNo.slice(-3)}`, `R${o.outTradeNo}`, yuan(c.refundFen), '0.00', 'ORIGINAL', 'SUCCESS', '演示商品', '', `-${fee(c.refundFen)}`, '0.60%', '0.00', yuan(c.refundFen), '']);
      refunds += c.refundFen;
      fees -= Math.floor((2 * c.refundFen * 60 + 10_000) / 20_000);
    }
  }
  lines.push('总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额');
  lines.push(['`' + count, '`' + yuan(settlement), '`' + yuan(refunds), '`0.00', '`' + (fees / 100).toFixed(5), '`' + yuan(orders), '`' + yuan(refunds)].join(','));
  return lines.join('\r\n') + '\r\n';
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
