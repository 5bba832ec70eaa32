/**
 * WeChat Pay trade bills (交易账单: ALL, SUCCESS, REFUND) in every layout WeChat has used,
 * downloaded through v2 `pay/downloadbill`, v3 `tradebill` or the merchant platform, and as a
 * finance user re-saved them. Columns are found by header name, never by position.
 */
import { FEN_SCALE, MILLI_FEN_SCALE, type MoneyFailureOut } from '../money/parse.ts';
import { normalizeHeader, findColumn } from '../import/headers.ts';
import { classifyIdCodes, IdShape, readId, IdWidthTracker, type IdReading } from '../import/ids.ts';
import { canonicalTimeKey, parseBeijingTime, timeKeyToText, timeTextToKey } from '../import/time.ts';
import { cellTimeKey } from '../table/cell-time.ts';
import type { RowCursor } from '../table/row-cursor.ts';
import type { ParseContext, ParsedTable, TableParser, Totals, TradeBillRow, BillType } from '../import/types.ts';
import { KNOWN_LAYOUTS, KNOWN_TRADE_STATES } from './layouts.ts';
import { LowVarietyDecoder } from '../table/low-variety.ts';
import { DayCounter, tableResult } from '../import/totals.ts';
import { BillColumnsBuilder, capacityFor } from '../import/columns.ts';

const COLUMN_NAMES = {
  tradeTime: ['交易时间'],
  appId: ['公众账号ID'],
  mchId: ['商户号'],
  subMchId: ['特约商户号', '子商户号'],
  deviceInfo: ['设备号'],
  transactionId: ['微信订单号'],
  outTradeNo: ['商户订单号'],
  openId: ['用户标识'],
  tradeType: ['交易类型'],
  tradeState: ['交易状态'],
  bankType: ['付款银行'],
  currency: ['货币种类'],
  settlement: ['应结订单金额'],
  coupon: ['代金券金额', '代金券或立减优惠金额', '企业红包金额'],
  refundAppliedAt: ['退款申请时间'],
  refundSucceededAt: ['退款成功时间'],
  refundId: ['微信退款单号'],
  outRefundNo: ['商户退款单号'],
  refund: ['退款金额'],
  couponRefund: ['充值券退款金额', '代金券或立减优惠退款金额', '企业红包退款金额'],
  refundType: ['退款类型'],
  refundStatus: ['退款状态'],
  body: ['商品名称'],
  attach: ['商户数据包'],
  fee: ['手续费', '返还手续费'],
  rate: ['费率'],
  order: ['订单金额', '总金额'],
  refundRequest: ['申请退款金额'],
  rateNote: ['费率备注'],
} as const;

type ColumnKey = keyof typeof COLUMN_NAMES;
type Columns = Record<ColumnKey, number>;

const SUMMARY_NAMES: Record<string, readonly string[]> = {
  count: ['总交易单数'],
  settlementTotalFen: ['应结订单总金额'],
  refundTotalFen: ['退款总金额', '总退款金额'],
  rechargeCouponRefundTotalFen: ['充值券退款总金额'],
  couponRefundTotalFen: ['总代金券或立减优惠退款金额', '总企业红包退款金额'],
  feeTotalMilliFen: ['手续费总金额'],
  orderTotalFen: ['订单总金额', '总交易额'],
  refundRequestTotalFen: ['申请退款总金额'],
};

export const SUMMARY_MARKER = '总交易单数';

/** Is this header row a trade bill's? */
export function isTradeBillHeader(normalized: readonly string[]): boolean {
  return (
    normalized.includes('交易时间') &&
    normalized.includes('交易状态') &&
    (normalized.includes('商户订单号') || normalized.includes('微信订单号'))
  );
}

const ID_COLUMNS = ['transactionId', 'outTradeNo', 'refundId', 'outRefundNo'] as const;
type IdColumn = (typeof ID_COLUMNS)[number];

/** Converted ids noted for the leading-zero check at the end, bounded for huge files. */
interface ConvertedId {
  line: number;
  value: string;
  /** The kept row's index (rows or columns), or -1 when rows are not kept. */
  index: number;
}
const MAX_CONVERTED_TRACKED = 200_000;

/** An intact id seen on the counting-only path, where no string is made. */
const INTACT: IdReading = { value: null, raw: '', damage: null, converted: false };

