/**
 * The RowCursor over a spreadsheet row (XLSX or XLS), so that bills and ledgers re-saved by Excel
 * or WPS go through the same parsers as CSV files.
 */
import { CellType, type SheetRow } from './cells.ts';
import { stripCell } from './csv.ts';
import { parseMoneyText, parseNumericCellUnits, type MoneyFailureOut } from '../money/parse.ts';
import type { AsciiSpan, RowCursor } from './row-cursor.ts';

export interface SheetCursorOptions {
  /** Date serial → `YYYY-MM-DD HH:mm:ss`, honouring the workbook's 1900/1904 date system. */
  formatDate?: (serial: string) => string | null;
}

export class SheetRowCursor implements RowCursor {
  line = 0;
  count = 0;
  private values: string[] = [];
  private types: Uint8Array = new Uint8Array(0);
  private readonly formatDate: ((serial: string) => string | null) | undefined;

  constructor(options: SheetCursorOptions = {}) {
    this.formatDate = options.formatDate;
  }

  set(row: SheetRow): this {
    this.line = row.rowNumber;
    this.values = row.values;
    this.types = row.types;
    let n = row.count ?? row.values.length;
    while (n > 0 && (row.values[n - 1] ?? '') === '') n--;
    this.count = n;
    return this;
  }

  /** The value of cell i; cells past the row's end are empty (the arrays may be a reader's reused scratch). */
  private value(i: number): string {
    return i < this.count ? (this.values[i] ?? '') : '';
  }

  raw(i: number): string {
    return this.value(i);
  }

  text(i: number): string {
    const v = this.value(i);
    if (i < this.count && this.types[i] === CellType.Date && this.formatDate !== undefined) return this.formatDate(v) ?? v;
    return stripCell(v);
  }

  ascii(i: number): string {
    return this.text(i);
  }

  hasBacktick(i: number): boolean {
    return this.value(i).charCodeAt(0) === 96;
  }

  isBlank(i: number): boolean {
    // Scans instead of trimming: this runs for every row and must not allocate.
    const v = this.value(i);
    for (let k = 0; k < v.length; k++) {
      const c = v.charCodeAt(k);
      if (c > 32 && c !== 96 && c !== 0xa0 && c !== 0x3000 && c !== 0xfeff) return false;
    }
    return true;
  }

  units(i: number, scale: number, out: MoneyFailureOut): number {
    const t = i < this.count ? this.types[i] : CellType.Empty;
    if (t === CellType.Number) return parseNumericCellUnits(this.value(i), scale, out);
    return parseMoneyText(this.text(i), scale, out);
  }

  private readonly scratch = new Uint8Array(256);
  private readonly span: AsciiSpan = { bytes: this.scratch, start: 0, end: 0, backtick: false };

  /**
   * Text cells of plain ASCII, copied into a scratch buffer so the parsers' byte paths (times,
   * ids, states) work without making a string. Numbers and dates keep their typed paths (a
   * number where an id should be is how Excel damage is recognised).
   */
  asciiSpan(i: number): AsciiSpan | null {
    if (i >= this.count || this.types[i] !== CellType.Text) return null;
    const v = this.value(i);
    let s = 0;
    let e = v.length;
    while (s < e && v.charCodeAt(s) <= 32) s++;
    const backtick = v.charCodeAt(s) === 96;
    if (backtick) s++;
    while (s < e && v.charCodeAt(s) <= 32) s++;
    while (e > s && v.charCodeAt(e - 1) <= 32) e--;
    if (e - s > this.scratch.length) return null;
    const out = this.scratch;
    for (let k = s; k < e; k++) {
      const c = v.charCodeAt(k);
      if (c >= 0x80) return null;
      out[k - s] = c;
    }
    const span = this.span;
    span.start = 0;
    span.end = e - s;
    span.backtick = backtick;
    return span;
  }

  cellType(i: number): CellType {
    const t = (i < this.count ? (this.types[i] ?? CellType.Empty) : CellType.Empty) as CellType;
    if (t === CellType.Text && this.isBlank(i)) return CellType.Empty;
    return t;
  }
}
