/**
 * Worker-thread entry: imports one file and posts the result back, moving (not copying) the
 * typed arrays of its columns. Started by import/parallel.ts.
 */
import module from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { ImportFileOptions } from './read-file.ts';

// Each worker is a fresh Node instance: with the compile cache on, it reuses the stripped and
// compiled modules of earlier runs instead of transpiling the importers again (~0.2 s).
module.enableCompileCache?.();
const { importFile } = await import('./read-file.ts');
const { transferablesOf } = await import('./parallel.ts');

const { path, options } = workerData as { path: string; options: ImportFileOptions };
const result = await importFile(path, options);
parentPort!.postMessage(result, transferablesOf(result));