export class TradeBillParser implements TableParser {
  private readonly ctx: ParseContext;
  private readonly header: string[];
  private readonly headerLine: number;
  private readonly col: Columns;
  private readonly layout: string;
  private readonly billType: BillType;
  private readonly legacy: boolean;
  private readonly extraColumns: number[] = [];
  private readonly out: MoneyFailureOut = { reason: 'empty' };
  private readonly days = new DayCounter();
  private readonly merchants = new Set<string>();
  private readonly rowsKept: TradeBillRow[] = [];
  private columns: BillColumnsBuilder | null;
  private readonly widths: Record<IdColumn, IdWidthTracker> = {
    transactionId: new IdWidthTracker(),
    outTradeNo: new IdWidthTracker(),
    refundId: new IdWidthTracker(),
    outRefundNo: new IdWidthTracker(),
  };
  private readonly converted: Record<IdColumn, ConvertedId[]> = { transactionId: [], outTradeNo: [], refundId: [], outRefundNo: [] };
  private convertedTracked = 0;
  private rejected = 0;
  private mode: 'detail' | 'summary-header-seen' | 'after-summary' = 'detail';
  private summaryKeys: (string | null)[] = [];
  private declared: Totals | undefined;
  // Running totals as plain fields: a dictionary object per row update is measurably slower.
  private count = 0;
  private settlementSum = 0;
  private refundSum = 0;
  private couponRefundSum = 0;
  private feeSum = 0;
  private orderSum = 0;
  private refundRequestSum = 0;
  /** Recently seen values of low-variety columns (states, merchant ids), to skip decoding them. */
  private readonly lowVariety = new LowVarietyDecoder();
  private lastState = '';
  private lastMchId = '';
  private lastSubMchId = '';

  constructor(header: string[], headerLine: number, ctx: ParseContext) {
    this.ctx = ctx;
    this.columns = ctx.keepRows && ctx.rowDetail === 'columns' ? new BillColumnsBuilder(capacityFor(ctx.sizeHintBytes, 240)) : null;
    this.header = header;
    this.headerLine = headerLine;
    const normalized = header.map(normalizeHeader);
    const col = {} as Columns;
    for (const key of Object.keys(COLUMN_NAMES) as ColumnKey[]) col[key] = findColumn(normalized, COLUMN_NAMES[key]);
    this.col = col;
    const known = new Set(Object.values(col).filter((i) => i >= 0));
    normalized.forEach((name, i) => {
      if (!known.has(i) && name !== '') {
        this.extraColumns.push(i);
        ctx.warnings.addOnce('unknown-column', name, { column: header[i]!.trim() }, headerLine);
      }
    });
    const exact = KNOWN_LAYOUTS.find(
      (l) => l.columns.length === normalized.length && l.columns.every((c, i) => normalizeHeader(c) === normalized[i]),
    );
    this.billType = col.refundAppliedAt >= 0 ? 'REFUND' : col.refund >= 0 ? 'ALL' : 'SUCCESS';
    this.legacy = col.settlement < 0;
    this.layout = exact?.name ?? `${this.legacy ? 'legacy' : 'v'}-custom-${normalized.length}`;
    if (exact === undefined) ctx.warnings.addOnce('unknown-layout', 'layout', { columns: normalized.length }, headerLine);
    for (const required of ['tradeTime', 'tradeState', 'order'] as const) {
      if (col[required] < 0) ctx.warnings.addOnce('missing-column', required, { column: COLUMN_NAMES[required][0] }, headerLine);
    }
  }

  /** The computed totals this layout can state, named as the summary line names them. */
  private computedTotals(): Totals {
    const t: Totals = { count: this.count };
    const c = this.col;
    if (c.settlement >= 0) t.settlementTotalFen = this.settlementSum;
    if (c.refund >= 0) t.refundTotalFen = this.refundSum;
    if (c.couponRefund >= 0) t[this.legacy ? 'couponRefundTotalFen' : 'rechargeCouponRefundTotalFen'] = this.couponRefundSum;
    if (c.fee >= 0) t.feeTotalMilliFen = this.feeSum;
    if (c.order >= 0) t.orderTotalFen = this.orderSum;
    if (c.refundRequest >= 0) t.refundRequestTotalFen = this.refundRequestSum;
    return t;
  }

