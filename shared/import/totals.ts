import type { Integrity, Totals } from './types.ts';
import type { WarningCollector } from './warnings.ts';

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

/** Rows per Beijing calendar day (`YYYY-MM-DD` prefix of a normalised time). */
export class DayCounter {
  private readonly counts = new Map<string, number>();
  private lastDay = '';
  private lastCount = 0;

  add(time: string): void {
    // Bills are sorted or nearly so; counting runs of the same day avoids a map lookup per row.
    if (this.lastDay !== '' && time.startsWith(this.lastDay)) {
      this.lastCount++;
      return;
    }
    this.flush();
    this.lastDay = time.slice(0, 10);
    this.lastCount = 1;
  }

  private flush(): void {
    if (this.lastDay === '') return;
    this.counts.set(this.lastDay, (this.counts.get(this.lastDay) ?? 0) + this.lastCount);
    this.lastDay = '';
    this.lastCount = 0;
  }

  toRecord(): Record<string, number> {
    this.flush();
    const out: Record<string, number> = {};
    for (const day of [...this.counts.keys()].sort()) out[day] = this.counts.get(day)!;
    return out;
  }
}
