/**
 * Column-wise records for reconciliation: what the engine reads of a trade bill or a ledger, one
 * typed array per field instead of one object per row. A million row objects cost about 0.5 GB
 * and seconds of garbage collection; these columns cost about a fifth and none, and move between
 * threads without copying (typed arrays are transferable).
 *
 * Conventions: money is integer fen (fees integer 0.001 fen) held in Float64Array, exact for
 * every integer up to 2^53; NaN marks "no value" where the row object has null. Times are
 * YYYYMMDDHHmmss keys (see import/time.ts), -1 for none. Low-variety texts (states, rates) are
 * codes into `texts`. Ids are bytes in an arena (import/id-column.ts), never numbers.
 */
import { timeKeyToText, timeTextToKey } from './time.ts';
import type { LedgerRow, LedgerState, TradeBillRow } from './types.ts';
import { idAt, IdColumnBuilder, type IdColumn } from './id-column.ts';

export interface BillColumns {
  readonly length: number;
  readonly line: Int32Array;
  readonly tradeTimeKey: Float64Array;
  /** With hashes, computed while importing (possibly on another thread). */
  readonly outTradeNo: IdColumn;
  readonly transactionId: IdColumn;
  /** 交易状态, as a code into `texts`. */
  readonly tradeState: Int32Array;
  readonly orderFen: Float64Array;
  readonly settlementFen: Float64Array;
  readonly couponFen: Float64Array;
  readonly refundFen: Float64Array;
  readonly refundRequestFen: Float64Array;
  readonly feeMilliFen: Float64Array;
  readonly rate: Int32Array;
  readonly refundStatus: Int32Array;
  readonly refundId: IdColumn;
  readonly outRefundNo: IdColumn;
  readonly refundSucceededKey: Float64Array;
  readonly texts: string[];
}

export const LEDGER_STATES: readonly LedgerState[] = ['paid', 'unpaid', 'closed', 'refunded', 'partially_refunded', 'unknown'];
const LEDGER_STATE_CODE = new Map<LedgerState, number>(LEDGER_STATES.map((s, i) => [s, i]));

export interface LedgerColumns {
  readonly length: number;
  readonly line: Int32Array;
  /** With hashes. */
  readonly outTradeNo: IdColumn;
  readonly transactionId: IdColumn;
  readonly amountFen: Float64Array;
  readonly refundFen: Float64Array;
  /** Index into LEDGER_STATES. */
  readonly state: Uint8Array;
  /** The state as the ledger wrote it, as a code into `texts`. */
  readonly stateRaw: Int32Array;
  readonly paidAtKey: Float64Array;
  readonly texts: string[];
}

/** Interns low-variety texts; the parsers hand back one string object per value, so lookups hit. */
class TextTable {
  readonly texts: string[] = [];
  private readonly codes = new Map<string, number>();
  /** The last text and code per column (lane): consecutive rows mostly repeat them. */
  private readonly lastText: (string | null)[] = [null, null, null, null];
  private readonly lastCode = [0, 0, 0, 0];

  code(text: string, lane: 0 | 1 | 2 | 3): number {
    if (text === this.lastText[lane]) return this.lastCode[lane]!;
    let c = this.codes.get(text);
    if (c === undefined) {
      c = this.texts.length;
      this.texts.push(text);
      this.codes.set(text, c);
    }
    this.lastText[lane] = text;
    this.lastCode[lane] = c;
    return c;
  }
}

/** Trimmed to n rows: a view when little would be wasted, else a copy. */
function fit<T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number): T {
  return (n * 4 >= a.length * 3 ? a.subarray(0, n) : a.slice(0, n)) as T;
}

/** Rows to allocate for a file of this many bytes at about this many bytes per row. */
export function capacityFor(sizeBytes: number | undefined, bytesPerRow: number): number {
  if (sizeBytes === undefined) return 1 << 14;
  return Math.min(1 << 23, Math.max(1 << 10, Math.ceil(sizeBytes / bytesPerRow)));
}