  row(c: RowCursor): void {
    // Detail cells carry a backtick; the summary header never does, so most rows skip decoding.
    const first = c.hasBacktick(0) ? '`' : c.text(0);
    if (this.mode === 'summary-header-seen') {
      if (isBlankRow(c)) return;
      this.readSummary(c);
      this.mode = 'after-summary';
      return;
    }
    if (first.startsWith(SUMMARY_MARKER)) {
      if (this.mode === 'after-summary') {
        this.ctx.warnings.add('content-after-summary', c.line);
        return;
      }
      this.summaryKeys = [];
      for (let i = 0; i < c.count; i++) {
        const name = normalizeHeader(c.text(i));
        const key = Object.keys(SUMMARY_NAMES).find((k) => SUMMARY_NAMES[k]!.some((n) => normalizeHeader(n) === name));
        this.summaryKeys.push(key ?? null);
        if (key === undefined && name !== '') this.ctx.warnings.addOnce('unknown-summary-column', name, { column: c.text(i) }, c.line);
      }
      this.mode = 'summary-header-seen';
      return;
    }
    if (isBlankRow(c)) return;
    if (this.mode === 'after-summary') {
      this.ctx.warnings.add('content-after-summary', c.line);
      return;
    }
    this.readDetail(c);
  }

  private readSummary(c: RowCursor): void {
    const declared: Totals = {};
    const out = this.out;
    this.summaryKeys.forEach((key, i) => {
      if (key === null) return;
      const scale = key === 'count' ? 0 : key === 'feeTotalMilliFen' ? MILLI_FEN_SCALE : FEN_SCALE;
      const v = c.units(i, scale, out);
      if (Number.isNaN(v)) {
        this.ctx.warnings.add('invalid-summary-value', c.line, c.text(i) === '' ? key : key, { value: c.text(i), reason: out.reason });
      } else {
        declared[key] = v;
      }
    });
    this.declared = declared;
  }

  private money(c: RowCursor, i: number, scale: number): number | null {
    if (i < 0) return null;
    const out = this.out;
    const v = c.units(i, scale, out);
    if (!Number.isNaN(v)) return v;
    if (out.reason === 'empty') return 0;
    this.ctx.warnings.add('invalid-amount', c.line, this.header[i]!.trim(), { value: c.text(i), reason: out.reason });
    return Number.NaN;
  }

  /**
   * Reads one id cell. With columns, also stores it (one entry per row, null included); an intact
   * id goes from the file's bytes straight into the column, with no string made.
   */
  private id(c: RowCursor, column: IdColumn, i: number, noneMarker: boolean): IdReading | null {
    const store = this.columns === null ? null : this.columns[column];
    if (i < 0) {
      store?.addNull();
      return null;
    }
    if (!this.ctx.keepRows || store !== null) {
      // Judge the id from its bytes; make no string unless it is damaged.
      const span = c.asciiSpan(i);
      if (span !== null && span.backtick) {
        const shape = classifyIdCodes(span.bytes, span.start, span.end);
        const length = span.end - span.start;
        if (shape === IdShape.Empty || (noneMarker && length === 1 && span.bytes[span.start] === 48)) {
          store?.addNull();
          return null;
        }
        if (shape === IdShape.Digits || shape === IdShape.Plain) {
          this.widths[column].note(length);
          store?.addBytes(span.bytes, span.start, span.end);
          return INTACT;
        }
      }
    }
    const text = c.ascii(i);
    if (noneMarker && text === '0') {
      store?.addNull();
      return null;
    }
    const r = readId(text, c.cellType(i), c.hasBacktick(i), true);
    if (r.damage !== null) {
      this.ctx.warnings.add('excel-mangled-id', c.line, this.header[i]!.trim(), { value: r.raw, damage: r.damage });
    } else if (r.value !== null) {
      this.widths[column].note(r.value.length);
    }
    store?.add(r.value);
    return r;
  }

