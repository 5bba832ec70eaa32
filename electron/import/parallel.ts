/**
 * Imports several files at once, one worker thread each (up to the machine's cores), so that a
 * 265 MB bill and a ledger of the same size parse side by side instead of one after the other.
 * A single file is imported on the calling thread: a worker would only add its start-up.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { importFile, type FileImport, type ImportFileOptions } from './read-file.ts';

export interface ImportJob {
  path: string;
  options: ImportFileOptions;
}

/** The buffers behind a result's columns: handed over to the receiving thread without a copy. */
export function transferablesOf(result: FileImport): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const columns of [result.tradeColumns, result.ledgerColumns]) {
    if (columns === undefined) continue;
    for (const value of Object.values(columns)) {
      // Typed arrays, and the id columns' arenas one level down.
      const parts: unknown[] = ArrayBuffer.isView(value) ? [value] : value !== null && typeof value === 'object' ? Object.values(value) : [];
      for (const part of parts) {
        if (ArrayBuffer.isView(part) && part.buffer instanceof ArrayBuffer) buffers.add(part.buffer);
      }
    }
  }
  return [...buffers];
}

function importInWorker(job: ImportJob): Promise<FileImport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./import-worker.ts', import.meta.url), { workerData: job });
    let settled = false;
    worker.once('message', (result: FileImport) => {
      settled = true;
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`import worker for ${job.path} exited with code ${code}`));
    });
  });
}

/**
 * One promise per job, in the order of `jobs`, each settling as soon as its file is read, so a
 * caller can start on the first file while others are still being parsed. At most `threads`
 * workers run at once (default: the number of cores); a single job runs on the calling thread.
 */
export function importEach(jobs: readonly ImportJob[], threads = availableParallelism()): Promise<FileImport>[] {
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
  return jobs.map(async (job) => {
    await slot();
    try {
      return await importInWorker(job);
    } finally {
      release();
    }
  });
}

/** Results in the order of `jobs`, once all are read. */
export async function importFiles(jobs: readonly ImportJob[], threads = availableParallelism()): Promise<FileImport[]> {
  return Promise.all(importEach(jobs, threads));
}