function grow<T extends Float64Array | Int32Array | Uint8Array>(a: T, capacity: number): T {
  const next = new (a.constructor as new (n: number) => T)(capacity);
  next.set(a);
  return next;
}

const nullable = (v: number | null): number => (v === null ? Number.NaN : v);

/** Appends bill rows column by column; the parser calls add() once per kept row. */
export class BillColumnsBuilder {
  private n = 0;
  private capacity: number;
  private readonly text = new TextTable();
  private line: Int32Array;
  private tradeTimeKey: Float64Array;
  private tradeState: Int32Array;
  private orderFen: Float64Array;
  private settlementFen: Float64Array;
  private couponFen: Float64Array;
  private refundFen: Float64Array;
  private refundRequestFen: Float64Array;
  private feeMilliFen: Float64Array;
  private rate: Int32Array;
  private refundStatus: Int32Array;
  private refundSucceededKey: Float64Array;
  /**
   * The id columns, filled by the parser as it reads each id (one entry per kept row and column,
   * before add() for that row).
   */
  readonly outTradeNo: IdColumnBuilder;
  readonly transactionId: IdColumnBuilder;
  readonly refundId: IdColumnBuilder;
  readonly outRefundNo: IdColumnBuilder;

  constructor(initialCapacity = 1024) {
    const c = (this.capacity = Math.max(16, initialCapacity));
    this.line = new Int32Array(c);
    this.tradeTimeKey = new Float64Array(c);
    this.outTradeNo = new IdColumnBuilder(c, true);
    this.transactionId = new IdColumnBuilder(c, false, 28);
    this.refundId = new IdColumnBuilder(c, false, 2);
    this.outRefundNo = new IdColumnBuilder(c, false, 2);
    this.tradeState = new Int32Array(c);
    this.orderFen = new Float64Array(c);
    this.settlementFen = new Float64Array(c);
    this.couponFen = new Float64Array(c);
    this.refundFen = new Float64Array(c);
    this.refundRequestFen = new Float64Array(c);
    this.feeMilliFen = new Float64Array(c);
    this.rate = new Int32Array(c);
    this.refundStatus = new Int32Array(c);
    this.refundSucceededKey = new Float64Array(c);
  }

  get length(): number {
    return this.n;
  }

  private enlarge(): void {
    const c = (this.capacity *= 2);
    this.line = grow(this.line, c);
    this.tradeTimeKey = grow(this.tradeTimeKey, c);
    this.tradeState = grow(this.tradeState, c);
    this.orderFen = grow(this.orderFen, c);
    this.settlementFen = grow(this.settlementFen, c);
    this.couponFen = grow(this.couponFen, c);
    this.refundFen = grow(this.refundFen, c);
    this.refundRequestFen = grow(this.refundRequestFen, c);
    this.feeMilliFen = grow(this.feeMilliFen, c);
    this.rate = grow(this.rate, c);
    this.refundStatus = grow(this.refundStatus, c);
    this.refundSucceededKey = grow(this.refundSucceededKey, c);
  }

  /** Returns the row's index. Amounts: null (no such column) as NaN. The ids are in already. */
  add(
    line: number,
    tradeTimeKey: number,
    tradeState: string,
    orderFen: number,
    settlementFen: number | null,
    couponFen: number | null,
    refundFen: number | null,
    refundRequestFen: number | null,
    feeMilliFen: number,
    rate: string,
    refundStatus: string,
    refundSucceededKey: number,
  ): number {
    const i = this.n;
    if (i === this.capacity) this.enlarge();
    this.line[i] = line;
    this.tradeTimeKey[i] = tradeTimeKey;
    this.tradeState[i] = this.text.code(tradeState, 0);
    this.orderFen[i] = orderFen;
    this.settlementFen[i] = nullable(settlementFen);
    this.couponFen[i] = nullable(couponFen);
    this.refundFen[i] = nullable(refundFen);
    this.refundRequestFen[i] = nullable(refundRequestFen);
    this.feeMilliFen[i] = feeMilliFen;
    this.rate[i] = this.text.code(rate, 1);
    this.refundStatus[i] = this.text.code(refundStatus, 2);
    this.refundSucceededKey[i] = refundSucceededKey;
    this.n = i + 1;
    if (this.outTradeNo.length !== this.n || this.transactionId.length !== this.n || this.refundId.length !== this.n || this.outRefundNo.length !== this.n) {
      throw new Error('bill columns out of step: every row needs its four ids before add()');
    }
    return i;
  }


