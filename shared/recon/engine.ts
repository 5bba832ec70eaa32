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
  billColumnsFromRows, billRowAt, ledgerColumnsFromRows, ledgerRowAt, LEDGER_STATES,
  type BillColumns, type LedgerColumns,
} from '../import/columns.ts';
import {
  CATEGORIES, DEFAULT_SETTINGS, NON_FINAL_LIVE_STATES,
  type BillInput, type BillRefundView, type BillView, type LedgerInput, type Category, type LedgerView, type LiveState, type LiveView,
  type ReconcileInput, type ReconcileItem, type ReconcileReport, type ReconcileSettings, type SuggestedAction,
} from './types.ts';
import { KeyTable } from '../table/key-table.ts';
import { idEquals, idIsNull, utf8Bytes, type IdColumn } from '../import/id-column.ts';

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
  if (l.refunds !== undefined) v.refunds = l.refunds;
  return v;
}

/** The ledger's refunded amount: its refund column, or the whole order when it only says 已退款. */
function ledgerRefundFen(r: LedgerRow): number {
  if (r.refundFen !== null && r.refundFen !== 0) return r.refundFen;
  return r.state === 'refunded' ? (r.amountFen ?? 0) : 0;
}

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

/** WeChat's fee on `settlementFen` at an exact rate: half-up rounding in integers, floor((2·s·n + d) / 2d). */
function feeAtRate(settlementFen: number, [numerator, denominator]: [number, number]): number {
  return Math.floor((2 * settlementFen * numerator + denominator) / (2 * denominator));
}

/**
 * The fee a payment row should carry at its rate: WeChat charges settlement × rate rounded half
 * up to the fen, and prints it with five decimals (0.60% of 6.00 is 0.036 → `0.04000`).
 * Returns the explanation when the bill's own fee disagrees, else null (also when the row has no
 * usable rate).
 */
export function feeProblem(row: TradeBillRow): { 'zh-CN': string; en: string } | null {
  if (row.settlementFen === null || row.tradeState !== 'SUCCESS') return null;
  const fraction = rateFraction(row.rate);
  if (fraction === null) return null;
  const expectedFen = feeAtRate(row.settlementFen, fraction);
  const expectedMilliFen = expectedFen * 1000;
  if (row.feeMilliFen === expectedMilliFen) return null;
  const fee = (row.feeMilliFen / 1000).toFixed(3);
  return {
    'zh-CN': `手续费不符：应结 ${y(row.settlementFen)} × 费率 ${row.rate} = ${y(expectedFen)}，账单手续费 ${fee} 分`,
    en: `Fee differs: settlement ${y(row.settlementFen)} × rate ${row.rate} = ${y(expectedFen)}, the bill says ${fee} fen`,
  };
}

/** Engine options for tests: the fast path can be switched off to prove it changes nothing. */
export interface EngineOptions {
  fastPath?: boolean;
}

/** Ledger state codes (columns.ts LEDGER_STATES) that mean the ledger took the money. */
const PAID_LEDGER_CODES = new Uint8Array(LEDGER_STATES.map((s) => (PAID_LEDGER_STATES.has(s) ? 1 : 0)));
const REFUNDED_CODE = LEDGER_STATES.indexOf('refunded');

function dayText(day: number): string {
  const t = String(day);
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
}

/** 申请退款金额, else 退款金额, else 0: the refund a bill row stands for. */
function refundAmountAt(c: BillColumns, i: number): number {
  const request = c.refundRequestFen[i]!;
  if (!Number.isNaN(request)) return request;
  const refund = c.refundFen[i]!;
  return Number.isNaN(refund) ? 0 : refund;
}

function ledgerRefundAt(c: LedgerColumns, i: number): number {
  const refund = c.refundFen[i]!;
  if (!Number.isNaN(refund) && refund !== 0) return refund;
  if (c.state[i] !== REFUNDED_CODE) return 0;
  const amount = c.amountFen[i]!;
  return Number.isNaN(amount) ? 0 : amount;
}

/** One bit per slot, growing as slots do. */
class SlotFlags {
  private bits = new Uint32Array(1024);

  set(slot: number): void {
    const word = slot >>> 5;
    if (word >= this.bits.length) {
      const bits = new Uint32Array(Math.max(word + 1, this.bits.length * 2));
      bits.set(this.bits);
      this.bits = bits;
    }
    this.bits[word]! |= 1 << (slot & 31);
  }

