/** Worker entry: runs one reconcile job and reports progress and the outcome to the main thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { runReconcileJob, type ReconcileJobInput } from './reconcile-job.ts';
import { markBuiltEntry } from '../../worker-url.ts';

markBuiltEntry(import.meta.url);

runReconcileJob(workerData as ReconcileJobInput, (p) => parentPort!.postMessage({ type: 'progress', progress: p })).then(
  (result) => parentPort!.postMessage({ type: 'done', result }),
  (e: unknown) => parentPort!.postMessage({ type: 'error', error: { name: (e as Error).name, message: (e as Error).message, code: (e as { code?: string }).code ?? null, kind: (e as { kind?: string }).kind ?? null } }),
);
