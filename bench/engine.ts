/**
 * `node bench/engine.ts BILL LEDGER [CALLS]`: the reconciliation engine alone.
 *
 * Imports both files with `importFile(…, { keepRows: true, rowDetail: 'columns' })` as `wxrecon reconcile` does, records
 * the RSS and heap once the inputs are in memory, then calls `reconcile()` CALLS times (default 3)
 * in this process. Before each call it collects garbage and resets the kernel's peak-RSS mark
 * (/proc/self/clear_refs, Linux), so the peak it reads afterwards is that call's own; elsewhere it
 * falls back to the process's lifetime peak, which may overstate the growth. Prints one JSON
 * object on stdout: per-call wall time and RSS/heap growth above the post-import figures, the
 * last report's `summary.counts`, and its items as [category, outTradeNo, transactionId] for checking.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { importFile } from '../electron/import/read-file.ts';
import { reconcile } from '../shared/recon/engine.ts';
import type { ReconcileReport } from '../shared/recon/types.ts';

const [billPath, ledgerPath, callsArg] = process.argv.slice(2);
if (billPath === undefined || ledgerPath === undefined) {
  process.stderr.write('usage: node bench/engine.ts BILL LEDGER [CALLS]\n');
  process.exit(2);
}
const calls = callsArg === undefined ? 3 : Number(callsArg);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;

/** Resets VmHWM to the current RSS; false where the kernel does not allow it. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Peak RSS in bytes since the last reset (or since start, without /proc). */
function peakRss(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m !== null) return Number(m[1]) * 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}

const importStarted = performance.now();
const bill = await importFile(billPath, { keepRows: true, rowDetail: 'columns' });
const ledger = await importFile(ledgerPath, { keepRows: true, rowDetail: 'columns' });
const importMs = performance.now() - importStarted;
for (const [f, kind] of [[bill, 'trade-bill'], [ledger, 'ledger']] as const) {
  if (f.kind !== kind) {
    process.stderr.write(`bench/engine: ${f.file}: imported as ${f.kind}, expected ${kind} (${f.error?.code ?? 'no error'})\n`);
    process.exit(1);
  }
}
const input = {
  bills: [{ file: bill.file, billType: bill.billType ?? 'ALL', columns: bill.tradeColumns! }],
  ledgers: [{ file: ledger.file, columns: ledger.ledgerColumns! }],
};

gc();
gc();
const base = process.memoryUsage();
const postImport = { rssMiB: base.rss / MiB, heapUsedMiB: base.heapUsed / MiB };

let report: ReconcileReport | null = null;
let peakResets = true;
const runs: { ms: number; rssGrowthMiB: number; heapGrowthMiB: number }[] = [];
for (let i = 0; i < calls; i++) {
  report = null;
  gc();
  gc();
  peakResets = resetPeak() && peakResets;
  const started = performance.now();
  const r = reconcile(input);
  const ms = performance.now() - started;
  const peak = peakRss();
  // Heap right after the call: the report plus whatever garbage has not been collected yet.
  const heapAfter = process.memoryUsage().heapUsed;
  report = r;
  runs.push({
    ms,
    rssGrowthMiB: (peak - base.rss) / MiB,
    heapGrowthMiB: (heapAfter - base.heapUsed) / MiB,
  });
}

process.stdout.write(
  JSON.stringify({
    importMs,
    billRows: bill.tradeColumns?.length ?? 0,
    ledgerRows: ledger.ledgerColumns?.length ?? 0,
    postImport,
    peakResets,
    runs,
    counts: report!.summary.counts,
    items: report!.items.map((item) => [item.category, item.outTradeNo, item.transactionId]),
  }) + '\n',
);
