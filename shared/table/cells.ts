/**
 * How a cell reached us. CSV cells are always text; spreadsheet cells keep the type the
 * spreadsheet program gave them, because a number where an id should be is how we tell that
 * Excel or WPS damaged it (a 28-digit transaction id stored as 4.2E+27).
 */
export const CellType = {
  Empty: 0,
  Text: 1,
  /** A numeric cell. Its value is the raw text the file stored (`28.16`, `4.2000009252021E+27`). */
  Number: 2,
  Bool: 3,
  Error: 4,
  /** A numeric cell whose number format is a date or time. Its value is the raw serial (`45623.5`). */
  Date: 5,
} as const;
export type CellType = (typeof CellType)[keyof typeof CellType];

/** One spreadsheet row: `values[i]` and `types[i]` describe column i (0-based, A = 0). */
export interface SheetRow {
  /** 1-based row number as the spreadsheet shows it. */
  rowNumber: number;
  values: string[];
  types: Uint8Array;
  /**
   * Cells set in `values`/`types` when a reader reuses its arrays across rows (and they are
   * longer than the row); absent when the arrays are the row's own.
   */
  count?: number;
}
