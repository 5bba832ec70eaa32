/**
 * Workers, from source and from the build. Where a worker's module is. From source (tests, the CLI) it is the `.ts` file beside its caller;
 * in the built app every worker is its own bundled entry beside the main entry, and a shared chunk
 * calling it sits elsewhere, so the built entries say where they are (`markBuiltEntry`).
 */
import { dirname, join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';

const KEY = '__wxreconEntryDir';

/** Called at the top of each entry: in a built bundle (a `.js` file) it records the entries' folder. */
export function markBuiltEntry(entryUrl: string): void {
  if (entryUrl.endsWith('.js')) (globalThis as Record<string, unknown>)[KEY] = dirname(fileURLToPath(entryUrl));
}

/** The worker: `sourceUrl` from source, `<entries>/<builtName>.js` in the built app. */
export function workerUrl(sourceUrl: URL, builtName: string): URL {
  const dir = (globalThis as Record<string, unknown>)[KEY];
  return typeof dir === 'string' ? pathToFileURL(join(dir, `${builtName}.js`)) : sourceUrl;
}

/** What a worker reports when it fails in its own code (not a crash). */
export interface WorkerFailure {
  message: string;
  code: string | null;
  kind?: string | null;
}

/**
 * A worker's job to its end: `{ type: 'done', result }` resolves, `{ type: 'error', error }` rejects
 * with `failed(error)`, any other message goes to `onMessage`; a crash rejects with it, and an exit
 * without an answer with `exited(code)`, and `signal` stops it (rejecting with `aborted()`). The
 * worker is ended once it has answered.
 */
export function runWorker<R, M = never>(
  url: URL,
  options: WorkerOptions,
  handlers: { onMessage?: (m: M) => void; failed?: (e: WorkerFailure) => Error; exited: (code: number) => Error; signal?: AbortSignal; aborted?: () => Error },
): Promise<R> {
  return new Promise((resolve, reject) => {
    if (handlers.signal?.aborted === true) return reject(handlers.aborted?.() ?? new Error('cancelled'));
    const worker = new Worker(url, options);
    let settled = false;
    // Cancelled: the worker (and the workers it started) is stopped where it is. What it wrote in an
    // open transaction is never committed, so a database it was writing keeps its last result.
    const abort = () => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(handlers.aborted?.() ?? new Error('cancelled'));
    };
    handlers.signal?.addEventListener('abort', abort, { once: true });
    worker.once('exit', () => handlers.signal?.removeEventListener('abort', abort));
    worker.on('message', (m: { type: 'done'; result: R } | { type: 'error'; error: WorkerFailure } | ({ type: string } & M)) => {
      // Once answered or cancelled, what the worker had already sent (its progress) is not passed on.
      if (settled) return;
      if (m.type !== 'done' && m.type !== 'error') return handlers.onMessage?.(m as M);
      settled = true;
      if (m.type === 'done') resolve((m as { result: R }).result);
      else {
        const e = (m as { error: WorkerFailure }).error;
        reject(handlers.failed?.(e) ?? new Error(e.message));
      }
      void worker.terminate();
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(handlers.exited(code));
    });
  });
}
