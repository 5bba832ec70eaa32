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
      if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) buffers.add(value.buffer);
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

/** Results in the order of `jobs`. `threads` defaults to the number of cores. */
export async function importFiles(jobs: readonly ImportJob[], threads = availableParallelism()): Promise<FileImport[]> {
  if (jobs.length <= 1 || threads <= 1) {
    const results: FileImport[] = [];
    for (const job of jobs) results.push(await importFile(job.path, job.options));
    return results;
  }
  const results = new Array<FileImport>(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const k = next++;
      results[k] = await importInWorker(jobs[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(threads, jobs.length) }, lane));
  return results;
}
