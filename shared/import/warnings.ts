/**
 * Warnings are data: a stable kebab-case code, the row and column they concern, and the values
 * that fill the message. Text is produced at the edge (CLI, UI) from shared/i18n/messages.ts,
 * in the user's language.
 */
export interface ImportWarning {
  code: string;
  /** 1-based line (CSV) or row number (spreadsheet) in the file. */
  row?: number;
  column?: string;
  params?: Record<string, string | number>;
  /** For a roll-up warning: how many rows had this problem beyond those listed. */
  count?: number;
}

/** Rows listed per code before the rest are rolled up, so a broken 1M-row file stays readable. */
export const ROWS_LISTED_PER_CODE = 20;

export class WarningCollector {
  private readonly listed: ImportWarning[] = [];
  private readonly perCode = new Map<string, number>();
  private readonly once = new Set<string>();

  /** A row-level problem; the first ROWS_LISTED_PER_CODE per code are kept in full. */
  add(code: string, row?: number, column?: string, params?: Record<string, string | number>): void {
    const seen = this.perCode.get(code) ?? 0;
    this.perCode.set(code, seen + 1);
    if (seen < ROWS_LISTED_PER_CODE) {
      const w: ImportWarning = { code };
      if (row !== undefined) w.row = row;
      if (column !== undefined) w.column = column;
      if (params !== undefined) w.params = params;
      this.listed.push(w);
    }
  }

  /** A file-level fact, reported once however often it is noticed (keyed by code + key). */
  addOnce(code: string, key: string, params?: Record<string, string | number>, row?: number): void {
    const k = code + '\u0000' + key;
    if (this.once.has(k)) return;
    this.once.add(k);
    const w: ImportWarning = { code };
    if (row !== undefined) w.row = row;
    if (params !== undefined) w.params = params;
    this.listed.push(w);
  }

  countOf(code: string): number {
    return this.perCode.get(code) ?? 0;
  }

  list(): ImportWarning[] {
    const out = [...this.listed];
    for (const [code, n] of this.perCode) {
      if (n > ROWS_LISTED_PER_CODE) {
        out.push({ code: 'more-rows', count: n - ROWS_LISTED_PER_CODE, params: { of: code } });
      }
    }
    return out;
  }
}