  has(slot: number): boolean {
    const word = slot >>> 5;
    return word < this.bits.length && (this.bits[word]! & (1 << (slot & 31))) !== 0;
  }
}

/** Equal ids: true; different: false; either missing: null (nothing to tell by). */
function compareIds(a: IdColumn, i: number, b: IdColumn, j: number): boolean | null {
  return idIsNull(a, i) || idIsNull(b, j) ? null : idEquals(a, i, b, j);
}

/** Rows whose hash-table lines are loaded together ahead of their probes (see KeyTable.warm). */
const WARM_ROWS = 32;

/** A longer copy (zero-filled beyond the old length), or the same array when long enough. */
function growTo(a: Int32Array, length: number): Int32Array<ArrayBuffer> {
  if (a.length >= length) return a as Int32Array<ArrayBuffer>;
  const next = new Int32Array(Math.max(length, a.length * 2));
  next.set(a);
  return next;
}

/** Grows an Int32Array filled with -1 beyond its old length. */
function growSlots(a: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(capacity).fill(-1);
  next.set(a);
  return next;
}

/** A reconciliation fed one file at a time (see startReconciliation). */
export interface Reconciliation {
  /** Adds a bill; bills are taken in the order added (the first of two payments is the first added). */
  addBill(bill: BillInput): void;
  addLedger(ledger: LedgerInput): void;
  /** The report; `live` refines it (live query results). May be called again, e.g. once the live states are in. */
  finish(lang?: Lang, live?: ReadonlyMap<string, LiveState>): ReconcileReport;
  /** Every order number seen, in first-seen order (what to query when there is no ledger). */
  orderKeys(): string[];
}

/**
 * Reconciles. Bills and ledgers come as columns (import/columns.ts) or, for small hand-made
 * inputs, as rows. The work is one pass over each source into one table from out_trade_no to a
 * slot number, with typed arrays per slot; only orders that need a closer look (and report
 * items) are turned back into row objects, so a million matching orders allocate almost nothing.
 */
export function reconcile(input: ReconcileInput, lang: Lang = 'en', options: EngineOptions = {}): ReconcileReport {
  const r = startReconciliation(input.settings, options);
  for (const bill of input.bills) r.addBill(bill);
  for (const ledger of input.ledgers) r.addLedger(ledger);
  return r.finish(lang, input.live);
}

/**
 * The same, one file at a time as files arrive: a ledger parsed before the bill is indexed while
 * the bill is still being read. The report does not depend on whether bills or ledgers come first.
 */