  finish(): BillColumns {
    const n = this.n;
    return {
      length: n,
      line: fit(this.line, n),
      tradeTimeKey: fit(this.tradeTimeKey, n),
      outTradeNo: this.outTradeNo.finish(),
      transactionId: this.transactionId.finish(),
      tradeState: fit(this.tradeState, n),
      orderFen: fit(this.orderFen, n),
      settlementFen: fit(this.settlementFen, n),
      couponFen: fit(this.couponFen, n),
      refundFen: fit(this.refundFen, n),
      refundRequestFen: fit(this.refundRequestFen, n),
      feeMilliFen: fit(this.feeMilliFen, n),
      rate: fit(this.rate, n),
      refundStatus: fit(this.refundStatus, n),
      refundId: this.refundId.finish(),
      outRefundNo: this.outRefundNo.finish(),
      refundSucceededKey: fit(this.refundSucceededKey, n),
      texts: this.text.texts,
    };
  }
}

export class LedgerColumnsBuilder {
  private n = 0;
  private capacity: number;
  private readonly text = new TextTable();
  private line: Int32Array;
  private amountFen: Float64Array;
  private refundFen: Float64Array;
  private state: Uint8Array;
  private stateRaw: Int32Array;
  private paidAtKey: Float64Array;
  /** Filled by the parser before add() for each row, as for bills. */
  readonly outTradeNo: IdColumnBuilder;
  readonly transactionId: IdColumnBuilder;

  constructor(initialCapacity = 1024) {
    const c = (this.capacity = Math.max(16, initialCapacity));
    this.line = new Int32Array(c);
    this.outTradeNo = new IdColumnBuilder(c, true);
    this.transactionId = new IdColumnBuilder(c);
    this.amountFen = new Float64Array(c);
    this.refundFen = new Float64Array(c);
    this.state = new Uint8Array(c);
    this.stateRaw = new Int32Array(c);
    this.paidAtKey = new Float64Array(c);
  }

  get length(): number {
    return this.n;
  }

  add(line: number, amountFen: number | null, refundFen: number | null, state: LedgerState, stateRaw: string, paidAtKey: number): number {
    const i = this.n;
    if (i === this.capacity) {
      const c = (this.capacity *= 2);
      this.line = grow(this.line, c);
      this.amountFen = grow(this.amountFen, c);
      this.refundFen = grow(this.refundFen, c);
      this.state = grow(this.state, c);
      this.stateRaw = grow(this.stateRaw, c);
      this.paidAtKey = grow(this.paidAtKey, c);
    }
    this.line[i] = line;
    this.amountFen[i] = nullable(amountFen);
    this.refundFen[i] = nullable(refundFen);
    this.state[i] = LEDGER_STATE_CODE.get(state)!;
    this.stateRaw[i] = this.text.code(stateRaw, 0);
    this.paidAtKey[i] = paidAtKey;
    this.n = i + 1;
    if (this.outTradeNo.length !== this.n || this.transactionId.length !== this.n) {
      throw new Error('ledger columns out of step: every row needs its two ids before add()');
    }
    return i;
  }