  private readDetail(c: RowCursor): void {
    const col = this.col;
    const ctx = this.ctx;
    const expected = this.header.length;
    if (c.count > expected || (ctx.strictFieldCount && c.count !== expected)) {
      ctx.warnings.add('field-count', c.line, undefined, { expected, found: c.count });
      this.rejected++;
      return;
    }
    if (col.tradeTime === 0 && !c.hasBacktick(0)) {
      ctx.warnings.addOnce('backticks-missing', 'file', {}, c.line);
    }

    const settlement = this.money(c, col.settlement, FEN_SCALE);
    const order = this.money(c, col.order, FEN_SCALE);
    const coupon = this.money(c, col.coupon, FEN_SCALE);
    const refund = this.money(c, col.refund, FEN_SCALE);
    const couponRefund = this.money(c, col.couponRefund, FEN_SCALE);
    const fee = this.money(c, col.fee, MILLI_FEN_SCALE);
    const refundRequest = this.money(c, col.refundRequest, FEN_SCALE);
    if (
      Number.isNaN(settlement) || Number.isNaN(order) || Number.isNaN(coupon) || Number.isNaN(refund) ||
      Number.isNaN(couponRefund) || Number.isNaN(fee) || Number.isNaN(refundRequest)
    ) {
      // A row whose money cannot be read is left out of the totals rather than guessed at;
      // the warning names it, and the summary check shows the gap.
      this.rejected++;
      return;
    }

    const timeKey = col.tradeTime >= 0 ? cellTimeKey(c, col.tradeTime, ctx.warnings, '交易时间') : -1;
    if (timeKey >= 0) this.days.addKey(timeKey);
    const tradeState = this.lowVariety.get(c, col.tradeState);
    // lowVariety hands back the same string for the same value, so this runs once per change.
    if (tradeState !== this.lastState) {
      this.lastState = tradeState;
      if (!KNOWN_TRADE_STATES.has(tradeState)) ctx.warnings.addOnce('unknown-trade-state', tradeState, { value: tradeState }, c.line);
    }
    const tx = this.id(c, 'transactionId', col.transactionId, false);
    const otn = this.id(c, 'outTradeNo', col.outTradeNo, false);
    const rid = this.id(c, 'refundId', col.refundId, true);
    const orn = this.id(c, 'outRefundNo', col.outRefundNo, true);
    // The merchant list is for inspecting; reconciliation (columns) does not read it.
    const mchId = this.columns === null ? this.lowVariety.get(c, col.mchId) : '';
    const subMchId = this.columns === null ? this.lowVariety.get(c, col.subMchId) : '';
    if ((mchId !== this.lastMchId || subMchId !== this.lastSubMchId) && this.merchants.size < 100) {
      this.lastMchId = mchId;
      this.lastSubMchId = subMchId;
      this.merchants.add(subMchId === '' || subMchId === '0' ? mchId : `${mchId}/${subMchId}`);
    }

    this.count++;
    if (settlement !== null) this.settlementSum += settlement;
    if (refund !== null) this.refundSum += refund;
    if (couponRefund !== null) this.couponRefundSum += couponRefund;
    if (fee !== null) this.feeSum += fee;
    if (order !== null) this.orderSum += order;
    if (refundRequest !== null) this.refundRequestSum += refundRequest;

    let index = -1;
    const columns = this.columns;
    if (columns !== null) {
      const refundAt = quietTimeKey(c, col.refundSucceededAt);
      index = columns.add(
        c.line, timeKey, tradeState, order ?? 0, settlement, coupon, refund, refundRequest, fee ?? 0,
        this.lowVariety.get(c, col.rate), this.lowVariety.get(c, col.refundStatus), refundAt,
      );
    } else if (ctx.keepRows) {
      const text = (i: number) => (i >= 0 ? c.text(i) : '');
      const full = ctx.rowDetail !== 'lean';
      // Columns with a handful of values share one string each instead of 1M copies.
      const few = (i: number) => this.lowVariety.get(c, i);
      const time = (i: number) => (i >= 0 && !c.isBlank(i) ? (parseBeijingTime(c.ascii(i))?.text ?? null) : null);
      const row: TradeBillRow = {
        line: c.line,
        tradeTime: timeKey >= 0 ? timeKeyToText(timeKey) : null,
        appId: few(col.appId),
        mchId,
        subMchId,
        deviceInfo: few(col.deviceInfo),
        transactionId: tx?.value ?? null,
        outTradeNo: otn?.value ?? null,
        openId: full ? text(col.openId) : '',
        tradeType: few(col.tradeType),
        tradeState,
        bankType: few(col.bankType),
        currency: few(col.currency),
        settlementFen: settlement,
        orderFen: order ?? 0,
        couponFen: coupon,
        refundId: rid?.value ?? null,
        outRefundNo: orn?.value ?? null,
        refundFen: refund,
        couponRefundFen: couponRefund,
        refundType: few(col.refundType),
        refundStatus: few(col.refundStatus),
        refundAppliedAt: time(col.refundAppliedAt),
        refundSucceededAt: time(col.refundSucceededAt),
        body: full ? text(col.body) : '',
        attach: full ? text(col.attach) : '',
        feeMilliFen: fee ?? 0,
        rate: few(col.rate),
        refundRequestFen: refundRequest,
        rateNote: few(col.rateNote),
      };
      if (full && this.extraColumns.length > 0) {
        const extra: Record<string, string> = {};
        for (const i of this.extraColumns) extra[this.header[i]!.trim()] = c.text(i);
        row.extra = extra;
      }
      index = this.rowsKept.push(row) - 1;
    }
    this.noteConverted('transactionId', tx, c.line, index);
    this.noteConverted('outTradeNo', otn, c.line, index);
    this.noteConverted('refundId', rid, c.line, index);
    this.noteConverted('outRefundNo', orn, c.line, index);
    // Hand a full part over while no id has needed converting: a converted id may be cleared at
    // the end (leading zeros lost), and that must still find its row here.
    const batches = ctx.billBatches;
    if (columns !== null && batches !== undefined && this.convertedTracked === 0 && columns.length >= batches.rows) {
      batches.onBatch(columns.finish(), this.billType);
      this.columns = new BillColumnsBuilder(batches.rows);
    }
  }