export function startReconciliation(settingsIn: Partial<ReconcileSettings> = {}, options: EngineOptions = {}): Reconciliation {
  const settings: ReconcileSettings = { ...DEFAULT_SETTINGS, ...settingsIn };
  const fastPath = options.fastPath !== false;
  const tolerance = settings.amountToleranceFen;

  const bills: { file: string; billType: BillInput['billType']; c: BillColumns }[] = [];
  let billFileCount = 0;
  const ledgers: { file: string; c: LedgerColumns }[] = [];

  // Global row numbers across files: g for bill rows, h for ledger rows.
  const billOffsets: number[] = [];
  let billTotal = 0;
  const ledgerOffsets: number[] = [];
  let ledgerTotal = 0;
  let billFileOf = new Int32Array(0);
  let ledgerFileOf = new Int32Array(0);
  let refundNext = new Int32Array(0);

  // ---- Slots: one per out_trade_no. Per slot the first payment, the first ledger row and the
  // newest refund (refunds chain through refundNext); second payments and ledger rows of one
  // order (duplicates, rare) go to side maps. The table is sized by the first file.
  let table: KeyTable | null = null;
  let capacity = 1024;
  let payRef = new Int32Array(capacity).fill(-1);
  let ledgerRef = new Int32Array(capacity).fill(-1);
  let refundHead = new Int32Array(capacity).fill(-1);
  const morePayments = new Map<number, number[]>();
  const moreLedger = new Map<number, number[]>();
  /** Slots with a second payment or ledger row: a bit each, so the loop over a million slots asks no Map. */
  const multiple = new SlotFlags();
  const slotFor = (column: IdColumn, row: number): number => {
    const s = table!.slot(column, row);
    if (s === capacity) {
      capacity *= 2;
      payRef = growSlots(payRef, capacity);
      ledgerRef = growSlots(ledgerRef, capacity);
      refundHead = growSlots(refundHead, capacity);
    }
    return s;
  };
  const tableFor = (rows: number): void => {
    if (table !== null) return;
    table = new KeyTable(rows);
    capacity = Math.max(1024, rows);
    payRef = new Int32Array(capacity).fill(-1);
    ledgerRef = new Int32Array(capacity).fill(-1);
    refundHead = new Int32Array(capacity).fill(-1);
  };

  /** A global bill row as its file's columns and the row there. */
  const billRow = (g: number): [BillColumns, number] => {
    const f = billFileOf[g]!;
    return [bills[f]!.c, g - billOffsets[f]!];
  };
  /** One payment shown by two bills (ALL and SUCCESS) has one transaction id. */
  const samePaymentG = (g1: number, g2: number): boolean => {
    const [c1, i1] = billRow(g1);
    const [c2, i2] = billRow(g2);
    return compareIds(c1.transactionId, i1, c2.transactionId, i2) ?? (c1.tradeTimeKey[i1] === c2.tradeTimeKey[i2] && c1.orderFen[i1] === c2.orderFen[i2]);
  };
  /** One refund shown by two bills (ALL and REFUND) has one refund id (or merchant refund number). */
  const sameRefundG = (g1: number, g2: number): boolean => {
    const [c1, i1] = billRow(g1);
    const [c2, i2] = billRow(g2);
    return compareIds(c1.refundId, i1, c2.refundId, i2) ?? compareIds(c1.outRefundNo, i1, c2.outRefundNo, i2) ?? false;
  };

  // ---- The bills.
  const billDays = new Set<string>();
  let lastDay = -1;
  let paidCount = 0;
  let paidFen = 0;
  let refundCount = 0;
  let refundFen = 0;
  const orphanBill: number[] = [];
  const addBill = (input: BillInput): void => {
    const c = input.columns ?? billColumnsFromRows(input.rows ?? []);
    const billType = input.billType;
    if (input.continuation !== true) billFileCount++;
    const f = bills.length;
    bills.push({ file: input.file, billType, c });
    const offset = billTotal;
    billOffsets.push(offset);
    billTotal += c.length;
    billFileOf = growTo(billFileOf, billTotal);
    billFileOf.fill(f, offset, billTotal);
    refundNext = growTo(refundNext, billTotal);
    tableFor(c.length);
    // REFUND bills date rows by the original payment, so they do not say which days are covered.
    const refundBill = billType === 'REFUND';
    const refundCode = c.texts.indexOf('REFUND');
    const { tradeTimeKey, tradeState, orderFen } = c;
    const { starts: keyStarts, ends: keyEnds } = c.outTradeNo;
    for (let i = 0; i < c.length; i++) {
      if ((i & (WARM_ROWS - 1)) === 0) table!.warm(c.outTradeNo, i, Math.min(c.length, i + WARM_ROWS));
      const g = offset + i;
      const t = tradeTimeKey[i]!;
      if (t >= 0 && !refundBill) {
        const day = Math.floor(t / 1_000_000);
        if (day !== lastDay) {
          lastDay = day;
          billDays.add(dayText(day));
        }
      }
      const hasKey = keyEnds[i] !== keyStarts[i];
      if (refundBill || tradeState[i] === refundCode) {
        const amountFen = refundAmountAt(c, i);
        if (hasKey) {
          const s = slotFor(c.outTradeNo, i);
          let seen = false;
          for (let r = refundHead[s]!; r >= 0 && !seen; r = refundNext[r]!) seen = sameRefundG(r, g);
          if (seen) continue;
          refundNext[g] = refundHead[s]!;
          refundHead[s] = g;
        } else orphanBill.push(g);
        refundCount++;
        refundFen += amountFen;
        continue;
      }
      if (hasKey) {
        const s = slotFor(c.outTradeNo, i);
        const first = payRef[s]!;
        if (first < 0) payRef[s] = g;
        else {
          if (samePaymentG(first, g)) continue;
          const more = morePayments.get(s);
          multiple.set(s);
          if (more === undefined) morePayments.set(s, [g]);
          else if (more.some((m) => samePaymentG(m, g))) continue;
          else more.push(g);
        }
      } else orphanBill.push(g);
      paidCount++;
      paidFen += orderFen[i]!;
    }
  };

  // ---- The ledgers.
  const orphanLedger: number[] = [];
  let ledgerPaidCount = 0;
  let ledgerPaidFen = 0;
  let ledgerRefundTotal = 0;
  const addLedger = (input: LedgerInput): void => {
    const c = input.columns ?? ledgerColumnsFromRows(input.rows ?? []);
    const f = ledgers.length;
    ledgers.push({ file: input.file, c });
    const offset = ledgerTotal;
    ledgerOffsets.push(offset);
    ledgerTotal += c.length;
    ledgerFileOf = growTo(ledgerFileOf, ledgerTotal);
    ledgerFileOf.fill(f, offset, ledgerTotal);
    tableFor(c.length);
    const { state, amountFen } = c;
    const { starts: keyStarts, ends: keyEnds } = c.outTradeNo;
    for (let i = 0; i < c.length; i++) {
      if ((i & (WARM_ROWS - 1)) === 0) table!.warm(c.outTradeNo, i, Math.min(c.length, i + WARM_ROWS));
      if (PAID_LEDGER_CODES[state[i]!] === 1) {
        ledgerPaidCount++;
        const a = amountFen[i]!;
        if (!Number.isNaN(a)) ledgerPaidFen += a;
      }
      ledgerRefundTotal += ledgerRefundAt(c, i);
      const h = offset + i;
      if (keyEnds[i] === keyStarts[i]) {
        orphanLedger.push(h);
        continue;
      }
      const s = slotFor(c.outTradeNo, i);
      if (ledgerRef[s]! < 0) ledgerRef[s] = h;
      else {
        const more = moreLedger.get(s);
        multiple.set(s);
        if (more === undefined) moreLedger.set(s, [h]);
        else more.push(h);
      }
    }
  };

  const finish = (lang: Lang = 'en', liveIn?: ReadonlyMap<string, LiveState>): ReconcileReport => {
    const live = liveIn ?? new Map<string, LiveState>();
    const hasLive = live.size > 0;
    const hasLedger = ledgers.length > 0;
    const items: ReconcileItem[] = [];
    const counts = Object.fromEntries([...CATEGORIES, 'matched'].map((c) => [c, 0])) as Record<Category | 'matched', number>;
    if (table === null) tableFor(0);
    const keys = table!;

    // ---- Row objects, only for what ends in an item or needs the full rules.
    const paymentAt = (g: number): BillPayment => {
      const f = billFileOf[g]!;
      return { row: billRowAt(bills[f]!.c, g - billOffsets[f]!), file: bills[f]!.file };
    };
    const refundAt = (g: number): BillRefund => {
      const f = billFileOf[g]!;
      const i = g - billOffsets[f]!;
      return { row: billRowAt(bills[f]!.c, i), file: bills[f]!.file, amountFen: refundAmountAt(bills[f]!.c, i) };
    };
    const ledgerAt = (h: number): LedgerEntry => {
      const f = ledgerFileOf[h]!;
      return { row: ledgerRowAt(ledgers[f]!.c, h - ledgerOffsets[f]!), file: ledgers[f]!.file };
    };

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
    for (const g of orphanBill) {
      const f = billFileOf[g]!;
      const c = bills[f]!.c;
      const i = g - billOffsets[f]!;
      const isRefund = bills[f]!.billType === 'REFUND' || c.texts[c.tradeState[i]!] === 'REFUND';
      const line = c.line[i]!;
      add('missing-in-ledger', null, isRefund ? null : paymentAt(g), isRefund ? [refundAt(g)] : [], null, 'redownload-original-file', {
        'zh-CN': `账单第 ${line} 行的商户订单号已被表格软件损坏，无法匹配（金额 ${y(c.orderFen[i]!)}）。请重新下载原始账单`,
        en: `The bill's order number on line ${line} was damaged by a spreadsheet program and cannot be matched (amount ${y(c.orderFen[i]!)}). Download the original bill again`,
      });
    }
    for (const h of orphanLedger) {
      const l = ledgerAt(h);
      add('missing-in-bill', null, null, [], l, 'redownload-original-file', {
        'zh-CN': `台账第 ${l.row.line} 行没有可用的订单号（为空或被表格软件损坏），无法匹配`,
        en: `Ledger line ${l.row.line} has no usable order number (empty or damaged by a spreadsheet program) and cannot be matched`,
      });
    }

    /** The full rules for one order (every case that is not plainly matched). */
    const decide = (key: string, ps: readonly BillPayment[], rs: readonly BillRefund[], ls: readonly LedgerEntry[], liveState: LiveState | undefined): void => {
      if (ps.length > 1 || ls.length > 1) {
        const zh = ps.length > 1 ? `账单中该订单有 ${ps.length} 笔不同的支付（微信订单号 ${ps.map((p) => p.row.transactionId ?? '?').join('、')}）` : `台账中该订单出现 ${ls.length} 次（第 ${ls.map((l) => l.row.line).join('、')} 行）`;
        const en = ps.length > 1 ? `The bill has ${ps.length} different payments of this order (transaction ids ${ps.map((p) => p.row.transactionId ?? '?').join(', ')})` : `The ledger lists this order ${ls.length} times (lines ${ls.map((l) => l.row.line).join(', ')})`;
        add('duplicate', key, ps[0] ?? null, rs, ls[0] ?? null, 'resolve-duplicate', { 'zh-CN': `${zh}，未合并，请核实是否重复收款或重复记账`, en: `${en}; not merged: check for a double payment or a double entry` }, {
          billRows: ps.map((p) => ({ file: p.file, line: p.row.line })),
          ledgerRows: ls.map((l) => ({ file: l.file, line: l.row.line })),
        });
        return;
      }
      const p = ps[0] ?? null;
      const l = ls[0] ?? null;
      const billRefundFen = rs.reduce((s, x) => s + x.amountFen, 0);

      // Bill-only reconciliation (no ledger): the live state is the other side.
      if (!hasLedger) {
        const liveRefundFen = liveState?.refunds?.refundFen;
        if (p !== null && liveState !== undefined && liveState.tradeState === 'REFUND' && billRefundFen === 0) {
          const known = liveRefundFen !== undefined && liveRefundFen > 0;
          add('refund-mismatch', key, p, rs, null, 'record-refund-in-ledger', {
            'zh-CN': `账单显示支付成功 ${y(p.row.orderFen)}，微信当前状态为“转入退款”${known ? `（已退款 ${y(liveRefundFen)}）` : ''}：账单之后发生了退款`,
            en: `The bill shows paid ${y(p.row.orderFen)}; WeChat now says REFUND${known ? ` (${y(liveRefundFen)} refunded)` : ''}: it was refunded after the bill`,
          });
        } else if (p !== null && liveRefundFen !== undefined && liveState!.refunds!.complete && liveRefundFen > billRefundFen) {
          add('refund-mismatch', key, p, rs, null, 'record-refund-in-ledger', {
            'zh-CN': `账单退款 ${y(billRefundFen)}，微信退款查询为已退款 ${y(liveRefundFen)}：账单之后又有退款`,
            en: `Refunded ${y(billRefundFen)} in the bill; WeChat's refund query says ${y(liveRefundFen)}: refunded again after the bill`,
          });
        } else if (p !== null && liveState !== undefined && liveState.tradeState !== 'SUCCESS' && liveState.tradeState !== 'REFUND') {
          add('status-mismatch', key, p, rs, null, 'requery-later', {
            'zh-CN': `账单显示支付成功，微信当前状态为 ${liveState.tradeState}，与账单矛盾`,
            en: `The bill shows paid; WeChat now says ${liveState.tradeState}, which contradicts it`,
          });
        } else counts.matched++;
        return;
      }

      if (p === null && l === null) {
        // Only refunds in the bill: a refund of an order the ledger does not have.
        add('refund-mismatch', key, null, rs, null, 'check-ledger-refund', {
          'zh-CN': `账单有退款 ${y(billRefundFen)}，台账中没有这笔订单`,
          en: `The bill has a refund of ${y(billRefundFen)}; the ledger has no such order`,
        });
        return;
      }

      if (p !== null && l === null) {
        const refunded = liveState?.tradeState === 'REFUND' ? '；微信当前状态为“转入退款”' : '';
        add('missing-in-ledger', key, p, rs, null, 'add-payment-to-ledger', {
          'zh-CN': `微信支付成功 ${y(p.row.orderFen)}（${p.row.tradeTime ?? '时间未知'}），台账中没有这笔订单${refunded}`,
          en: `Paid on WeChat ${y(p.row.orderFen)} (${p.row.tradeTime ?? 'time unknown'}); the ledger has no such order${refunded ? '; WeChat now says REFUND' : ''}`,
        });
        return;
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
          return;
        }
        if (rs.length > 0 && Math.abs(billRefundFen - ledgerRefundFen(lr)) <= settings.amountToleranceFen) {
          // Paid before these bills, refunded within them, and the ledger agrees on the refund.
          counts.matched++;
          return;
        }
        if (rs.length > 0) {
          add('refund-mismatch', key, null, rs, l, 'check-ledger-refund', {
            'zh-CN': `账单退款 ${y(billRefundFen)}，台账退款 ${y(ledgerRefundFen(lr))}`,
            en: `Refunded ${y(billRefundFen)} in the bill, ${y(ledgerRefundFen(lr))} in the ledger`,
          });
          return;
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
                return;
              }
              add('missing-in-bill', key, null, rs, l, 'add-bill-for-day', {
                'zh-CN': `微信查询为支付成功（${liveState.successTime ?? ''}），但所给账单中没有：请核对账单是否完整`,
                en: `WeChat says paid (${liveState.successTime ?? ''}) but the bills given lack it: check that the bills are complete`,
              });
              return;
            }
            if (NON_FINAL_LIVE_STATES.has(s)) {
              add('missing-in-bill', key, null, rs, l, 'requery-later', {
                'zh-CN': `台账已支付 ${y(lr.amountFen ?? 0)}，微信当前状态为 ${s}（尚未最终确定），请稍后再查`,
                en: `Paid ${y(lr.amountFen ?? 0)} in the ledger; WeChat says ${s}, which is not final yet: query again later`,
              });
              return;
            }
            add('missing-in-bill', key, null, rs, l, 'mark-ledger-unpaid', {
              'zh-CN': `台账已支付 ${y(lr.amountFen ?? 0)}，微信查询为 ${s}：微信未收到这笔款，台账有误`,
              en: `Paid ${y(lr.amountFen ?? 0)} in the ledger; WeChat says ${s}: WeChat never received it, the ledger is wrong`,
            });
            return;
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
              return;
            }
            if (!billDays.has(d)) {
              add('missing-in-bill', key, null, rs, l, 'add-bill-for-day', {
                'zh-CN': `台账支付时间 ${lr.paidAt} 不在所给账单的日期内（${[...billDays].sort().join('、') || '无'}）：请导入 ${d} 的账单`,
                en: `Ledger payment time ${lr.paidAt} is outside the bills' days (${[...billDays].sort().join(', ') || 'none'}): add the bill of ${d}`,
              });
              return;
            }
          }
          add('missing-in-bill', key, null, rs, l, 'check-ledger-payment', {
            'zh-CN': `台账为已支付 ${y(lr.amountFen ?? 0)}${lr.paidAt ? `（${lr.paidAt}）` : ''}，微信账单中没有这笔支付`,
            en: `Paid ${y(lr.amountFen ?? 0)} in the ledger${lr.paidAt ? ` (${lr.paidAt})` : ''}; the WeChat bill has no such payment`,
          });
        }
        return;
      }

      // In both.
      const pr = p.row;
      if (!ledgerPaid) {
        const confirmed = liveState?.tradeState === 'SUCCESS' || liveState?.tradeState === 'REFUND';
        const since = liveState?.tradeState === 'REFUND' && (liveState.refunds?.refundFen ?? 0) > 0 ? liveState.refunds!.refundFen : 0;
        add('status-mismatch', key, p, rs, l, 'mark-ledger-paid', {
          'zh-CN': `微信支付成功 ${y(pr.orderFen)}（${pr.tradeTime ?? ''}），台账为“${lr.stateRaw || lr.state}”${confirmed ? '，微信实时查询确认已支付' : ''}${since > 0 ? `，此后已退款 ${y(since)}` : ''}：支付回调丢失，请补单${since > 0 ? '并记录退款' : ''}`,
          en: `Paid on WeChat ${y(pr.orderFen)} (${pr.tradeTime ?? ''}); the ledger says ${lr.stateRaw || lr.state}${confirmed ? ', and a live query confirms it was paid' : ''}${since > 0 ? `, and ${y(since)} has been refunded since` : ''}: a lost payment callback${since > 0 ? '; record the refund too' : ''}`,
        });
        return;
      }
      if (lr.transactionId !== null && pr.transactionId !== null && lr.transactionId !== pr.transactionId) {
        add('status-mismatch', key, p, rs, l, 'check-ledger-payment', {
          'zh-CN': `同一商户订单号，微信订单号不同：账单 ${pr.transactionId}，台账 ${lr.transactionId}`,
          en: `Same order number, different WeChat transaction ids: bill ${pr.transactionId}, ledger ${lr.transactionId}`,
        });
        return;
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
        return;
      }
      const ledgerRefund = ledgerRefundFen(lr);
      const live = liveState?.tradeState === 'REFUND' ? liveState.refunds : undefined;
      if (live !== undefined && (live.complete || live.refundFen > billRefundFen)) {
        // A refund query is newer than the bill: its succeeded refunds are what WeChat paid back.
        const wechatFen = live.complete ? live.refundFen : Math.max(live.refundFen, billRefundFen);
        if (Math.abs(wechatFen - ledgerRefund) > settings.amountToleranceFen) {
          add('refund-mismatch', key, p, rs, l, wechatFen > ledgerRefund ? 'record-refund-in-ledger' : 'check-ledger-refund', {
            'zh-CN': `退款不符：微信退款查询为已退款 ${y(wechatFen)}（账单中 ${y(billRefundFen)}），台账 ${y(ledgerRefund)}`,
            en: `Refunds differ: WeChat's refund query says ${y(wechatFen)} refunded (${y(billRefundFen)} in the bill), the ledger ${y(ledgerRefund)}`,
          });
          return;
        }
        const fee = feeProblem(pr);
        if (fee !== null) add('fee-mismatch', key, p, rs, l, 'check-fee-with-wechat', fee);
        else counts.matched++;
        return;
      }
      if (liveState?.tradeState === 'REFUND' && billRefundFen === 0 && ledgerRefund === 0) {
        add('refund-mismatch', key, p, rs, l, 'record-refund-in-ledger', {
          'zh-CN': `账单为支付成功，微信当前状态为“转入退款”：账单之后发生了退款，台账未记录`,
          en: `Paid in the bill; WeChat now says REFUND: refunded after the bill, not in the ledger`,
        });
        return;
      }
      if (Math.abs(billRefundFen - ledgerRefund) > settings.amountToleranceFen) {
        const snapshot = rs.some((x) => x.row.refundStatus !== '' && x.row.refundStatus !== 'SUCCESS');
        add('refund-mismatch', key, p, rs, l, billRefundFen > ledgerRefund ? 'record-refund-in-ledger' : 'check-ledger-refund', {
          'zh-CN': `退款不符：账单 ${y(billRefundFen)}（${rs.length} 笔），台账 ${y(ledgerRefund)}${snapshot ? '；账单中的退款状态是出账时的快照，请查询退款最终状态' : ''}`,
          en: `Refunds differ: bill ${y(billRefundFen)} (${rs.length} refund${rs.length === 1 ? '' : 's'}), ledger ${y(ledgerRefund)}${snapshot ? "; the bill's refund status is a snapshot: query the refund's final state" : ''}`,
        });
        return;
      }
      const fee = feeProblem(pr);
      if (fee !== null) {
        add('fee-mismatch', key, p, rs, l, 'check-fee-with-wechat', fee);
        return;
      }
      counts.matched++;
    };

    // Per bill file: the 交易状态 code of SUCCESS and each rate's fraction, looked up once per text.
    const successCodes = bills.map((b) => b.c.texts.indexOf('SUCCESS'));
    const rateFractions = bills.map((b) => b.c.texts.map((t) => rateFraction(t)));

    /** Is this plainly matched? Only the common, certain cases; anything else takes decide(). */
    const plainlyMatched = (s: number): boolean => {
      const g = payRef[s]!;
      const h = ledgerRef[s]!;
      if (!hasLedger) return true;
      if (h < 0) return false;
      const lf = ledgerFileOf[h]!;
      const lc = ledgers[lf]!.c;
      const li = h - ledgerOffsets[lf]!;
      const ledgerPaid = PAID_LEDGER_CODES[lc.state[li]!] === 1;
      let billRefund = 0;
      for (let r = refundHead[s]!; r >= 0; r = refundNext[r]!) {
        const rf = billFileOf[r]!;
        billRefund += refundAmountAt(bills[rf]!.c, r - billOffsets[rf]!);
      }
      if (g < 0) {
        if (refundHead[s]! < 0) return !ledgerPaid;
        return ledgerPaid && Math.abs(billRefund - ledgerRefundAt(lc, li)) <= tolerance;
      }
      if (!ledgerPaid) return false;
      const bf = billFileOf[g]!;
      const bc = bills[bf]!.c;
      const bi = g - billOffsets[bf]!;
      if (!idIsNull(lc.transactionId, li) && !idIsNull(bc.transactionId, bi) && !idEquals(lc.transactionId, li, bc.transactionId, bi)) return false;
      const orderFen = bc.orderFen[bi]!;
      const ledgerAmount = lc.amountFen[li]!;
      if (!Number.isNaN(ledgerAmount) && Math.abs(ledgerAmount - orderFen) > tolerance) return false;
      if (Math.abs(billRefund - ledgerRefundAt(lc, li)) > tolerance) return false;
      // The fee check of feeProblem(), on the columns.
      const settlement = bc.settlementFen[bi]!;
      if (Number.isNaN(settlement) || bc.tradeState[bi] !== successCodes[bf]) return true;
      const fraction = rateFractions[bf]![bc.rate[bi]!];
      if (fraction === null || fraction === undefined) return true;
      return bc.feeMilliFen[bi] === feeAtRate(settlement, fraction) * 1000;
    };

    // ---- Order by order (items are sorted at the end, so slot order does not show).
    const NONE: never[] = [];
    // Live states by slot: the few queried orders are looked up, not a string made for every order.
    const liveBySlot = new Map<number, LiveState>();
    for (const [key, state] of live) {
      const s = keys.find(utf8Bytes(key));
      if (s >= 0) liveBySlot.set(s, state);
    }
    for (let s = 0; s < keys.size; s++) {
      const liveState = hasLive ? liveBySlot.get(s) : undefined;
      const single = !multiple.has(s);
      if (fastPath && single && liveState === undefined && plainlyMatched(s)) {
        counts.matched++;
        continue;
      }
      const ps: BillPayment[] = [];
      if (payRef[s]! >= 0) ps.push(paymentAt(payRef[s]!));
      for (const g of morePayments.get(s) ?? NONE) ps.push(paymentAt(g));
      const rs: BillRefund[] = [];
      for (let r = refundHead[s]!; r >= 0; r = refundNext[r]!) rs.push(refundAt(r));
      rs.reverse();
      const ls: LedgerEntry[] = [];
      if (ledgerRef[s]! >= 0) ls.push(ledgerAt(ledgerRef[s]!));
      for (const h of moreLedger.get(s) ?? NONE) ls.push(ledgerAt(h));
      decide(keys.keyOf(s), ps, rs, ls, liveState);
    }

    const rank = new Map<string, number>(CATEGORIES.map((c, i) => [c, i]));
    // Order numbers compare by code unit: the same order on every machine and locale.
    const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    items.sort((a, b) => rank.get(a.category)! - rank.get(b.category)! || byKey(a.outTradeNo ?? '', b.outTradeNo ?? '') || (a.bill?.line ?? a.ledger?.line ?? 0) - (b.bill?.line ?? b.ledger?.line ?? 0));

    return {
      summary: {
        bill: { files: billFileCount, rows: billTotal, paidCount, paidFen, refundCount, refundFen, days: [...billDays].sort() },
        ledger: { files: ledgers.length, rows: ledgerTotal, paidCount: ledgerPaidCount, paidFen: ledgerPaidFen, refundFen: ledgerRefundTotal },
        counts,
        differenceFen: paidFen - ledgerPaidFen,
        ...(liveIn !== undefined ? { query: { queried: liveIn.size, failed: 0 } } : {}),
        settings,
      },
      items,
    };
  };

  const orderKeys = (): string[] => {
    const out: string[] = [];
    if (table !== null) for (let s = 0; s < table.size; s++) out.push(table.keyOf(s));
    return out;
  };

  return { addBill, addLedger, finish, orderKeys };
}
