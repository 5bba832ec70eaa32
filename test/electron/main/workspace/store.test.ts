/** The workspace database survives a kill at any moment: the last committed state, never half of one. */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { Workspace } from '../../../../electron/main/workspace/store.ts';
import { CATEGORIES, type ReconcileItem, type ReconcileReport } from '../../../../shared/recon/types.ts';

const anItem = (i: number): ReconcileItem => ({
  category: 'amount-mismatch', outTradeNo: `A${i}`, transactionId: `42000000012026112600000000${i}`,
  bill: { amountFen: 1000 + i, settlementFen: 1000 + i, couponFen: 0, state: 'SUCCESS', paidAt: '2026-11-26 10:00:00', transactionId: null, refunds: [], refundFen: 0, file: '/d/bill.csv', line: i + 2 },
  ledger: { amountFen: 999 + i, state: 'paid', stateRaw: '已支付', paidAt: null, refundFen: null, transactionId: null, file: '/d/ledger.csv', line: i + 2 },
  live: null, explanation: `订单金额不符 ${i}`, explanations: { 'zh-CN': `订单金额不符 ${i}`, en: `Amounts differ ${i}` }, suggestedAction: 'correct-ledger-amount',
} as unknown as ReconcileItem);

describe('workspace store', () => {
  it.each([1, 2, 3])('a process killed (SIGKILL) while writing leaves the last committed result and decisions whole (run %i)', async (run) => {
    const root = mkdtempSync(join(tmpdir(), 'wxrecon-crash-'));
    try {
      Workspace.create(root, { id: 'w', name: 'crash', merchantId: null, settings: { crossDayWindowMinutes: 30, amountToleranceFen: 0 }, inputs: [] }).close();
      const count = 20_000;
      const child = spawn(process.execPath, [join(import.meta.dirname, '../../../helpers/workspace-crash-child.ts'), root, 'w', String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let committed = 0;
      const lines = createInterface({ input: child.stdout! });
      // Kill at a different point each run: after a few commits, mid-way through the next.
      const target = 1 + run;
      await new Promise<void>((resolve) => {
        lines.on('line', (l) => {
          committed = Number(l.split(' ')[1]);
          if (committed >= target) setTimeout(() => resolve(), 7 * run);
        });
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const ws = Workspace.open(root, 'w');
      try {
        const { total, rows } = ws.items({ offset: 0, limit: count, sort: 'category' });
        expect(total).toBe(count);
        const generations = new Set(rows.map((r) => r.explanation));
        expect(generations.size).toBe(1);
        const g = Number([...generations][0]!.split(' ')[1]);
        expect(g).toBeGreaterThanOrEqual(committed);
        // Decisions committed before the kill are there, with the result they were made on.
        const decided = rows.filter((r) => r.resolution !== null).map((r) => Number(r.resolution!.note.split(' ')[1]));
        expect(Math.max(...decided)).toBeGreaterThanOrEqual(committed);
        expect(ws.summary().counts).toEqual({ matched: g });
      } finally {
        ws.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('an item reads back whole, whether its stored detail leaves out what the columns hold (now) or not (older workspaces)', () => {
    const root = mkdtempSync(join(tmpdir(), 'wxrecon-detail-'));
    try {
      const items = [0, 1, 2].map(anItem);
      const ws = Workspace.create(root, { id: 'd', name: 'd', merchantId: null, settings: { crossDayWindowMinutes: 30, amountToleranceFen: 0 }, inputs: [] });
      ws.saveResult({ summary: { bill: { days: [] }, counts: {} }, items } as unknown as ReconcileReport, new Map(CATEGORIES.map((c, i) => [c, i])));
      ws.close();
      const stored = () => {
        const db = new DatabaseSync(Workspace.fileOf(root, 'd'));
        try {
          return db.prepare('SELECT detail FROM details ORDER BY seq').all().map((r) => JSON.parse(String(r.detail)) as Record<string, unknown>);
        } finally {
          db.close();
        }
      };
      expect(Object.keys(stored()[0]!)).not.toContain('explanation');
      const read = () => {
        const w = Workspace.open(root, 'd');
        try {
          return items.map((it) => w.item(it.outTradeNo!));
        } finally {
          w.close();
        }
      };
      expect(read()).toEqual(items);
      // As an older version wrote it: the whole item in the detail.
      const db = new DatabaseSync(Workspace.fileOf(root, 'd'));
      items.forEach((it, seq) => db.prepare('UPDATE details SET detail = ? WHERE seq = ?').run(JSON.stringify(it), seq));
      db.close();
      expect(read()).toEqual(items);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a worker ended in the middle of a write (a cancelled reconciliation) leaves no lock and none of its rows', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wxrecon-cancel-write-'));
    try {
      const ws = Workspace.create(root, { id: 'c', name: 'c', merchantId: null, settings: { crossDayWindowMinutes: 30, amountToleranceFen: 0 }, inputs: [] });
      ws.saveResult({ summary: { bill: { days: [] }, counts: {} }, items: [anItem(0)] } as unknown as ReconcileReport, new Map(CATEGORIES.map((c, i) => [c, i])));
      ws.close();
      // What a reconcile worker does while saving, as plain SQL: a write transaction left open.
      const script = join(root, 'writer.mjs');
      writeFileSync(script, `import { parentPort, workerData } from 'node:worker_threads';
import { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
const db = new DatabaseSync(workerData);
db.exec('PRAGMA journal_mode = WAL; BEGIN IMMEDIATE; DELETE FROM items; DELETE FROM details;');
parentPort.postMessage('writing');
for (let i = 0; ; i++) db.prepare('INSERT INTO details VALUES (?, ?)').run(1000 + i, 'x'.repeat(500));
`);
      const worker = new Worker(script, { workerData: Workspace.fileOf(root, 'c') });
      await new Promise((resolve) => worker.once('message', resolve));
      await worker.terminate();
      const w = Workspace.open(root, 'c');
      try {
        // Its deletes never happened, and the workspace takes a decision (a write) at once.
        expect(w.item('A0')).toEqual(anItem(0));
        expect(w.resolve(['A0'], { status: 'in-progress', decision: null, note: '', by: '张会计' })).toEqual({ updated: 1, locked: 0 });
      } finally {
        w.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a file that is not a workspace is named as not found, and does not hide the others in the list', () => {
    const root = mkdtempSync(join(tmpdir(), 'wxrecon-list-'));
    try {
      Workspace.create(root, { id: 'ok', name: 'ok', merchantId: null, settings: { crossDayWindowMinutes: 30, amountToleranceFen: 0 }, inputs: [] }).close();
      writeFileSync(join(root, 'junk.wxrecon.sqlite'), 'not a database at all');
      expect(Workspace.list(root).map((w) => w.id)).toEqual(['ok']);
      expect(() => Workspace.open(root, 'junk')).toThrow(expect.objectContaining({ code: 'not-found' }));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
