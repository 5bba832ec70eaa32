#!/usr/bin/env node
// Entry point for `npx wxrecon`. The command line is TypeScript run directly by Node's type
// stripping (Node >= 22.18), so there is no build step to remember. On an older Node, re-run
// this script with the Node that the `node` dev dependency installed, if it is there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 18);

if (supported) {
  // Caches compiled modules (in the OS temp folder) so that repeated runs, such as a scheduled
  // daily reconciliation, do not strip and compile the TypeScript again: about 0.2 s per run.
  module.enableCompileCache?.();
  // A reader that stops early (`wxrecon … --json | head`) closes the pipe: stop quietly, as
  // Unix tools do, instead of dying with an unhandled EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e) => {
      if (e.code === 'EPIPE') process.exit();
      throw e;
    });
  }
  const { main } = await import('../electron/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} else {
  const bundled = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (existsSync(bundled) && !process.env.WXRECON_REEXEC) {
    const child = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, WXRECON_REEXEC: '1' },
    });
    process.exitCode = child.status ?? 3;
  } else {
    process.stderr.write(
      `wxrecon needs Node.js 22.18 or newer (this is ${process.version}); run \`npm install\` in the project first.\n`,
    );
    process.exitCode = 2;
  }
}