  finish(): LedgerColumns {
    const n = this.n;
    return {
      length: n,
      line: fit(this.line, n),
      outTradeNo: this.outTradeNo.finish(),
      transactionId: this.transactionId.finish(),
      amountFen: fit(this.amountFen, n),
      refundFen: fit(this.refundFen, n),
      state: fit(this.state, n),
      stateRaw: fit(this.stateRaw, n),
      paidAtKey: fit(this.paidAtKey, n),
      texts: this.text.texts,
    };
  }
}

const timeKeyOf = (text: string | null): number => (text === null ? -1 : timeTextToKey(text));

/** Columns from row objects (tests, hand-made inputs, small files). */
export function billColumnsFromRows(rows: readonly TradeBillRow[]): BillColumns {
  const b = new BillColumnsBuilder(rows.length);
  for (const r of rows) {
    b.outTradeNo.add(r.outTradeNo);
    b.transactionId.add(r.transactionId);
    b.refundId.add(r.refundId);
    b.outRefundNo.add(r.outRefundNo);
    b.add(r.line, timeKeyOf(r.tradeTime), r.tradeState, r.orderFen, r.settlementFen, r.couponFen, r.refundFen, r.refundRequestFen, r.feeMilliFen, r.rate, r.refundStatus, timeKeyOf(r.refundSucceededAt));
  }
  return b.finish();
}

export function ledgerColumnsFromRows(rows: readonly LedgerRow[]): LedgerColumns {
  const b = new LedgerColumnsBuilder(rows.length);
  for (const r of rows) {
    b.outTradeNo.add(r.outTradeNo);
    b.transactionId.add(r.transactionId);
    b.add(r.line, r.amountFen, r.refundFen, r.state, r.stateRaw, timeKeyOf(r.paidAt));
  }
  return b.finish();
}

/** A time key as `YYYY-MM-DD HH:mm:ss`, or null for none. */
export function keyText(key: number): string | null {
  return key < 0 ? null : timeKeyToText(key);
}

/** NaN (no value) back to null. */
export function fenOrNull(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

/**
 * One row back as a row object, for the few rows that end up in a report item. Fields the
 * columns do not keep (商品名称, 用户标识, …) come back empty.
 */
export function billRowAt(c: BillColumns, i: number): TradeBillRow {
  return {
    line: c.line[i]!,
    tradeTime: keyText(c.tradeTimeKey[i]!),
    appId: '',
    mchId: '',
    subMchId: '',
    deviceInfo: '',
    transactionId: idAt(c.transactionId, i),
    outTradeNo: idAt(c.outTradeNo, i),
    openId: '',
    tradeType: '',
    tradeState: c.texts[c.tradeState[i]!]!,
    bankType: '',
    currency: '',
    settlementFen: fenOrNull(c.settlementFen[i]!),
    orderFen: c.orderFen[i]!,
    couponFen: fenOrNull(c.couponFen[i]!),
    refundId: idAt(c.refundId, i),
    outRefundNo: idAt(c.outRefundNo, i),
    refundFen: fenOrNull(c.refundFen[i]!),
    couponRefundFen: null,
    refundType: '',
    refundStatus: c.texts[c.refundStatus[i]!]!,
    refundAppliedAt: null,
    refundSucceededAt: keyText(c.refundSucceededKey[i]!),
    body: '',
    attach: '',
    feeMilliFen: c.feeMilliFen[i]!,
    rate: c.texts[c.rate[i]!]!,
    refundRequestFen: fenOrNull(c.refundRequestFen[i]!),
    rateNote: '',
  };
}

export function ledgerRowAt(c: LedgerColumns, i: number): LedgerRow {
  return {
    line: c.line[i]!,
    outTradeNo: idAt(c.outTradeNo, i),
    amountFen: fenOrNull(c.amountFen[i]!),
    state: LEDGER_STATES[c.state[i]!]!,
    stateRaw: c.texts[c.stateRaw[i]!]!,
    paidAt: keyText(c.paidAtKey[i]!),
    refundFen: fenOrNull(c.refundFen[i]!),
    transactionId: idAt(c.transactionId, i),
  };
}
