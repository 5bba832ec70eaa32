/**
 * The merchant's own order export (台账): CSV or XLSX from a shop, POS or ERP. Headers are found
 * by name (contract: "The ledger file"), also below title rows; states are mapped to our five;
 * anything else comes from a mapping file.
 */
import { FEN_SCALE, type MoneyFailureOut } from '../money/parse.ts';
import { normalizeHeader, stripYuanSuffix } from '../import/headers.ts';
import { classifyIdCodes, IdShape, IdWidthTracker, readId, type IdReading } from '../import/ids.ts';
import { timeKeyToText } from '../import/time.ts';
import { cellTimeKey } from '../table/cell-time.ts';
import { LowVarietyDecoder } from '../table/low-variety.ts';
import { DayCounter, tableResult } from '../import/totals.ts';
import { capacityFor, LedgerColumnsBuilder } from '../import/columns.ts';
import type { IdColumnBuilder } from '../import/id-column.ts';
import type { RowCursor } from '../table/row-cursor.ts';
import type { LedgerRow, LedgerState, ParseContext, ParsedTable, TableParser, Totals } from '../import/types.ts';
import type { LedgerField, LedgerMapping } from './mapping.ts';
import { isBlankRow } from '../bill/trade-bill.ts';

/** Header names recognised without a mapping file (contract), matched after normalizeHeader. */
const DEFAULT_NAMES: Record<LedgerField, readonly string[]> = {
  outTradeNo: ['out_trade_no', '商户订单号', '订单号', '订单编号'],
  amount: ['amount', '订单金额', '金额', '实付金额', '支付金额'],
  amountFen: ['amount_fen', '金额(分)', '订单金额(分)'],
  state: ['status', 'state', '订单状态', '支付状态', '状态'],
  paidAt: ['paid_at', '支付时间', '付款时间'],
  refundAmount: ['refund_amount', '退款金额'],
  transactionId: ['transaction_id', '微信订单号', '交易单号'],
};

const DEFAULT_STATES: Record<string, LedgerState> = {
  paid: 'paid', 已支付: 'paid', 支付成功: 'paid', success: 'paid',
  unpaid: 'unpaid', 未支付: 'unpaid', 待支付: 'unpaid', notpay: 'unpaid',
  closed: 'closed', 已关闭: 'closed', 已取消: 'closed',
  refunded: 'refunded', 已退款: 'refunded', refund: 'refunded',
  partially_refunded: 'partially_refunded', 部分退款: 'partially_refunded',
};

/** An intact id seen on the counting-only path, where no string is made. */
const INTACT: IdReading = { value: null, raw: '', damage: null, converted: false };

/** Rows an ERP adds under the data: 合计 / 总计 / 小计 / Total. */
const TOTAL_ROW = /^(合计|总计|小计|总额|total|sum)[:：]?$/i;

/** Which column holds each field, by the mapping's names or the defaults. */
export function locateLedgerColumns(header: readonly string[], mapping?: LedgerMapping): Record<LedgerField, number> {
  const normalized = header.map(normalizeHeader);
  const yuanStripped = normalized.map(stripYuanSuffix);
  const result = {} as Record<LedgerField, number>;
  for (const field of Object.keys(DEFAULT_NAMES) as LedgerField[]) {
    const mapped = mapping?.columns[field];
    if (mapped !== undefined) {
      result[field] = normalized.indexOf(normalizeHeader(mapped));
      continue;
    }
    const names = DEFAULT_NAMES[field].map(normalizeHeader);
    // Yuan names may carry a (元) suffix; fen names carry (分) and must match exactly.
    const pool = field === 'amount' || field === 'refundAmount' ? yuanStripped : normalized;
    let found = -1;
    for (const name of names) {
      found = pool.indexOf(name);
      if (found >= 0) break;
    }
    result[field] = found;
  }
  return result;
}

export function isLedgerHeader(header: readonly string[], mapping?: LedgerMapping): boolean {
  const col = locateLedgerColumns(header, mapping);
  return col.outTradeNo >= 0 && (col.amount >= 0 || col.amountFen >= 0 || col.state >= 0);
}

export class LedgerParser implements TableParser {
  private readonly ctx: ParseContext;
  private readonly header: string[];
  private readonly headerLine: number;
  private readonly col: Record<LedgerField, number>;
  private readonly states: Map<string, LedgerState>;
  private readonly extraColumns: number[] = [];
  private readonly out: MoneyFailureOut = { reason: 'empty' };
  private readonly days = new DayCounter();
  private readonly kept: LedgerRow[] = [];
  private readonly widths = new IdWidthTracker();
  private readonly columns: LedgerColumnsBuilder | null;
  /** The paid-time header as written, named in time warnings (looked up once, not per row). */
  private readonly paidAtName: string;
  /** Converted keys for the leading-zero check; index of the kept row, or -1. */
  private readonly converted: { line: number; value: string; index: number }[] = [];
  private readonly lowVariety = new LowVarietyDecoder(64);
  private count = 0;
  private amountSum = 0;
  private paidCount = 0;
  private paidSum = 0;
  private refundSum = 0;
  private declared: Totals | undefined;
  private lastStateRaw: string | null = null;
  private lastState: LedgerState = 'unknown';
  private rejected = 0;