  private noteConverted(column: IdColumn, r: IdReading | null, line: number, index: number): void {
    if (r === null || !r.converted || r.value === null) return;
    if (this.convertedTracked >= MAX_CONVERTED_TRACKED) return;
    this.convertedTracked++;
    this.converted[column].push({ line, value: r.value, index });
  }

  /** Ids that went through a number and are shorter than their column's width lost zeros. */
  private resolveLeadingZeros(): void {
    for (const column of ID_COLUMNS) {
      const list = this.converted[column];
      if (list.length === 0) continue;
      // Every WeChat transaction id has 28 digits; merchant ids use the column's common width.
      const width = column === 'transactionId' ? 28 : this.widths[column].dominantWidth();
      if (width === null) continue;
      const name = this.header[this.col[column]]!.trim();
      for (const item of list) {
        if (item.value.length >= width) continue;
        this.ctx.warnings.add('excel-mangled-id', item.line, name, { value: item.value, damage: 'leading-zeros-lost' });
        if (item.index < 0) continue;
        if (this.columns !== null) this.columns[column].clear(item.index);
        else this.rowsKept[item.index]![column] = null;
      }
    }
  }

  finish(): ParsedTable {
    this.resolveLeadingZeros();
    if (this.convertedTracked >= MAX_CONVERTED_TRACKED) {
      this.ctx.warnings.addOnce('ids-not-all-checked', 'converted', { checked: MAX_CONVERTED_TRACKED });
    }
    const result = tableResult('trade-bill', this.layout, this.rejected, this.days, this.declared, this.computedTotals(), this.headerLine, this.ctx.warnings);
    result.billType = this.billType;
    if (this.columns === null) result.merchants = [...this.merchants];
    if (this.columns !== null) result.tradeColumns = this.columns.finish();
    else if (this.ctx.keepRows) result.tradeRows = this.rowsKept;
    return result;
  }
}

/** A secondary time cell (退款成功时间) as a key, or -1; the row path does not warn about these either. */
function quietTimeKey(c: RowCursor, i: number): number {
  if (i < 0 || c.isBlank(i)) return -1;
  const span = c.asciiSpan(i);
  if (span !== null) {
    const key = canonicalTimeKey(span.bytes, span.start, span.end);
    if (key >= 0) return key;
  }
  const t = parseBeijingTime(c.ascii(i));
  return t === null ? -1 : timeTextToKey(t.text);
}

export function isBlankRow(c: RowCursor): boolean {
  for (let i = 0; i < c.count; i++) if (!c.isBlank(i)) return false;
  return true;
}
