/**
 * The RowCursor over a spreadsheet row (XLSX or XLS), so that bills and ledgers re-saved by Excel
 * or WPS go through the same parsers as CSV files.
 */
import { CellType, type SheetRow } from './cells.ts';
import { stripCell } from './csv.ts';
import { parseMoneyText, parseNumericCellUnits, type MoneyFailureOut } from '../money/parse.ts';
import type { RowCursor } from './row-cursor.ts';

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

  asciiSpan(): null {
    return null;
  }

  cellType(i: number): CellType {
    const t = (this.types[i] ?? CellType.Empty) as CellType;
    if (t === CellType.Text && this.isBlank(i)) return CellType.Empty;
    return t;
  }
}
