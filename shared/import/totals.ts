import type { FileKind, Integrity, ParsedTable, Totals } from './types.ts';
import type { WarningCollector } from './warnings.ts';
import { timeKeyToText, timeTextToKey } from './time.ts';

/**
 * A file's own summary line against what its rows add up to. Every declared figure we can
 * recompute must agree; one that this layout cannot recompute is left out, not guessed.
 */
export function compareTotals(declared: Totals | undefined, computed: Totals, warnings: WarningCollector): Integrity {
  if (declared === undefined) return 'no-summary';
  let ok = true;
  for (const [key, value] of Object.entries(declared)) {
    const mine = computed[key];
    if (mine === undefined) continue;
    if (mine !== value) {
      ok = false;
      warnings.add('summary-mismatch', undefined, key, { field: key, declared: value, computed: mine });
    }
  }
  return ok ? 'ok' : 'mismatch';
}

/** Rows per Beijing calendar day, and the first and last time seen. */
export class DayCounter {
  private readonly counts = new Map<number, number>();
  private lastDay = -1;
  private lastCount = 0;
  private minKey = Number.POSITIVE_INFINITY;
  private maxKey = Number.NEGATIVE_INFINITY;

  /** A normalised `YYYY-MM-DD HH:mm:ss`. */
  add(time: string): void {
    this.addKey(timeTextToKey(time));
  }

  /** A time as YYYYMMDDHHmmss (see canonicalTimeKey). */
  addKey(key: number): void {
    if (key < this.minKey) this.minKey = key;
    if (key > this.maxKey) this.maxKey = key;
    const day = Math.floor(key / 1_000_000);
    // Bills are sorted or nearly so; counting runs of the same day avoids a map lookup per row.
    if (day === this.lastDay) {
      this.lastCount++;
      return;
    }
    this.flush();
    this.lastDay = day;
    this.lastCount = 1;
  }

  private flush(): void {
    if (this.lastDay < 0) return;
    this.counts.set(this.lastDay, (this.counts.get(this.lastDay) ?? 0) + this.lastCount);
    this.lastDay = -1;
    this.lastCount = 0;
  }

  /** First and last day as `YYYY-MM-DD`, or null when no time was seen. */
  range(): [string, string] | null {
    if (this.minKey === Number.POSITIVE_INFINITY) return null;
    return [timeKeyToText(this.minKey).slice(0, 10), timeKeyToText(this.maxKey).slice(0, 10)];
  }

  toRecord(): Record<string, number> {
    this.flush();
    const out: Record<string, number> = {};
    for (const day of [...this.counts.keys()].sort((a, b) => a - b)) {
      const d = String(day);
      out[`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`] = this.counts.get(day)!;
    }
    return out;
  }
}

/**
 * The common part of every parser's result: counts, days, and the summary check of what the
 * file declares against what its rows add up to.
 */
export function tableResult(
  kind: FileKind,
  layout: string,
  rejectedRows: number,
  days: DayCounter,
  declared: Totals | undefined,
  computed: Totals,
  headerRow: number,
  warnings: WarningCollector,
): ParsedTable {
  const result: ParsedTable = {
    kind,
    layout,
    rows: computed.count ?? 0,
    rejectedRows,
    dateRange: days.range(),
    days: days.toRecord(),
    computed,
    integrity: compareTotals(declared, computed, warnings),
    headerRow,
  };
  if (declared !== undefined) result.declared = declared;
  return result;
}
