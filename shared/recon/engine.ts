/**
 * The reconciliation engine: trade bills × the merchant's ledger × (optionally) live trade states,
 * order by order, with WeChat's semantics. Pure and deterministic: the same inputs give the same
 * report, items sorted by category then order number.
 *
 * Rules (reference: ../shared/reference/reconciliation.md):
 * - Orders are keyed by out_trade_no; the same payment seen in two bills (ALL and SUCCESS of one
 *   day) is one payment (same transaction_id); two different payments of one key are a duplicate.
 * - In an ALL bill a refund is its own row, on the refund day; REFUND bills list refunds too. A
 *   refund is one refund however many bills show it (same refund id); an order may have several.
 * - WeChat's day is cut at 00:00 on the payment time. A ledger payment the bills lack, within the
 *   cut-off window of a boundary between a day the bills cover and one they do not, is in transit
 *   (cross-day); given the neighbouring day's bill it simply matches.
 * - 订单金额 is compared with the ledger's order amount, so a 免充值券 order (应结 < 订单) is no
 *   mismatch; a ledger that booked the settled amount instead is told so.
 * - Live states refine: a lost callback (ledger unpaid, WeChat paid), a ledger that is wrong
 *   (paid in the ledger, NOTPAY/CLOSED/ORDER_NOT_EXIST at WeChat), a refund after the bill.
 */
import { fenToYuanText } from '../money/format.ts';
import type { LedgerRow, TradeBillRow } from '../import/types.ts';
import {
  CATEGORIES, DEFAULT_SETTINGS, NON_FINAL_LIVE_STATES,
  type BillRefundView, type BillView, type Category, type LedgerView, type LiveState, type LiveView,
  type ReconcileInput, type ReconcileItem, type ReconcileReport, type ReconcileSettings, type SuggestedAction,
} from './types.ts';

type Lang = 'zh-CN' | 'en';

interface BillPayment {
  row: TradeBillRow;
  file: string;
}
interface BillRefund {
  row: TradeBillRow;
  file: string;
  amountFen: number;
}
interface LedgerEntry {
  row: LedgerRow;
  file: string;
}
interface OrderEntry {
  payments: BillPayment[] | null;
  refunds: BillRefund[] | null;
  ledger: LedgerEntry[] | null;
}

/** One payment shown by two bills (ALL and SUCCESS) has one transaction id. */
function samePayment(a: TradeBillRow, b: TradeBillRow): boolean {
  if (a.transactionId !== null && b.transactionId !== null) return a.transactionId === b.transactionId;
  return a.tradeTime === b.tradeTime && a.orderFen === b.orderFen;
}

/** One refund shown by two bills (ALL and REFUND) has one refund id. */
function sameRefund(a: TradeBillRow, b: TradeBillRow): boolean {
  if (a.refundId !== null && b.refundId !== null) return a.refundId === b.refundId;
  if (a.outRefundNo !== null && b.outRefundNo !== null) return a.outRefundNo === b.outRefundNo;
  return false;
}

/** Money for explanations: yuan with two decimals. */
const y = fenToYuanText;

const PAID_LEDGER_STATES = new Set(['paid', 'refunded', 'partially_refunded']);

function dayOf(time: string | null): string | null {
  return time === null ? null : time.slice(0, 10);
}

/** Minutes from `time` (Beijing `YYYY-MM-DD HH:mm:ss`) to the nearest 00:00 and that boundary's day pair. */
function nearestBoundary(time: string): { minutes: number; before: string; after: string } {
  const ms = Date.parse(time.replace(' ', 'T') + 'Z');
  const dayStart = Date.parse(time.slice(0, 10) + 'T00:00:00Z');
  const fromStart = (ms - dayStart) / 60_000;
  const toEnd = 24 * 60 - fromStart;
  const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
  return fromStart <= toEnd
    ? { minutes: fromStart, before: isoDay(dayStart - 86_400_000), after: isoDay(dayStart) }
    : { minutes: toEnd, before: isoDay(dayStart), after: isoDay(dayStart + 86_400_000) };
}

