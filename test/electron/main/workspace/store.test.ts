/** The workspace database survives a kill at any moment: the last committed state, never half of one. */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Workspace } from '../../../../electron/main/workspace/store.ts';

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
