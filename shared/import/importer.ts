/**
 * Decides what a table file is from its header row, then hands every following row to the
 * parser for that kind. Fed row by row from CSV or a spreadsheet, so a 1M-row bill is never held
 * as text. Title rows above a ledger's header and the personal bill's preamble are kept aside.
 */
import { ImportError } from '../errors.ts';
import { normalizeHeader } from './headers.ts';
import { WarningCollector } from './warnings.ts';
import type { ParseContext, ParsedTable, TableParser } from './types.ts';
import type { RowCursor } from '../table/row-cursor.ts';
import type { LedgerMapping } from '../ledger/mapping.ts';
import { TradeBillParser, isTradeBillHeader } from '../bill/trade-bill.ts';
import { FundFlowParser, isFundFlowHeader } from '../bill/fund-flow.ts';
import { PersonalBillParser, isPersonalBillHeader } from '../bill/personal-bill.ts';
import { LedgerParser, isLedgerHeader } from '../ledger/ledger.ts';

/** Non-blank rows looked at for a header before the file is declared not a bill or ledger. */
export const HEADER_SEARCH_ROWS = 40;
/** Rows (and cells, and characters) kept of an unrecognised file, for the mapping screen. */
const FIRST_ROWS_KEPT = 30;
const FIRST_ROW_CELLS = 60;
/** Cells of a row read while looking for a header; a header is never this wide. */
const MAX_HEADER_CELLS = 256;

export interface ImporterOptions {
  keepRows: boolean;
  rowDetail?: 'full' | 'lean' | 'columns';
  strictFieldCount: boolean;
  mapping?: LedgerMapping;
  sizeHintBytes?: number;
  /**
   * Also keep this many rows after a recognised header (with the header and any title rows) in
   * `firstRows`, so a preview can show whether the text reads right in the encoding used.
   */
  sampleRows?: number;
  billBatches?: ParseContext['billBatches'];
}

export class TableImporter {
  readonly warnings = new WarningCollector();
  private readonly options: ImporterOptions;
  private readonly ctx: ParseContext;
  private parser: TableParser | null = null;
  private readonly preamble: string[] = [];
  private nonBlankSeen = 0;
  private failure: ImportError | null = null;
  /** The first rows of a file whose header is not found, for mapping its columns by hand. */
  private readonly firstRows: { line: number; cells: string[] }[] = [];
  private sampleLeft: number;

  constructor(options: ImporterOptions) {
    this.options = options;
    this.sampleLeft = options.sampleRows ?? 0;
    this.ctx = { warnings: this.warnings, keepRows: options.keepRows, rowDetail: options.rowDetail ?? 'full', strictFieldCount: options.strictFieldCount, ...(options.sizeHintBytes !== undefined ? { sizeHintBytes: options.sizeHintBytes } : {}), ...(options.billBatches !== undefined ? { billBatches: options.billBatches } : {}) };
  }

  /** The kind is known (a header was found). */
  get detected(): boolean {
    return this.parser !== null;
  }

  get failed(): ImportError | null {
    return this.failure;
  }

  /** Returns false when reading can stop: no header in the first rows. */
  row(c: RowCursor): boolean {
    if (this.parser !== null) {
      if (this.sampleLeft > 0) {
        this.sampleLeft--;
        this.keepFirst(c);
      }
      this.parser.row(c);
      return true;
    }
    if (this.failure !== null) return false;
    const n = Math.min(c.count, MAX_HEADER_CELLS);
    const cells: string[] = [];
    let blank = true;
    for (let i = 0; i < n; i++) {
      const t = c.text(i);
      if (t !== '') blank = false;
      cells.push(t);
    }
    if (blank) return true;
    this.nonBlankSeen++;
    if (this.firstRows.length < FIRST_ROWS_KEPT) this.firstRows.push({ line: c.line, cells: cells.slice(0, FIRST_ROW_CELLS).map((x) => x.slice(0, 80)) });
    const mapping = this.options.mapping;
    if (mapping?.headerRow !== undefined) {
      if (c.line < mapping.headerRow) {
        this.preamble.push(cells.join(' ').trim());
        return true;
      }
      this.parser = new LedgerParser(cells, c.line, this.ctx, mapping);
      return true;
    }
    const normalized = cells.map(normalizeHeader);
    if (isTradeBillHeader(normalized)) {
      this.parser = new TradeBillParser(cells, c.line, this.ctx);
    } else if (isFundFlowHeader(normalized)) {
      this.parser = new FundFlowParser(cells, c.line, this.ctx);
    } else if (isPersonalBillHeader(normalized)) {
      this.parser = new PersonalBillParser(cells, c.line, this.preamble, this.ctx);
    } else if (isLedgerHeader(cells, mapping)) {
      this.parser = new LedgerParser(cells, c.line, this.ctx, mapping);
    } else {
      this.preamble.push(cells.join(' ').trim());
      if (this.nonBlankSeen >= HEADER_SEARCH_ROWS) {
        this.failure = new ImportError('no-header', { rows: HEADER_SEARCH_ROWS });
        return false;
      }
      return true;
    }
    if (this.preamble.length > 0 && this.parser instanceof LedgerParser) {
      this.warnings.addOnce('title-rows-skipped', 'title', { rows: this.preamble.length }, c.line);
    }
    return true;
  }

  private keepFirst(c: RowCursor): void {
    const cells: string[] = [];
    for (let i = 0, n = Math.min(c.count, FIRST_ROW_CELLS); i < n; i++) cells.push(c.text(i).slice(0, 80));
    this.firstRows.push({ line: c.line, cells });
  }

  /** Ends the file: the parsed table, or an unknown one whose warning says why. */
  finish(): ParsedTable {
    if (this.parser !== null) {
      const table = this.parser.finish();
      return (this.options.sampleRows ?? 0) > 0 ? { ...table, firstRows: this.firstRows } : table;
    }
    const error = this.failure ?? new ImportError(this.nonBlankSeen === 0 ? 'no-rows' : 'no-header', { rows: this.nonBlankSeen });
    this.warnings.addOnce(error.code, 'file', error.params);
    return { ...unknownTable(), firstRows: this.firstRows };
  }
}

export function unknownTable(): ParsedTable {
  return { kind: 'unknown', rows: 0, rejectedRows: 0, dateRange: null, days: {}, integrity: 'no-summary' };
}
