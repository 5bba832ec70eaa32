#!/usr/bin/env node
// `npm start`: builds the app and starts it in Electron; with no merchant configured the app runs
// its built-in demo (the simulator as the merchant). Electron 42+ downloads its binary on first
// launch; where that cannot happen (an offline machine), the same demo runs on the command line.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;

const build = spawnSync(node, [fileURLToPath(new URL('../node_modules/electron-vite/bin/electron-vite.js', import.meta.url)), 'build', '--config', 'electron/electron.vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

function commandLineDemo(why) {
  process.stderr.write(
    `\n无法启动桌面应用：${why}。\n改为在命令行运行同样的演示 / running the same demo on the command line instead.\n\n`,
  );
  const demo = spawnSync(node, [fileURLToPath(new URL('./wxrecon.js', import.meta.url)), 'demo', '--lang', 'zh-CN'], { cwd: process.cwd(), stdio: 'inherit' });
  process.exit(demo.status ?? 1);
}

// Electron 42+ fetches its binary on first use; do that here, quietly, so an offline machine
// gets one plain sentence instead of a downloader's stack trace.
const electronDir = fileURLToPath(new URL('../node_modules/electron/', import.meta.url));
const binary = () => {
  try {
    return join(electronDir, 'dist', readFileSync(join(electronDir, 'path.txt'), 'utf8'));
  } catch {
    return null;
  }
};
let electronPath = binary();
if (process.env.ELECTRON_OVERRIDE_DIST_PATH === undefined && (electronPath === null || !existsSync(electronPath))) {
  process.stderr.write('正在下载 Electron（首次启动）/ downloading Electron (first launch) …\n');
  const got = spawnSync(node, [join(electronDir, 'install.js')], { stdio: 'pipe' });
  electronPath = got.status === 0 ? binary() : null;
  if (electronPath === null || !existsSync(electronPath)) commandLineDemo('Electron 的程序文件未能下载（本机离线？）/ the Electron binary could not be downloaded (offline?)');
}
if (process.env.ELECTRON_OVERRIDE_DIST_PATH !== undefined) electronPath = createRequire(import.meta.url)('electron');
if (electronPath !== undefined) {
  const app = spawn(electronPath, [root], { stdio: 'inherit' });
  app.once('error', (e) => commandLineDemo(e.message));
  app.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
