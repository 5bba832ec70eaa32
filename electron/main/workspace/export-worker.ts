/**
 * Worker entry: writes a workspace's report (.xlsx) off the main thread. Started with a small
 * young generation (resourceLimits.maxYoungGenerationSizeMb), which cut the writer's peak memory
 * from 291 to 195 MiB for 100,000 items (DEVELOPERS.md).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { markBuiltEntry } from '../../worker-url.ts';
import { writeWorkspaceReport, type ExportJobInput } from './export-job.ts';

markBuiltEntry(import.meta.url);

writeWorkspaceReport(workerData as ExportJobInput).then(
  (result) => parentPort!.postMessage({ type: 'done', result }),
  (e: unknown) => parentPort!.postMessage({ type: 'error', error: { message: (e as Error).message, code: (e as { code?: string }).code ?? null } }),
);
