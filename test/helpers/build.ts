/**
 * The built app for the tests that need it. `npm test` builds first (its pretest); a test run
 * started otherwise builds here when there is no build, once, however many test files ask at once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const OUT = join(ROOT, 'out');

const built = () => existsSync(join(OUT, 'main', 'reconcile-worker.js')) && existsSync(join(OUT, 'preload', 'index.cjs')) && existsSync(join(OUT, 'renderer', 'index.html'));

export async function ensureBuilt(): Promise<void> {
  if (built()) return;
  const lock = join(ROOT, '.build-lock');
  try {
    mkdirSync(lock);
  } catch {
    // Another test file is building: wait for it.
    for (let i = 0; i < 600 && existsSync(lock); i++) await new Promise((r) => setTimeout(r, 200));
    if (built()) return;
    throw new Error('the build another test started did not finish');
  }
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--config', 'electron/electron.vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'ignore' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
