/**
 * Worker-thread entry: imports one file and posts the result back, moving (not copying) the
 * typed arrays of its columns. Started by import/parallel.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { importFile, type ImportFileOptions } from './read-file.ts';
import { transferablesOf } from './parallel.ts';

const { path, options } = workerData as { path: string; options: ImportFileOptions };
const result = await importFile(path, options);
parentPort!.postMessage(result, transferablesOf(result));
