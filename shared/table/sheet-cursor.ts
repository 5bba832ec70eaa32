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
    let n = row.values.length;
    while (n > 0 && (row.values[n - 1] ?? '') === '') n--;
    this.count = n;
    return this;
  }

  raw(i: number): string {
    return this.values[i] ?? '';
  }

  text(i: number): string {
    const v = this.values[i] ?? '';
    if (this.types[i] === CellType.Date && this.formatDate !== undefined) return this.formatDate(v) ?? v;
    return stripCell(v);
  }

  ascii(i: number): string {
    return this.text(i);
  }

  hasBacktick(i: number): boolean {
    return (this.values[i] ?? '').charCodeAt(0) === 96;
  }

  isBlank(i: number): boolean {
    return this.text(i) === '';
  }

  units(i: number, scale: number, out: MoneyFailureOut): number {
    const t = this.types[i];
    if (t === CellType.Number) return parseNumericCellUnits(this.values[i] ?? '', scale, out);
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
    if (this.types[i] !== CellType.Text) return null;
    const v = this.values[i] ?? '';
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
    const t = (this.types[i] ?? CellType.Empty) as CellType;
    if (t === CellType.Text && this.isBlank(i)) return CellType.Empty;
    return t;
  }
}
