/**
 * The main process's log, in the user's log folder (Electron's `app.getPath('logs')`). Every line
 * passes through the redaction that cuts keys, signatures, Authorization headers and openids, and
 * the file is kept small (rolled over at a megabyte) so a long-running desk does not fill a disk.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '../log/redact.ts';

const MAX_LOG_BYTES = 1 << 20;

export function createLogger(dir: string, secrets: () => readonly (string | null | undefined)[] = () => [], now: () => Date = () => new Date()): (line: string) => void {
  const file = join(dir, 'main.log');
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    // No log folder: logging quietly does nothing rather than stopping the app.
  }
  return (line: string) => {
    try {
      if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
      appendFileSync(file, `${now().toISOString()} ${redact(line, secrets()).replace(/\r?\n/g, '\n    ')}\n`);
    } catch {
      // Same: a full disk must not take the app down with it.
    }
  };
}
