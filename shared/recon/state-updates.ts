/**
 * 交易状态更新: the list for the merchant's own system of orders whose ledger state must change to
 * agree with WeChat Pay (contract: "State updates (`--updates FILE`)"). Derived from a finished
 * report, so it carries exactly what the bill or a verified live query confirmed:
 * - a payment WeChat has (bill or live SUCCESS) that the ledger calls unpaid or closed → paid;
 * - refunds the ledger lacks, in the bill or found by a refund query (退款查询) → refunded (the whole
 *   order) or partially_refunded, with the amount that succeeded;
 * - an order the ledger calls paid that WeChat closed, revoked or never saw → closed.
 * Nothing that is not final (NOTPAY, USERPAYING, ACCEPT) appears; an order missing from the ledger
 * altogether is an insert, not a state change, and stays in the report only.
 */
import { csvText } from './csv-report.ts';
import type { LiveRefunds, ReconcileItem, ReconcileReport } from './types.ts';

export type NewLedgerState = 'paid' | 'refunded' | 'partially_refunded' | 'closed' | 'unpaid';

export interface StateUpdate {
  outTradeNo: string;
  transactionId: string | null;
  ledgerState: string;
  newState: NewLedgerState;
  amountFen: number | null;
  refundFen: number | null;
  /** WeChat's state as the bill or the live query gave it. */
  wechatState: string;
  successTime: string | null;
  reason: string;
}

export const STATE_UPDATE_COLUMNS = ['out_trade_no', 'transaction_id', 'ledger_state', 'new_state', 'amount_fen', 'refund_fen', 'wechat_state', 'success_time', 'reason'] as const;

const CLOSED_AT_WECHAT = new Set(['CLOSED', 'REVOKED', 'PAYERROR', 'ORDER_NOT_EXIST']);

/** Bill time `YYYY-MM-DD HH:mm:ss` (Beijing) as ISO 8601 with +08:00. */
function billTimeIso(t: string | null): string | null {
  return t === null ? null : `${t.replace(' ', 'T')}+08:00`;
}

/** When the last refund that succeeded did. */
function lastRefundTime(r: LiveRefunds): string | null {
  return r.refunds.filter((x) => x.status === 'SUCCESS' && x.successTime !== null).map((x) => x.successTime!).sort().at(-1) ?? null;
}

/** The order refunded in full, or in part, by `refundFen`. */
function refundUpdate(base: Pick<StateUpdate, 'outTradeNo' | 'transactionId' | 'ledgerState' | 'reason'>, orderFen: number, refundFen: number, successTime: string | null): StateUpdate {
  return { ...base, newState: refundFen >= orderFen ? 'refunded' : 'partially_refunded', amountFen: orderFen, refundFen, wechatState: 'REFUND', successTime };
}

function update(item: ReconcileItem): StateUpdate | null {
  const key = item.outTradeNo;
  const ledger = item.ledger;
  if (key === null || ledger === null) return null;
  const bill = item.bill;
  const live = item.live;
  const base = { outTradeNo: key, transactionId: item.transactionId, ledgerState: ledger.stateRaw || ledger.state, reason: item.explanation };
  switch (item.suggestedAction) {
    case 'mark-ledger-paid': {
      // Paid at WeChat: by the bill's SUCCESS row, or by a verified live SUCCESS/REFUND.
      const paidInBill = bill !== null && bill.state === 'SUCCESS';
      const paidLive = live !== null && (live.tradeState === 'SUCCESS' || live.tradeState === 'REFUND');
      if (!paidInBill && !paidLive) return null;
      // Paid and since refunded (a refund query listed every refund): straight to the refund state.
      const refunds = paidLive && live!.tradeState === 'REFUND' && live!.refunds?.complete === true ? live!.refunds : undefined;
      const orderFen = paidInBill ? bill.amountFen : (live?.totalFen ?? ledger.amountFen);
      if (refunds !== undefined && refunds.refundFen > 0 && orderFen !== null) return refundUpdate(base, orderFen, refunds.refundFen, lastRefundTime(refunds));
      return {
        ...base,
        newState: 'paid',
        amountFen: paidInBill ? bill.amountFen : (live?.totalFen ?? ledger.amountFen),
        refundFen: null,
        wechatState: paidLive ? live!.tradeState : 'SUCCESS',
        successTime: paidInBill ? billTimeIso(bill.paidAt) : (live?.successTime ?? null),
      };
    }
    case 'record-refund-in-ledger': {
      const orderFen = bill !== null && bill.amountFen > 0 ? bill.amountFen : (live?.totalFen ?? ledger.amountFen ?? 0);
      const liveRefunds = live !== null && live.tradeState === 'REFUND' ? live.refunds : undefined;
      // A refund query's succeeded refunds: final, and newer than the bill. Refunds asked for one by
      // one (v3, by the numbers the bill showed) may miss a later one, so they count only when they
      // add to what the bill shows.
      const billRefundFen = bill?.refundFen ?? 0;
      if (liveRefunds !== undefined && liveRefunds.refundFen > 0 && (liveRefunds.complete || liveRefunds.refundFen > billRefundFen)) {
        return refundUpdate(base, orderFen, liveRefunds.refundFen, lastRefundTime(liveRefunds));
      }
      // Otherwise only refunds the bill shows have an amount; a live REFUND alone is not enough.
      if (bill === null || bill.refundFen <= 0) return null;
      return refundUpdate(base, orderFen, bill.refundFen, billTimeIso(bill.paidAt));
    }
    case 'mark-ledger-unpaid': {
      if (live === null || !CLOSED_AT_WECHAT.has(live.tradeState)) return null;
      return { ...base, newState: 'closed', amountFen: ledger.amountFen, refundFen: null, wechatState: live.tradeState, successTime: null };
    }
    default:
      return null;
  }
}

export function stateUpdates(report: ReconcileReport): StateUpdate[] {
  const out: StateUpdate[] = [];
  for (const item of report.items) {
    const u = update(item);
    if (u !== null) out.push(u);
  }
  return out;
}

/** CSV for import into the merchant's system: UTF-8 with BOM, CRLF, the contract's columns, ids exactly as they are (no backtick), text that a spreadsheet would run neutralised. */
export function stateUpdatesCsv(updates: readonly StateUpdate[]): string {
  const lines = [STATE_UPDATE_COLUMNS.join(',')];
  for (const u of updates) {
    lines.push(
      [
        csvText(u.outTradeNo), csvText(u.transactionId ?? ''), csvText(u.ledgerState), u.newState, u.amountFen ?? '', u.refundFen ?? '',
        csvText(u.wechatState), csvText(u.successTime ?? ''), csvText(u.reason),
      ].join(','),
    );
  }
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}
