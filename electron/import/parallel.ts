/**
 * Imports several files at once, one worker thread each (up to the machine's cores), so that a
 * 265 MB bill and a ledger of the same size parse side by side instead of one after the other.
 * A single file is imported on the calling thread: a worker would only add its start-up.
 */
import { availableParallelism } from 'node:os';
import { importFile, type FileImport, type ImportFileOptions } from './read-file.ts';
import { runWorker, workerUrl } from '../worker-url.ts';
import type { BillColumns } from '../../shared/import/columns.ts';
import type { BillType } from '../../shared/import/types.ts';

export interface ImportJob {
  path: string;
  options: ImportFileOptions;
  /** A trade bill read on a worker also comes in parts of about this many rows (see importEach). */
  batchRows?: number;
}

/** Receives a part of job k's trade-bill columns while the file is still being read. */
export type BatchListener = (columns: BillColumns, billType: BillType) => void;

/** The buffers behind columns (typed arrays, and the id columns' arenas one level down). */
export function columnBuffers(columns: object): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const value of Object.values(columns)) {
    const parts: unknown[] = ArrayBuffer.isView(value) ? [value] : value !== null && typeof value === 'object' ? Object.values(value) : [];
    for (const part of parts) {
      if (ArrayBuffer.isView(part) && part.buffer instanceof ArrayBuffer) buffers.add(part.buffer);
    }
  }
  return [...buffers];
}

/** The buffers behind a result's columns: handed over to the receiving thread without a copy. */
export function transferablesOf(result: FileImport): ArrayBuffer[] {
  return [result.tradeColumns, result.ledgerColumns].flatMap((c) => (c === undefined ? [] : columnBuffers(c)));
}

/** One file read on its own thread (the app: a big file never blocks the main process). */
export function importInWorker(job: ImportJob, onBatch?: BatchListener): Promise<FileImport> {
  return runWorker<FileImport, { type: 'batch'; columns: BillColumns; billType: BillType }>(
    workerUrl(new URL('./import-worker.ts', import.meta.url), 'import-worker'),
    { workerData: { path: job.path, options: job.options, ...(onBatch !== undefined && job.batchRows !== undefined ? { batchRows: job.batchRows } : {}) } },
    { onMessage: (m) => onBatch?.(m.columns, m.billType), exited: (code) => new Error(`import worker for ${job.path} exited with code ${code}`) },
  );
}

/**
 * One promise per job, in the order of `jobs`, each settling as soon as its file is read, so a
 * caller can start on the first file while others are still being parsed. At most `threads`
 * workers run at once (default: the number of cores); a single job runs on the calling thread
 * (and then comes whole, never in parts). With `onBatch`, a job with `batchRows` that turns out
 * to be a trade bill also hands over its columns in parts as it is read; the promise's result
 * then holds only the rows not handed over (its `rows` and totals still count the whole file).
 */
export function importEach(jobs: readonly ImportJob[], threads = availableParallelism(), onBatch?: (job: number, columns: BillColumns, billType: BillType) => void): Promise<FileImport>[] {
  if (jobs.length <= 1 || threads <= 1) {
    let chain: Promise<unknown> = Promise.resolve();
    return jobs.map((job) => {
      const p = chain.then(() => importFile(job.path, job.options));
      chain = p.catch(() => undefined);
      return p;
    });
  }
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async (): Promise<void> => {
    if (running < threads) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next !== undefined) next();
    else running--;
  };
  return jobs.map(async (job, k) => {
    await slot();
    try {
      return await importInWorker(job, onBatch === undefined ? undefined : (columns, billType) => onBatch(k, columns, billType));
    } finally {
      release();
    }
  });
}