  constructor(header: string[], headerLine: number, ctx: ParseContext, mapping?: LedgerMapping) {
    this.ctx = ctx;
    this.columns = ctx.keepRows && ctx.rowDetail === 'columns' ? new LedgerColumnsBuilder(capacityFor(ctx.sizeHintBytes, 110)) : null;
    this.header = header;
    this.headerLine = headerLine;
    this.col = locateLedgerColumns(header, mapping);
    this.paidAtName = this.name(this.col.paidAt);
    this.states = new Map();
    for (const [raw, state] of Object.entries(mapping?.states ?? {})) this.states.set(raw.toLowerCase(), state);
    for (const [raw, state] of Object.entries(DEFAULT_STATES)) if (!this.states.has(raw)) this.states.set(raw, state);
    const used = new Set(Object.values(this.col).filter((i) => i >= 0));
    header.forEach((name, i) => {
      if (!used.has(i) && name.trim() !== '') this.extraColumns.push(i);
    });
    if (mapping !== undefined) {
      for (const [field, name] of Object.entries(mapping.columns)) {
        if (this.col[field as LedgerField] < 0) ctx.warnings.addOnce('mapping-column-missing', field, { field, column: name }, headerLine);
      }
    }
    if (this.col.amount < 0 && this.col.amountFen < 0) ctx.warnings.addOnce('ledger-no-amount', 'amount', {}, headerLine);
    if (this.col.state < 0) ctx.warnings.addOnce('ledger-no-state', 'state', {}, headerLine);
  }

  private name(i: number): string {
    return (this.header[i] ?? '').trim();
  }

  private money(c: RowCursor, i: number): number | null {
    if (i < 0) return null;
    const v = c.units(i, FEN_SCALE, this.out);
    if (!Number.isNaN(v)) return v;
    if (this.out.reason === 'empty') return null;
    this.ctx.warnings.add('invalid-amount', c.line, this.name(i), { value: c.text(i), reason: this.out.reason });
    return Number.NaN;
  }

  /**
   * Could this be a 合计/Total row? Most keys start with an ASCII letter or digit other than the
   * first letters of the English labels, which settles it without decoding the key.
   */
  private maybeTotalRow(c: RowCursor, i: number): boolean {
    const span = c.asciiSpan(i);
    if (span === null || span.end === span.start) return true;
    const b = span.bytes[span.start]!;
    return b >= 0x80 || b === 0x54 || b === 0x74 || b === 0x53 || b === 0x73; // T t S s
  }

  row(c: RowCursor): void {
    if (isBlankRow(c)) return;
    const col = this.col;
    const keyBlank = col.outTradeNo < 0 || c.isBlank(col.outTradeNo);
    if (keyBlank ? c.count > 0 && TOTAL_ROW.test(c.text(0)) : this.maybeTotalRow(c, col.outTradeNo) && TOTAL_ROW.test(c.text(col.outTradeNo))) {
      this.readTotalRow(c);
      return;
    }
    if (keyBlank) {
      this.ctx.warnings.add('ledger-missing-key', c.line, this.name(col.outTradeNo));
      this.rejected++;
      return;
    }
    let amountFen = null as number | null;
    if (col.amountFen >= 0) {
      // A fen column is an integer count of fen.
      const v = c.units(col.amountFen, 0, this.out);
      if (Number.isNaN(v) && this.out.reason !== 'empty') {
        this.ctx.warnings.add('invalid-amount', c.line, this.name(col.amountFen), { value: c.text(col.amountFen), reason: this.out.reason });
        this.rejected++;
        return;
      }
      amountFen = Number.isNaN(v) ? null : v;
    }
    const yuan = this.money(c, col.amount);
    const refundFen = this.money(c, col.refundAmount);
    if (Number.isNaN(yuan) || Number.isNaN(refundFen)) {
      this.rejected++;
      return;
    }
    if (amountFen === null) amountFen = yuan;
    else if (yuan !== null && yuan !== amountFen) {
      this.ctx.warnings.add('ledger-amount-conflict', c.line, undefined, { fen: amountFen, yuanFen: yuan });
    }

    const stateRaw = this.lowVariety.get(c, col.state);
    if (stateRaw !== this.lastStateRaw) {
      // The same value comes back as the same string: map it once per change.
      this.lastStateRaw = stateRaw;
      this.lastState = col.state < 0 ? 'paid' : (this.states.get(stateRaw.toLowerCase()) ?? 'unknown');
      if (this.lastState === 'unknown') this.ctx.warnings.addOnce('unknown-ledger-state', stateRaw, { value: stateRaw }, c.line);
    }
    const state = this.lastState;
    const paidKey = col.paidAt >= 0 && !c.isBlank(col.paidAt) ? cellTimeKey(c, col.paidAt, this.ctx.warnings, this.paidAtName) : -1;
    if (paidKey >= 0) this.days.addKey(paidKey);
    const key = this.readKey(c, col.outTradeNo);
    let tx: IdReading | null = null;
    if (col.transactionId >= 0) tx = this.readTx(c, col.transactionId);
    else this.columns?.transactionId.addNull();

    this.count++;
    if (amountFen !== null) this.amountSum += amountFen;
    if (state === 'paid' || state === 'refunded' || state === 'partially_refunded') {
      this.paidCount++;
      if (amountFen !== null) this.paidSum += amountFen;
    }
    if (refundFen !== null) this.refundSum += refundFen;

    let index = -1;
    const columns = this.columns;
    if (columns !== null) {
      index = columns.add(c.line, amountFen, refundFen, state, stateRaw, paidKey);
    } else if (this.ctx.keepRows) {
      const row: LedgerRow = {
        line: c.line,
        outTradeNo: key.value,
        amountFen,
        state,
        stateRaw,
        paidAt: paidKey >= 0 ? timeKeyToText(paidKey) : null,
        refundFen,
        transactionId: tx?.value ?? null,
      };
      if (this.extraColumns.length > 0 && this.ctx.rowDetail !== 'lean') {
        const extra: Record<string, string> = {};
        for (const i of this.extraColumns) extra[this.name(i)] = c.text(i);
        row.extra = extra;
      }
      index = this.kept.push(row) - 1;
    }
    if (key.converted && key.value !== null && this.converted.length < 200_000) {
      this.converted.push({ line: c.line, value: key.value, index });
    }
  }



