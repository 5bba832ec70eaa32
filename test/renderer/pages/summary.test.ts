import { describe, expect, it } from 'vitest';
import { dailyTrend } from '../../../renderer/src/pages/WorkspacePage.tsx';
import type { WorkspaceSummary } from '../../../shared/ipc/contract.ts';

const ws = (id: string, days: string[], updatedAtIso: string, counts: Record<string, number>, openCount: number): WorkspaceSummary => ({
  id, name: id, merchantId: null, createdAtIso: updatedAtIso, updatedAtIso, days, state: 'reconciled', counts, openCount,
});

describe('dailyTrend', () => {
  it('one point per day in order, discrepancies without the matched, the last workspace of a day winning', () => {
    expect(dailyTrend([
      ws('b', ['2026-11-26'], '2026-11-27T02:00:00Z', { matched: 990, 'amount-mismatch': 2, 'cross-day': 1 }, 2),
      ws('a', ['2026-11-25'], '2026-11-26T02:00:00Z', { matched: 500, duplicate: 4 }, 0),
      // The 26th made again later: it replaces the first try.
      ws('c', ['2026-11-26'], '2026-11-27T05:00:00Z', { matched: 991, 'amount-mismatch': 1, 'cross-day': 1 }, 1),
      ws('empty', [], '2026-11-27T06:00:00Z', {}, 0),
    ])).toEqual([
      { day: '2026-11-25', items: 4, open: 0 },
      { day: '2026-11-26', items: 2, open: 1 },
    ]);
  });

  it('names a workspace of several days by its first and last, and keeps the last 30 days', () => {
    expect(dailyTrend([ws('w', ['2026-11-21', '2026-11-20', '2026-11-22'], '2026-11-23T00:00:00Z', { duplicate: 1 }, 1)])).toEqual([{ day: '2026-11-20~2026-11-22', items: 1, open: 1 }]);
    const many = Array.from({ length: 40 }, (_, i) => ws(`d${i}`, [`2026-10-${String(i + 1).padStart(2, '0')}`], '2026-11-27T00:00:00Z', { duplicate: i }, i));
    const trend = dailyTrend(many.filter((w) => !w.days[0]!.endsWith('-32')));
    expect(trend).toHaveLength(30);
    expect(trend.at(-1)!.day).toBe(many.at(-1)!.days[0]);
  });
});