function liveDay(live: LiveState): string | null {
  if (live.successTime === null) return null;
  // successTime carries an offset; convert to Beijing wall time before taking the day.
  const ms = Date.parse(live.successTime);
  if (Number.isNaN(ms)) return null;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

function billView(payment: BillPayment | null, refunds: readonly BillRefund[]): BillView | null {
  if (payment === null && refunds.length === 0) return null;
  const r = payment?.row;
  const refundViews: BillRefundView[] = refunds.map((x) => ({
    refundId: x.row.refundId,
    outRefundNo: x.row.outRefundNo,
    amountFen: x.amountFen,
    status: x.row.refundStatus,
    at: x.row.refundSucceededAt ?? x.row.tradeTime,
    file: x.file,
    line: x.row.line,
  }));
  const first = payment ?? refunds[0]!;
  return {
    amountFen: r?.orderFen ?? 0,
    settlementFen: r?.settlementFen ?? null,
    couponFen: r?.couponFen ?? null,
    state: r?.tradeState ?? 'REFUND',
    paidAt: r?.tradeTime ?? null,
    transactionId: first.row.transactionId,
    refunds: refundViews,
    refundFen: refunds.reduce((s, x) => s + x.amountFen, 0),
    file: first.file,
    line: first.row.line,
  };
}

function ledgerView(e: LedgerEntry | null): LedgerView | null {
  if (e === null) return null;
  const r = e.row;
  return { amountFen: r.amountFen, state: r.state, stateRaw: r.stateRaw, paidAt: r.paidAt, refundFen: r.refundFen, transactionId: r.transactionId, file: e.file, line: r.line };
}

function liveView(l: LiveState | undefined): LiveView | null {
  if (l === undefined) return null;
  const v: LiveView = { tradeState: l.tradeState, totalFen: l.totalFen, successTime: l.successTime, queriedAt: l.queriedAt };
  if (l.requestId !== undefined) v.requestId = l.requestId;
  return v;
}

/** The ledger's refunded amount: its refund column, or the whole order when it only says 已退款. */
function ledgerRefundFen(r: LedgerRow): number {
  if (r.refundFen !== null && r.refundFen !== 0) return r.refundFen;
  return r.state === 'refunded' ? (r.amountFen ?? 0) : 0;
}

/**
 * The fee a payment row should carry at its rate: WeChat charges settlement × rate rounded half
 * up to the fen, and prints it with five decimals (0.60% of 6.00 is 0.036 → `0.04000`).
 * Returns the explanation when the bill's own fee disagrees, else null (also when the row has no
 * usable rate).
 */
const RATES = new Map<string, [number, number] | null>();

/** `0.60%` → [60, 10000]: the rate as an exact fraction; parsed once per distinct text. */
function rateFraction(text: string): [number, number] | null {
  let r = RATES.get(text);
  if (r === undefined) {
    const m = /^(\d+)(?:\.(\d{1,4}))?%$/.exec(text.trim());
    const decimals = m?.[2] ?? '';
    r = m === null ? null : [Number(m[1]! + decimals), 100 * 10 ** decimals.length];
    if (RATES.size < 1000) RATES.set(text, r);
  }
  return r;
}

export function feeProblem(row: TradeBillRow): { 'zh-CN': string; en: string } | null {
  if (row.settlementFen === null || row.tradeState !== 'SUCCESS') return null;
  const fraction = rateFraction(row.rate);
  if (fraction === null) return null;
  const [numerator, denominator] = fraction;
  // Half-up rounding in integers: floor((2·s·n + d) / 2d).
  const expectedFen = Math.floor((2 * row.settlementFen * numerator + denominator) / (2 * denominator));
  const expectedMilliFen = expectedFen * 1000;
  if (row.feeMilliFen === expectedMilliFen) return null;
  const fee = (row.feeMilliFen / 1000).toFixed(3);
  return {
    'zh-CN': `手续费不符：应结 ${y(row.settlementFen)} × 费率 ${row.rate} = ${y(expectedFen)}，账单手续费 ${fee} 分`,
    en: `Fee differs: settlement ${y(row.settlementFen)} × rate ${row.rate} = ${y(expectedFen)}, the bill says ${fee} fen`,
  };
}

export function reconcile(input: ReconcileInput, lang: Lang = 'en'): ReconcileReport {
  const settings: ReconcileSettings = { ...DEFAULT_SETTINGS, ...input.settings };
  const live = input.live ?? new Map<string, LiveState>();
  const items: ReconcileItem[] = [];
  const counts = Object.fromEntries([...CATEGORIES, 'matched'].map((c) => [c, 0])) as Record<Category | 'matched', number>;

  // ---- Index both sources in one map: one insert per order, no lookups per order later.
  const orders = new Map<string, OrderEntry>();
  const entryOf = (key: string): OrderEntry => {
    let e = orders.get(key);
    if (e === undefined) {
      e = { payments: null, refunds: null, ledger: null };
      orders.set(key, e);
    }
    return e;
  };
  const billDays = new Set<string>();
  let lastDay = '';
  let billRows = 0;
  let paidCount = 0;
  let paidFen = 0;
  let refundCount = 0;
  let refundFen = 0;
  const orphanBill: BillPayment[] = [];
  for (const bill of input.bills) {
    for (const row of bill.rows) {
      billRows++;
      const t = row.tradeTime;
      const isRefund = bill.billType === 'REFUND' || row.tradeState === 'REFUND';
      // REFUND bills date rows by the original payment, so they do not say which days are covered.
      if (t !== null && bill.billType !== 'REFUND' && (lastDay === '' || !t.startsWith(lastDay))) {
        lastDay = t.slice(0, 10);
        billDays.add(lastDay);
      }
      const key = row.outTradeNo;
      if (isRefund) {
        const amountFen = row.refundRequestFen ?? row.refundFen ?? 0;
        if (key === null) {
          refundCount++;
          refundFen += amountFen;
          orphanBill.push({ row, file: bill.file });
          continue;
        }
        const e = entryOf(key);
        // The same refund in an ALL and a REFUND bill is one refund.
        if (e.refunds !== null && e.refunds.some((x) => sameRefund(x.row, row))) continue;
        refundCount++;
        refundFen += amountFen;
        (e.refunds ??= []).push({ row, file: bill.file, amountFen });
        continue;
      }
      if (key === null) {
        paidCount++;
        paidFen += row.orderFen;
        orphanBill.push({ row, file: bill.file });
        continue;
      }
      const e = entryOf(key);
      // The same payment in an ALL and a SUCCESS bill of one day is one payment.
      if (e.payments !== null && e.payments.some((x) => samePayment(x.row, row))) continue;
      paidCount++;
      paidFen += row.orderFen;
      (e.payments ??= []).push({ row, file: bill.file });
    }
  }

  // ---- The ledgers.
  const orphanLedger: LedgerEntry[] = [];
  let ledgerRows = 0;
  let ledgerPaidCount = 0;
  let ledgerPaidFen = 0;
  let ledgerRefundTotal = 0;
  for (const file of input.ledgers) {
    for (const row of file.rows) {
      ledgerRows++;
      if (PAID_LEDGER_STATES.has(row.state)) {
        ledgerPaidCount++;
        ledgerPaidFen += row.amountFen ?? 0;
      }
      ledgerRefundTotal += ledgerRefundFen(row);
      if (row.outTradeNo === null) {
        orphanLedger.push({ row, file: file.file });
        continue;
      }
      (entryOf(row.outTradeNo).ledger ??= []).push({ row, file: file.file });
    }
  }
  const hasLedger = input.ledgers.length > 0;

  const add = (
    category: Category,
    key: string | null,
    p: BillPayment | null,
    rf: readonly BillRefund[],
    l: LedgerEntry | null,
    action: SuggestedAction,
    text: { 'zh-CN': string; en: string },
    extra: { billRows?: { file: string; line: number }[]; ledgerRows?: { file: string; line: number }[] } = {},
  ) => {
    const liveState = key === null ? undefined : live.get(key);
    items.push({
      category,
      outTradeNo: key,
      transactionId: p?.row.transactionId ?? l?.row.transactionId ?? rf[0]?.row.transactionId ?? null,
      bill: billView(p, rf),
      ledger: ledgerView(l),
      live: liveView(liveState),
      explanation: text[lang],
      explanations: text,
      suggestedAction: action,
      ...extra,
    });
    counts[category]++;
  };

  // ---- Rows whose id a spreadsheet damaged cannot be matched: say so, once each.
  for (const p of orphanBill) {
    add('missing-in-ledger', null, p.row.tradeState === 'REFUND' ? null : p, p.row.tradeState === 'REFUND' ? [{ ...p, amountFen: p.row.refundRequestFen ?? p.row.refundFen ?? 0 }] : [], null, 'redownload-original-file', {
      'zh-CN': `账单第 ${p.row.line} 行的商户订单号已被表格软件损坏，无法匹配（金额 ${y(p.row.orderFen)}）。请重新下载原始账单`,
      en: `The bill's order number on line ${p.row.line} was damaged by a spreadsheet program and cannot be matched (amount ${y(p.row.orderFen)}). Download the original bill again`,
    });
  }
  for (const l of orphanLedger) {
    add('missing-in-bill', null, null, [], l, 'redownload-original-file', {
      'zh-CN': `台账第 ${l.row.line} 行没有可用的订单号（为空或被表格软件损坏），无法匹配`,
      en: `Ledger line ${l.row.line} has no usable order number (empty or damaged by a spreadsheet program) and cannot be matched`,
    });
  }

  // ---- Order by order (items are sorted at the end, so the map's order does not show).
  const NONE: never[] = [];
  for (const [key, entry] of orders) {
    const ps = entry.payments ?? NONE;
    const rs = entry.refunds ?? NONE;
    const ls = entry.ledger ?? NONE;
    const liveState = live.size === 0 ? undefined : live.get(key);

    if (ps.length > 1 || ls.length > 1) {
      const zh = ps.length > 1 ? `账单中该订单有 ${ps.length} 笔不同的支付（微信订单号 ${ps.map((p) => p.row.transactionId ?? '?').join('、')}）` : `台账中该订单出现 ${ls.length} 次（第 ${ls.map((l) => l.row.line).join('、')} 行）`;
      const en = ps.length > 1 ? `The bill has ${ps.length} different payments of this order (transaction ids ${ps.map((p) => p.row.transactionId ?? '?').join(', ')})` : `The ledger lists this order ${ls.length} times (lines ${ls.map((l) => l.row.line).join(', ')})`;
      add('duplicate', key, ps[0] ?? null, rs, ls[0] ?? null, 'resolve-duplicate', { 'zh-CN': `${zh}，未合并，请核实是否重复收款或重复记账`, en: `${en}; not merged: check for a double payment or a double entry` }, {
        billRows: ps.map((p) => ({ file: p.file, line: p.row.line })),
        ledgerRows: ls.map((l) => ({ file: l.file, line: l.row.line })),
      });
      continue;
    }
    const p = ps[0] ?? null;
    const l = ls[0] ?? null;
    const billRefundFen = rs.reduce((s, x) => s + x.amountFen, 0);

    // Bill-only reconciliation (no ledger): the live state is the other side.
    if (!hasLedger) {
      if (p !== null && liveState !== undefined && liveState.tradeState === 'REFUND' && billRefundFen === 0) {
        add('refund-mismatch', key, p, rs, null, 'record-refund-in-ledger', {
          'zh-CN': `账单显示支付成功 ${y(p.row.orderFen)}，微信当前状态为“转入退款”：账单之后发生了退款`,
          en: `The bill shows paid ${y(p.row.orderFen)}; WeChat now says REFUND: it was refunded after the bill`,
        });
      } else if (p !== null && liveState !== undefined && liveState.tradeState !== 'SUCCESS' && liveState.tradeState !== 'REFUND') {
        add('status-mismatch', key, p, rs, null, 'requery-later', {
          'zh-CN': `账单显示支付成功，微信当前状态为 ${liveState.tradeState}，与账单矛盾`,
          en: `The bill shows paid; WeChat now says ${liveState.tradeState}, which contradicts it`,
        });
      } else counts.matched++;
      continue;
    }

    if (p === null && l === null) {
      // Only refunds in the bill: a refund of an order the ledger does not have.
      add('refund-mismatch', key, null, rs, null, 'check-ledger-refund', {
        'zh-CN': `账单有退款 ${y(billRefundFen)}，台账中没有这笔订单`,
        en: `The bill has a refund of ${y(billRefundFen)}; the ledger has no such order`,
      });
      continue;
    }

    if (p !== null && l === null) {
      const refunded = liveState?.tradeState === 'REFUND' ? '；微信当前状态为“转入退款”' : '';
      add('missing-in-ledger', key, p, rs, null, 'add-payment-to-ledger', {
        'zh-CN': `微信支付成功 ${y(p.row.orderFen)}（${p.row.tradeTime ?? '时间未知'}），台账中没有这笔订单${refunded}`,
        en: `Paid on WeChat ${y(p.row.orderFen)} (${p.row.tradeTime ?? 'time unknown'}); the ledger has no such order${refunded ? '; WeChat now says REFUND' : ''}`,
      });
      continue;
    }

    const lr = l!.row;
    const ledgerPaid = PAID_LEDGER_STATES.has(lr.state);

    if (p === null) {
      // In the ledger, not paid in the bills.
      if (!ledgerPaid) {
        if (liveState !== undefined && (liveState.tradeState === 'SUCCESS' || liveState.tradeState === 'REFUND')) {
          add('status-mismatch', key, null, rs, l, 'mark-ledger-paid', {
            'zh-CN': `台账为“${lr.stateRaw || lr.state}”，微信查询为支付成功（${liveState.successTime ?? ''}），账单期内没有：支付回调丢失，请补单`,
            en: `The ledger says ${lr.stateRaw || lr.state}; WeChat says paid (${liveState.successTime ?? ''}), outside these bills: a lost payment callback`,
          });
        } else if (rs.length > 0 && billRefundFen !== ledgerRefundFen(lr)) {
          add('refund-mismatch', key, null, rs, l, 'check-ledger-refund', {
            'zh-CN': `账单退款 ${y(billRefundFen)}，台账退款 ${y(ledgerRefundFen(lr))}`,
            en: `Refunded ${y(billRefundFen)} in the bill, ${y(ledgerRefundFen(lr))} in the ledger`,
          });
        } else counts.matched++;
        continue;
      }
      if (rs.length > 0 && Math.abs(billRefundFen - ledgerRefundFen(lr)) <= settings.amountToleranceFen) {
        // Paid before these bills, refunded within them, and the ledger agrees on the refund.
        counts.matched++;
        continue;
      }
      if (rs.length > 0) {
        add('refund-mismatch', key, null, rs, l, 'check-ledger-refund', {
          'zh-CN': `账单退款 ${y(billRefundFen)}，台账退款 ${y(ledgerRefundFen(lr))}`,
          en: `Refunded ${y(billRefundFen)} in the bill, ${y(ledgerRefundFen(lr))} in the ledger`,
        });
        continue;
      }
      {
        // Paid in the ledger, absent from the bills: in transit, wrong, or missing.
        if (liveState !== undefined) {
          const s = liveState.tradeState;
          if (s === 'SUCCESS' || s === 'REFUND') {
            const d = liveDay(liveState);
            if (d !== null && !billDays.has(d)) {
              add('cross-day', key, null, rs, l, 'wait-for-next-bill', {
                'zh-CN': `微信支付成功时间 ${liveState.successTime}，属于 ${d} 的账单（在途），不是差错`,
                en: `WeChat's payment time ${liveState.successTime} puts it in the bill of ${d} (in transit), not an error`,
              });
              continue;
            }
            add('missing-in-bill', key, null, rs, l, 'add-bill-for-day', {
              'zh-CN': `微信查询为支付成功（${liveState.successTime ?? ''}），但所给账单中没有：请核对账单是否完整`,
              en: `WeChat says paid (${liveState.successTime ?? ''}) but the bills given lack it: check that the bills are complete`,
            });
            continue;
          }
          if (NON_FINAL_LIVE_STATES.has(s)) {
            add('missing-in-bill', key, null, rs, l, 'requery-later', {
              'zh-CN': `台账已支付 ${y(lr.amountFen ?? 0)}，微信当前状态为 ${s}（尚未最终确定），请稍后再查`,
              en: `Paid ${y(lr.amountFen ?? 0)} in the ledger; WeChat says ${s}, which is not final yet: query again later`,
            });
            continue;
          }
          add('missing-in-bill', key, null, rs, l, 'mark-ledger-unpaid', {
            'zh-CN': `台账已支付 ${y(lr.amountFen ?? 0)}，微信查询为 ${s}：微信未收到这笔款，台账有误`,
            en: `Paid ${y(lr.amountFen ?? 0)} in the ledger; WeChat says ${s}: WeChat never received it, the ledger is wrong`,
          });
          continue;
        }
        const d = dayOf(lr.paidAt);
        if (lr.paidAt !== null && d !== null) {
          const b = nearestBoundary(lr.paidAt);
          const crossesCoverage = billDays.has(b.before) !== billDays.has(b.after);
          if (b.minutes <= settings.crossDayWindowMinutes && crossesCoverage) {
            const other = billDays.has(b.before) ? b.after : b.before;
            add('cross-day', key, null, rs, l, 'wait-for-next-bill', {
              'zh-CN': `台账支付时间 ${lr.paidAt} 距日切 00:00 ${b.minutes < 1 ? '不到 1' : `仅 ${Math.round(b.minutes)}`} 分钟，可能在 ${other} 的账单中（在途）；请导入该日账单核对`,
              en: `Ledger payment time ${lr.paidAt} is ${b.minutes < 1 ? 'less than a minute' : `${Math.round(b.minutes)} minutes`} from the 00:00 cut-off; it is likely in the bill of ${other} (in transit): add that day's bill`,
            });
            continue;
          }
          if (!billDays.has(d)) {
            add('missing-in-bill', key, null, rs, l, 'add-bill-for-day', {
              'zh-CN': `台账支付时间 ${lr.paidAt} 不在所给账单的日期内（${[...billDays].sort().join('、') || '无'}）：请导入 ${d} 的账单`,
              en: `Ledger payment time ${lr.paidAt} is outside the bills' days (${[...billDays].sort().join(', ') || 'none'}): add the bill of ${d}`,
            });
            continue;
          }
        }
        add('missing-in-bill', key, null, rs, l, 'check-ledger-payment', {
          'zh-CN': `台账为已支付 ${y(lr.amountFen ?? 0)}${lr.paidAt ? `（${lr.paidAt}）` : ''}，微信账单中没有这笔支付`,
          en: `Paid ${y(lr.amountFen ?? 0)} in the ledger${lr.paidAt ? ` (${lr.paidAt})` : ''}; the WeChat bill has no such payment`,
        });
      }
      continue;
    }

    // In both.
    const pr = p.row;
    if (!ledgerPaid) {
      const confirmed = liveState?.tradeState === 'SUCCESS' || liveState?.tradeState === 'REFUND';
      add('status-mismatch', key, p, rs, l, 'mark-ledger-paid', {
        'zh-CN': `微信支付成功 ${y(pr.orderFen)}（${pr.tradeTime ?? ''}），台账为“${lr.stateRaw || lr.state}”${confirmed ? '，微信实时查询确认已支付' : ''}：支付回调丢失，请补单`,
        en: `Paid on WeChat ${y(pr.orderFen)} (${pr.tradeTime ?? ''}); the ledger says ${lr.stateRaw || lr.state}${confirmed ? ', and a live query confirms it was paid' : ''}: a lost payment callback`,
      });
      continue;
    }
    if (lr.transactionId !== null && pr.transactionId !== null && lr.transactionId !== pr.transactionId) {
      add('status-mismatch', key, p, rs, l, 'check-ledger-payment', {
        'zh-CN': `同一商户订单号，微信订单号不同：账单 ${pr.transactionId}，台账 ${lr.transactionId}`,
        en: `Same order number, different WeChat transaction ids: bill ${pr.transactionId}, ledger ${lr.transactionId}`,
      });
      continue;
    }
    const ledgerAmount = lr.amountFen;
    if (ledgerAmount !== null && Math.abs(ledgerAmount - pr.orderFen) > settings.amountToleranceFen) {
      const settled = pr.settlementFen !== null && pr.settlementFen !== pr.orderFen && ledgerAmount === pr.settlementFen;
      add('amount-mismatch', key, p, rs, l, 'correct-ledger-amount', settled
        ? {
            'zh-CN': `台账记的是应结金额 ${y(pr.settlementFen!)}，订单金额为 ${y(pr.orderFen)}（免充值券 ${y(pr.orderFen - pr.settlementFen!)}）：请按订单金额记账`,
            en: `The ledger booked the settled amount ${y(pr.settlementFen!)}; the order amount is ${y(pr.orderFen)} (non-recharge coupon ${y(pr.orderFen - pr.settlementFen!)}): book the order amount`,
          }
        : {
            'zh-CN': `订单金额不符：微信 ${y(pr.orderFen)}，台账 ${y(ledgerAmount)}，相差 ${y(pr.orderFen - ledgerAmount)}`,
            en: `Amounts differ: WeChat ${y(pr.orderFen)}, ledger ${y(ledgerAmount)}, difference ${y(pr.orderFen - ledgerAmount)}`,
          });
      continue;
    }
    const ledgerRefund = ledgerRefundFen(lr);
    if (liveState?.tradeState === 'REFUND' && billRefundFen === 0 && ledgerRefund === 0) {
      add('refund-mismatch', key, p, rs, l, 'record-refund-in-ledger', {
        'zh-CN': `账单为支付成功，微信当前状态为“转入退款”：账单之后发生了退款，台账未记录`,
        en: `Paid in the bill; WeChat now says REFUND: refunded after the bill, not in the ledger`,
      });
      continue;
    }
    if (Math.abs(billRefundFen - ledgerRefund) > settings.amountToleranceFen) {
      const snapshot = rs.some((x) => x.row.refundStatus !== '' && x.row.refundStatus !== 'SUCCESS');
      add('refund-mismatch', key, p, rs, l, billRefundFen > ledgerRefund ? 'record-refund-in-ledger' : 'check-ledger-refund', {
        'zh-CN': `退款不符：账单 ${y(billRefundFen)}（${rs.length} 笔），台账 ${y(ledgerRefund)}${snapshot ? '；账单中的退款状态是出账时的快照，请查询退款最终状态' : ''}`,
        en: `Refunds differ: bill ${y(billRefundFen)} (${rs.length} refund${rs.length === 1 ? '' : 's'}), ledger ${y(ledgerRefund)}${snapshot ? "; the bill's refund status is a snapshot: query the refund's final state" : ''}`,
      });
      continue;
    }
    const fee = feeProblem(pr);
    if (fee !== null) {
      add('fee-mismatch', key, p, rs, l, 'check-fee-with-wechat', fee);
      continue;
    }
    counts.matched++;
  }

  const order = new Map<string, number>(CATEGORIES.map((c, i) => [c, i]));
  items.sort((a, b) => order.get(a.category)! - order.get(b.category)! || (a.outTradeNo ?? '').localeCompare(b.outTradeNo ?? '') || (a.bill?.line ?? a.ledger?.line ?? 0) - (b.bill?.line ?? b.ledger?.line ?? 0));

  return {
    summary: {
      bill: { files: input.bills.length, rows: billRows, paidCount, paidFen, refundCount, refundFen, days: [...billDays].sort() },
      ledger: { files: input.ledgers.length, rows: ledgerRows, paidCount: ledgerPaidCount, paidFen: ledgerPaidFen, refundFen: ledgerRefundTotal },
      counts,
      differenceFen: paidFen - ledgerPaidFen,
      ...(input.live !== undefined ? { query: { queried: input.live.size, failed: 0 } } : {}),
      settings,
    },
    items,
  };
}
