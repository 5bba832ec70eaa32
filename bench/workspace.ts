/**
 * `node bench/workspace.ts [ITEMS]`: a workspace with ITEMS discrepancies (default 1,000,000) in its
 * SQLite database: the time to save the result, to reopen it, and to fetch one page of the table
 * as the app does — first page, a category filter, an order-number search, sorted by amount — and
 * to record a decision on a thousand items. Prints one JSON object.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../electron/main/workspace/store.ts';
import { CATEGORIES } from '../shared/recon/types.ts';
import { syntheticReport } from './workspace-items.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const root = mkdtempSync(join(tmpdir(), 'wxrecon-bench-ws-'));
const rank = new Map<string, number>(CATEGORIES.map((c, i) => [c, i]));
const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, Math.round((performance.now() - t) * 10) / 10];
};
try {
  const ws = Workspace.create(root, { id: 'bench', name: 'bench', merchantId: null, settings: { crossDayWindowMinutes: 30, amountToleranceFen: 0 }, inputs: [] });
  const report = syntheticReport(n);
  const [, saveMs] = time(() => ws.saveResult(report, rank));
  ws.close();
  const [reopened, reopenMs] = time(() => Workspace.open(root, 'bench'));
  const page = { offset: 0, limit: 200 };
  const [first, firstPageMs] = time(() => reopened.items({ ...page, sort: 'category' }));
  const [, deepPageMs] = time(() => reopened.items({ offset: Math.floor(n / 2), limit: 200, sort: 'category' }));
  const [filtered, filterMs] = time(() => reopened.items({ ...page, sort: 'category', categories: ['amount-mismatch'] }));
  const [found, searchMs] = time(() => reopened.items({ ...page, sort: 'category', search: `WX${String(n - 7).padStart(12, '0').slice(0, 10)}` }));
  const [inside, containsMs] = time(() => reopened.items({ ...page, sort: 'category', search: String(n - 7).padStart(12, '0').slice(-8) }));
  const [, sortMs] = time(() => reopened.items({ ...page, sort: 'amount-desc' }));
  const [, summaryMs] = time(() => reopened.summary());
  const keys = first.rows.slice(0, 200).map((r) => r.key).concat(Array.from({ length: 800 }, (_, i) => `WX${String(i * 997).padStart(12, '0')}`));
  const [resolved, resolveMs] = time(() => reopened.resolve(keys, { status: 'in-progress', decision: null, note: '核对中', by: 'bench' }));
  reopened.close();
  process.stdout.write(JSON.stringify({
    items: n, saveMs, reopenMs, firstPageMs, deepPageMs, filterMs, searchMs, containsMs, sortMs, summaryMs, resolveMs,
    total: first.total, filtered: filtered.total, found: found.total, foundInside: inside.total, resolved: resolved.updated,
    dbMiB: Math.round(statSync(Workspace.fileOf(root, 'bench')).size / 1048576),
  }) + '\n');
} finally {
  rmSync(root, { recursive: true, force: true });
}
