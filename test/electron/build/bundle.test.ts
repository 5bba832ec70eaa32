/**
 * The built app (`npm run build`): the preload bundle needs nothing but electron (a sandboxed
 * preload can require nothing else), and the main bundle's workers run from the build — a
 * workspace reconciled by out/main/reconcile-worker.js, which starts out/main/import-worker.js,
 * and its report written by out/main/export-worker.js.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Workspace } from '../../../electron/main/workspace/store.ts';
import { demoBillCsv, demoLedgerCsv } from '../../../electron/simulator/demo-data.ts';
import { ensureBuilt, OUT } from '../../helpers/build.ts';

beforeAll(() => ensureBuilt(), 120_000);

describe('the build', () => {
  it('bundles a preload that requires only electron', () => {
    const preload = readFileSync(join(OUT, 'preload', 'index.cjs'), 'utf8');
    expect([...new Set(preload.match(/require\("[^"]+"\)/g))]).toEqual(['require("electron")']);
    expect(preload).toContain('merchants:test-connection');
  });

  it('runs the built reconcile worker, which starts the built import workers', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wxrecon-built-'));
    try {
      writeFileSync(join(root, 'bill.csv'), demoBillCsv());
      writeFileSync(join(root, 'ledger.csv'), demoLedgerCsv());
      const inputs = [
        { role: 'bill' as const, path: join(root, 'bill.csv'), name: 'bill.csv', sha256: 'x', sizeBytes: 1, rows: 0 },
        { role: 'ledger' as const, path: join(root, 'ledger.csv'), name: 'ledger.csv', sha256: 'y', sizeBytes: 1, rows: 0 },
      ];
      Workspace.create(root, { id: 'built', name: 'built', merchantId: null, settings: { crossDayWindowMinutes: 30, amountToleranceFen: 0 }, inputs }).close();
      const result = await new Promise<{ type: string; result?: { counts: Record<string, number> }; error?: unknown }>((ok, bad) => {
        const w = new Worker(join(OUT, 'main', 'reconcile-worker.js'), { workerData: { root, id: 'built', lang: 'zh-CN', earlierTransit: [] } });
        w.on('message', (m: { type: string }) => {
          if (m.type !== 'progress') {
            ok(m as never);
            void w.terminate();
          }
        });
        w.once('error', bad);
      });
      expect(result.error).toBeUndefined();
      expect(result.result!.counts).toMatchObject({ 'amount-mismatch': 1, matched: 4 });
      const ws = Workspace.open(root, 'built');
      expect(ws.inputs().map((f) => f.rows)).toEqual([8, 10]);
      ws.close();
      // And the built report writer, with its small young generation.
      const exported = await new Promise<{ type: string; result?: { sizeBytes: number } }>((ok, bad) => {
        const w = new Worker(join(OUT, 'main', 'export-worker.js'), { workerData: { root, id: 'built', path: join(root, 'r.xlsx'), lang: 'zh-CN', generatedAtIso: '2026-11-27T01:00:00.000Z' }, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
        w.once('message', (m) => {
          ok(m as never);
          void w.terminate();
        });
        w.once('error', bad);
      });
      expect(exported.type).toBe('done');
      expect(exported.result!.sizeBytes).toBeGreaterThan(1000);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
