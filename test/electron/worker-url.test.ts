/** runWorker: a worker's job to its answer, its failure, its crash, or its cancellation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runWorker } from '../../electron/worker-url.ts';

let dir: string;
const worker = (name: string, code: string): URL => {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, `import { parentPort, workerData } from 'node:worker_threads';\n${code}`);
  return pathToFileURL(path);
};
const handlers = { failed: (e: { message: string; code: string | null }) => Object.assign(new Error(`failed: ${e.message}`), { code: e.code }), exited: (code: number) => new Error(`exited ${code}`) };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-worker-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runWorker', () => {
  it('passes progress on and resolves with the answer', async () => {
    const seen: number[] = [];
    const url = worker('done', `for (let i = 0; i < 3; i++) parentPort.postMessage({ type: 'progress', i });\nparentPort.postMessage({ type: 'done', result: workerData * 2 });`);
    await expect(runWorker<number, { i: number }>(url, { workerData: 21 }, { ...handlers, onMessage: (m) => seen.push(m.i) })).resolves.toBe(42);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('rejects with the worker\'s own failure, and with its exit when it ends without answering', async () => {
    await expect(runWorker(worker('error', `parentPort.postMessage({ type: 'error', error: { message: 'no such file', code: 'import-failed' } });`), {}, handlers)).rejects.toMatchObject({ message: 'failed: no such file', code: 'import-failed' });
    await expect(runWorker(worker('exit', `process.exit(3);`), {}, handlers)).rejects.toThrow('exited 3');
    await expect(runWorker(worker('throw', `throw new Error('boom');`), {}, handlers)).rejects.toThrow('boom');
  });

  it('cancelled: stops the worker, rejects with aborted(), and passes on nothing it had already sent', async () => {
    // A worker that floods progress and would answer after it: everything after the cancel is dropped.
    const url = worker('flood', `for (let i = 0; i < 10000; i++) parentPort.postMessage({ type: 'progress', i });\nparentPort.postMessage({ type: 'done', result: 'finished' });\nsetInterval(() => {}, 1000);`);
    const abort = new AbortController();
    const seen: number[] = [];
    const run = runWorker<string, { i: number }>(url, {}, {
      ...handlers,
      signal: abort.signal,
      aborted: () => Object.assign(new Error('cancelled'), { code: 'cancelled' }),
      onMessage: (m) => {
        seen.push(m.i);
        if (m.i === 0) abort.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([0]);
  });

  it('an already cancelled signal starts no worker', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(runWorker(worker('never', `parentPort.postMessage({ type: 'done', result: 1 });`), {}, { ...handlers, signal: abort.signal, aborted: () => new Error('cancelled before start') })).rejects.toThrow('cancelled before start');
  });
});
