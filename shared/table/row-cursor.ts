import type { CellType } from './cells.ts';
import type { MoneyFailureOut } from '../money/parse.ts';

/**
 * One row of a table file, CSV or spreadsheet, seen through the same narrow window so that the
 * bill and ledger parsers are written once. A cursor is only valid during the callback that
 * received it: CSV cursors point into a buffer that the next chunk replaces.
 */
export interface RowCursor {
  /** 1-based line (CSV) or row number (spreadsheet) where this row starts. */
  readonly line: number;
  /** Number of fields (CSV) or the index of the last non-empty cell + 1 (spreadsheet). */
  readonly count: number;
  /** The cell's text as stored (CSV quotes undone; nothing else removed). */
  raw(i: number): string;
  /** The text with one leading backtick removed and surrounding spaces and tabs trimmed. */
  text(i: number): string;
  /** Like text(), for fields known to be ASCII (ids, states, times): a faster path for CSV. */
  ascii(i: number): string;
  /** Whether the stored text starts with a backtick, as every WeChat bill detail field does. */
  hasBacktick(i: number): boolean;
  /** Empty, or only a backtick and spaces. */
  isBlank(i: number): boolean;
  /** The cell as money at `scale` decimals, in integer units; NaN with `out.reason` on failure. */
  units(i: number, scale: number, out: MoneyFailureOut): number;
  cellType(i: number): CellType;
  /**
   * Fast path for hot fields: the bytes of text(i) in a CSV buffer, which may
   * hold non-ASCII bytes (callers compare codes, so those simply fail to match), else null
   * (spreadsheet cells, quoted fields). The returned object is reused.
   */
  asciiSpan(i: number): AsciiSpan | null;
}

export interface AsciiSpan {
  bytes: Uint8Array;
  start: number;
  end: number;
  /** The stored field began with a backtick (removed from the span). */
  backtick: boolean;
}

/** Decodes bytes for the CSV reader; the Node edge supplies a Buffer-based one. */
export interface ByteDecoder {
  utf8(bytes: Uint8Array, start: number, end: number): string;
  isUtf8(bytes: Uint8Array, start: number, end: number): boolean;
  gb18030(bytes: Uint8Array, start: number, end: number): string;
  latin1(bytes: Uint8Array, start: number, end: number): string;
}