  /**
   * An intact id judged from its bytes, with no string made (counting, or straight into a
   * column); its length, else null.
   */
  private intactFromBytes(c: RowCursor, i: number, store: IdColumnBuilder | null): number | null {
    if (this.ctx.keepRows && store === null) return null;
    const span = c.asciiSpan(i);
    if (span === null) return null;
    const shape = classifyIdCodes(span.bytes, span.start, span.end);
    if (shape !== IdShape.Digits && shape !== IdShape.Plain) return null;
    store?.addBytes(span.bytes, span.start, span.end);
    return span.end - span.start;
  }

  /** Reads the key; with columns, also stores it. */
  private readKey(c: RowCursor, i: number): IdReading {
    const store = this.columns?.outTradeNo ?? null;
    const length = this.intactFromBytes(c, i, store);
    if (length !== null) {
      this.widths.note(length);
      return INTACT;
    }
    const r = readId(c.text(i), c.cellType(i), c.hasBacktick(i), false);
    if (r.damage !== null) this.ctx.warnings.add('excel-mangled-id', c.line, this.name(i), { value: r.raw, damage: r.damage });
    else if (r.value !== null) this.widths.note(r.value.length);
    store?.add(r.value);
    return r;
  }

  private readTx(c: RowCursor, i: number): IdReading {
    const store = this.columns?.transactionId ?? null;
    if (this.intactFromBytes(c, i, store) !== null) return INTACT;
    let r = readId(c.text(i), c.cellType(i), c.hasBacktick(i), false);
    if (r.damage !== null) this.ctx.warnings.add('excel-mangled-id', c.line, this.name(i), { value: r.raw, damage: r.damage });
    else if (r.value !== null && r.converted && r.value.length !== 28) {
      this.ctx.warnings.add('excel-mangled-id', c.line, this.name(i), { value: r.raw, damage: 'leading-zeros-lost' });
      r = { ...r, value: null, damage: 'leading-zeros-lost' };
    }
    store?.add(r.value);
    return r;
  }

  private readTotalRow(c: RowCursor): void {
    const i = this.col.amountFen >= 0 ? this.col.amountFen : this.col.amount;
    if (i < 0) return;
    const v = c.units(i, this.col.amountFen >= 0 ? 0 : FEN_SCALE, this.out);
    if (!Number.isNaN(v)) this.declared = { amountTotalFen: v };
    this.ctx.warnings.addOnce('ledger-total-row', 'total', {}, c.line);
  }

  finish(): ParsedTable {
    const width = this.widths.dominantWidth();
    if (width !== null) {
      for (const item of this.converted) {
        if (item.value.length >= width) continue;
        this.ctx.warnings.add('excel-mangled-id', item.line, this.name(this.col.outTradeNo), { value: item.value, damage: 'leading-zeros-lost' });
        if (item.index < 0) continue;
        if (this.columns !== null) this.columns.outTradeNo.clear(item.index);
        else this.kept[item.index]!.outTradeNo = null;
      }
    }
    const computed: Totals = { count: this.count, amountTotalFen: this.amountSum, paidCount: this.paidCount, paidFen: this.paidSum, refundTotalFen: this.refundSum };
    const result = tableResult('ledger', 'ledger', this.rejected, this.days, this.declared, computed, this.headerLine, this.ctx.warnings);
    if (this.columns !== null) result.ledgerColumns = this.columns.finish();
    else if (this.ctx.keepRows) result.ledgerRows = this.kept;
    return result;
  }
}
