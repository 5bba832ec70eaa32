/**
 * Worker-thread entry: imports one file and posts the result back, moving (not copying) the
 * typed arrays of its columns. With `batchRows`, a trade bill's columns also come in parts while
 * the file is read ({ type: 'batch' }), before the result ({ type: 'done' }). Started by
 * import/parallel.ts.
 */
import module from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { markBuiltEntry } from '../worker-url.ts';
import type { ImportFileOptions } from './read-file.ts';
import type { BillColumns } from '../../shared/import/columns.ts';
import type { BillType } from '../../shared/import/types.ts';

markBuiltEntry(import.meta.url);

// Each worker is a fresh Node instance: with the compile cache on, it reuses the stripped and
// compiled modules of earlier runs instead of transpiling the importers again (~0.2 s).
module.enableCompileCache?.();
const { importFile } = await import('./read-file.ts');
const { columnBuffers, transferablesOf } = await import('./parallel.ts');

const { path, options, batchRows } = workerData as { path: string; options: ImportFileOptions; batchRows?: number };
const result = await importFile(path, {
  ...options,
  ...(batchRows !== undefined
    ? { billBatches: { rows: batchRows, onBatch: (columns: BillColumns, billType: BillType) => parentPort!.postMessage({ type: 'batch', columns, billType }, columnBuffers(columns)) } }
    : {}),
});
parentPort!.postMessage({ type: 'done', result }, transferablesOf(result));
