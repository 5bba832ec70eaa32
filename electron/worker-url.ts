/**
 * Where a worker's module is. From source (tests, the CLI) it is the `.ts` file beside its caller;
 * in the built app every worker is its own bundled entry beside the main entry, and a shared chunk
 * calling it sits elsewhere, so the built entries say where they are (`markBuiltEntry`).
 */
import { dirname, join } from 'node:path';
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
