/**
 * The loopback bridge in a real browser: a page in Debian Chromium calls the real main-process
 * handlers through `window.wxrecon` (the preload's API, same gate), receives their events, and
 * cannot reach them without the session's token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startLoopbackBridge, type LoopbackBridge } from '../../../electron/dev/loopback-bridge.ts';
import { createMainServices, type MainServices } from '../../../electron/main/handlers.ts';
import { runReconcileJob } from '../../../electron/main/workspace/reconcile-job.ts';
import { fakeSafeStorage, memoryStore } from '../../helpers/fake-electron.ts';
import { launchChromium, SKIP_BROWSER } from '../../helpers/browser.ts';

let dir: string;
let services: MainServices;
let bridge: LoopbackBridge;
let browser: Browser;

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-bridge-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(renderer);
  // A stand-in renderer: the strict CSP forbids inline scripts, so the page's script is a file.
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>对账台</title><script src="/app.js"></script></head><body><h1>微信支付对账台</h1></body></html>');
  writeFileSync(join(renderer, 'app.js'), 'window.appLoaded = typeof window.wxrecon === "object";');
  services = createMainServices({ userDataDir: join(dir, 'user'), store: memoryStore(), safeStorage: fakeSafeStorage(), platform: 'linux', version: '0.1.0', isPackaged: false, lang: () => 'zh-CN', runJob: runReconcileJob });
  bridge = await startLoopbackBridge({ handlers: services.handlers, rendererDir: renderer });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  if (SKIP_BROWSER) return;
  await browser?.close();
  await bridge?.close();
  await services?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(SKIP_BROWSER)('the loopback bridge in Chromium', () => {
  it('gives the page the preload\'s API, backed by the real handlers, with their events', async () => {
    const page = await browser.newPage();
    await page.addInitScript(bridge.script);
    await page.goto(`${bridge.url}/`);
    expect(await page.evaluate(() => (globalThis as unknown as { appLoaded: boolean }).appLoaded)).toBe(true);
    const result = await page.evaluate(async () => {
      const api = (globalThis as unknown as { wxrecon: Record<string, (r?: unknown) => Promise<{ ok: boolean; value?: any; error?: any }>> & { on: (e: string, l: (p: any) => void) => () => void } }).wxrecon;
      const phases: string[] = [];
      api.on('workspaces:progressed', (p) => phases.push(p.phase));
      const info = await api['app:info']!();
      const demo = await api['demo:start']!();
      const ws = await api['workspaces:create']!({ name: '演示', merchantId: 'demo', bills: demo.value.bills, ledgers: demo.value.ledgers });
      const done = await api['workspaces:reconcile']!({ id: ws.value.id });
      const bad = await api['merchants:save']!({ name: 'x', mchid: 'not-digits' });
      // Events arrive over the stream; give the last one a moment.
      for (let i = 0; i < 50 && !phases.includes('done'); i++) await new Promise((r) => setTimeout(r, 20));
      return { info: info.value, openCount: done.value.openCount, bad: bad.error, phases, frozen: Object.isFrozen(api) };
    });
    expect(result.info).toMatchObject({ lang: 'zh-CN', vault: { protection: 'os' } });
    expect(result.openCount).toBe(7);
    expect(result.bad).toMatchObject({ code: 'invalid-request', detail: { field: 'mchid' } });
    expect(result.phases).toContain('done');
    expect(result.frozen).toBe(true);
    await page.close();
  });

  it('refuses calls without the session token, from another origin, and on channels not in the contract', async () => {
    const page = await browser.newPage();
    await page.addInitScript(bridge.script);
    await page.goto(`${bridge.url}/`);
    const statuses = await page.evaluate(async (token) => {
      const post = (path: string, headers: Record<string, string>) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
      const noToken = (await post('/__ipc/vault:status', {})).status;
      const unknown = await (await post('/__ipc/shell:openExternal', { 'x-bridge-token': token })).json();
      return { noToken, unknown };
    }, bridge.token);
    expect(statuses.noToken).toBe(403);
    expect(statuses.unknown).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    // A page of another origin (another local port) with the token still gets nothing.
    const res = await fetch(`${bridge.url}/__ipc/vault:status`, { method: 'POST', headers: { origin: 'http://127.0.0.1:1', 'x-bridge-token': bridge.token }, body: '{}' });
    expect(res.status).toBe(403);
    // Files outside the renderer are not served, however the path is spelled (a route the
    // client normalises to /etc/passwd gets the app's index page, as any unknown route does).
    for (const path of ['/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/app.js%00.html', '/..%5c..%5cetc%5cpasswd']) {
      const r = await fetch(`${bridge.url}${path}`);
      expect(await r.text(), path).not.toContain('root:');
    }
    expect((await fetch(`${bridge.url}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    await page.close();
  });
});

