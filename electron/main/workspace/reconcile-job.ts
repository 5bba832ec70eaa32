/**
 * One workspace's reconciliation, as a job that runs off the main process's thread (the worker
 * in reconcile-worker.ts) and writes its result straight into the workspace's database: read the
 * inputs (each on its own thread), reconcile with the live states of the query journal if any, keep
 * every order key when there is no ledger (all of them may be queried), and note which in-transit
 * items of earlier workspaces this one settles.
 */
import type { Lang } from '../../../shared/i18n/messages.ts';
import { CATEGORIES } from '../../../shared/recon/types.ts';
import { liveStatesFromJournal } from '../../query-run/run.ts';
import { basename } from 'node:path';
import { InputProblem, readAndReconcile } from '../../recon/read-and-reconcile.ts';
import { AppFailure } from '../../../shared/ipc/result.ts';
import { Workspace } from './store.ts';
import type { LedgerMapping } from '../../../shared/ledger/mapping.ts';
import type { TextEncoding } from '../../../shared/ipc/contract.ts';

export interface ReconcileJobInput {
  root: string;
  id: string;
  lang: Lang;
  /** In-transit items of earlier workspaces (order numbers), to see whether this one settles them. */
  earlierTransit: { key: string; outTradeNo: string; fromWorkspace: string }[];
}

export interface ReconcileJobProgress {
  phase: 'reading' | 'reconciling' | 'writing' | 'done';
  done: number;
  total: number;
}

export interface ReconcileJobResult {
  counts: Record<string, number>;
  settled: number;
  /** Files that changed since the workspace was made (their hash differs): reconciled as they are now. */
  changed: string[];
}

const RANK = new Map<string, number>(CATEGORIES.map((c, i) => [c, i]));

export async function runReconcileJob(input: ReconcileJobInput, onProgress: (p: ReconcileJobProgress) => void = () => undefined, signal?: AbortSignal): Promise<ReconcileJobResult> {
  // On a worker the job is stopped by ending the worker; run in process, it stops between phases.
  const stopIfCancelled = () => {
    if (signal?.aborted === true) throw new AppFailure('cancelled', '核对已取消，工作区保留取消前的结果');
  };
  const ws = Workspace.open(input.root, input.id);
  try {
    const inputs = ws.inputs();
    const bills = inputs.filter((f) => f.role === 'bill').map((f) => f.path);
    const ledgers = inputs.filter((f) => f.role === 'ledger').map((f) => f.path);
    let read = 0;
    onProgress({ phase: 'reading', done: 0, total: inputs.length });
    const { recon, hashes, imported } = await readAndReconcile({
      bills, ledgers, settings: ws.settings(), lang: input.lang, mapping: ws.meta<LedgerMapping | null>('mapping') ?? undefined, encodings: ws.meta<Record<string, TextEncoding> | null>('encodings') ?? {},
      onFileRead: () => onProgress({ phase: 'reading', done: ++read, total: inputs.length }),
    }).catch((e: unknown) => {
      // The user must learn which file, whether the job ran here or on a worker.
      if (e instanceof InputProblem) throw new AppFailure(e.kind === 'usage' ? 'import-failed' : 'io', e.path === '' ? e.message : `${basename(e.path)}：${e.message}`);
      throw e;
    });
    stopIfCancelled();
    ws.setInputRows(imported.map((f) => f.rows));
    onProgress({ phase: 'reconciling', done: 0, total: 1 });
    const live = await liveStatesFromJournal(Workspace.journalOf(input.root, input.id));
    const report = recon.finish(input.lang, live.size > 0 ? live : undefined);
    stopIfCancelled();
    onProgress({ phase: 'writing', done: 0, total: report.items.length });
    ws.saveResult(report, RANK, (done, total) => onProgress({ phase: 'writing', done, total }));
    if (ledgers.length === 0) ws.saveOrderKeys(recon.orderKeys());
    const now = await hashes;
    const changed = inputs.filter((f, k) => now[k]!.sha256 !== f.sha256).map((f) => f.path);
    // An earlier in-transit order that is in these inputs and not in transit here has settled.
    const keys = new Set(recon.orderKeys());
    const settled = input.earlierTransit.filter((t) => keys.has(t.outTradeNo) && ws.orderState(t.outTradeNo) !== 'transit').map((t) => ({ key: t.key, fromWorkspace: t.fromWorkspace }));
    ws.markSettled(settled);
    onProgress({ phase: 'done', done: 1, total: 1 });
    return { counts: report.summary.counts, settled: settled.length, changed };
  } finally {
    ws.close();
  }
}
