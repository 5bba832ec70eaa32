/**
 * Test-only: the renderer in a real browser (Debian Chromium, driven by playwright-core) against
 * the real main-process handlers, over a loopback bridge. A server on 127.0.0.1 serves the built
 * renderer, answers `POST /__ipc/<channel>` through the same gate as ipcMain (createDispatch), and
 * streams events over server-sent events; `bridgeScript()` is injected before the page's own
 * scripts (Playwright's addInitScript) and defines `window.wxrecon` exactly as the preload does —
 * one method per channel, `on()` for the known events. Never part of the packaged app: Electron
 * has no loopback port open. Calls must carry the session's token and come from the bridge's own
 * origin, so no other local page or process can drive the handlers.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHANNELS, EVENTS } from '../../shared/ipc/contract.ts';
import { createDispatch, type Handlers } from '../main/ipc/register.ts';
import { APP_ORIGIN, CSP } from '../main/security.ts';
import { contentTypeFor, resolveAppPath } from '../main/protocol.ts';
import { readBody } from '../simulator/server.ts';

export interface LoopbackBridge {
  url: string;
  token: string;
  /** The script that defines window.wxrecon in the page (pass it to page.addInitScript). */
  script: string;
  /** Every reply and event that crossed the bridge, as JSON (for tests that scan the traffic). */
  traffic: string[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 << 20;

/** The page-side half: what the preload exposes, over fetch and EventSource instead of ipcRenderer. */
export function bridgeScript(token: string): string {
  return `(() => {
  const token = ${JSON.stringify(token)};
  const channels = ${JSON.stringify(CHANNELS)};
  const known = new Set(${JSON.stringify(EVENTS)});
  const listeners = new Map();
  let source = null;
  const connect = () => {
    if (source !== null) return;
    source = new EventSource('/__events?token=' + encodeURIComponent(token));
    source.onmessage = (m) => {
      const { event, payload } = JSON.parse(m.data);
      for (const l of listeners.get(event) ?? []) l(payload);
    };
  };
  const api = {};
  for (const channel of channels) {
    api[channel] = async (request) => {
      const res = await fetch('/__ipc/' + encodeURIComponent(channel), { method: 'POST', headers: { 'content-type': 'application/json', 'x-bridge-token': token }, body: JSON.stringify(request ?? {}) });
      return res.json();
    };
  }
  api.on = (event, listener) => {
    if (!known.has(event)) throw new Error('unknown event: ' + event);
    connect();
    const set = listeners.get(event) ?? new Set();
    set.add(listener);
    listeners.set(event, set);
    return () => set.delete(listener);
  };
  // A browser never tells a page where a dropped file lives; tests give their File objects a
  // \`path\` (as Electron's File once had) where the preload asks webUtils.getPathForFile.
  api.pathForFile = (file) => (file !== null && typeof file === 'object' && typeof file.path === 'string' ? file.path : '');
  Object.defineProperty(window, 'wxrecon', { value: Object.freeze(api), writable: false, configurable: false });
})();`;
}

export async function startLoopbackBridge(o: { handlers: Handlers; rendererDir?: string; port?: number; log?: (line: string) => void }): Promise<LoopbackBridge> {
  const token = randomBytes(24).toString('hex');
  const clients = new Set<ServerResponse>();
  const traffic: string[] = [];
  // The page stands in for the app's own window: its calls are those of the top frame at app://.
  const dispatch = createDispatch(o.handlers, { isTrustedUrl: (u) => u === `${APP_ORIGIN}/index.html`, ...(o.log ? { log: o.log } : {}) });
  const emit = (event: string, payload: unknown) => {
    const data = JSON.stringify({ event, payload });
    traffic.push(data);
    for (const c of clients) c.write(`data: ${data}\n\n`);
  };
  let origin = '';
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname.startsWith('/__ipc/')) {
      // Same origin and the session's token, or nothing.
      if (req.method !== 'POST' || req.headers['x-bridge-token'] !== token || (req.headers.origin !== undefined && req.headers.origin !== origin)) {
        res.writeHead(403).end();
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(await readBody(req, MAX_BODY_BYTES));
      } catch {
        payload = Symbol('malformed');
      }
      const channel = decodeURIComponent(url.pathname.slice('/__ipc/'.length));
      const result = await dispatch(channel, { url: `${APP_ORIGIN}/index.html`, parent: null }, typeof payload === 'symbol' ? '' : payload, emit);
      const text = JSON.stringify(result);
      traffic.push(text);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(text);
      return;
    }
    if (url.pathname === '/__events') {
      if (url.searchParams.get('token') !== token) {
        res.writeHead(403).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(':\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const file = o.rendererDir === undefined ? null : resolveAppPath(o.rendererDir, `${APP_ORIGIN}${url.pathname}`);
    if (file === null) {
      res.writeHead(404).end();
      return;
    }
    try {
      const bytes = await readFile(file);
      res.writeHead(200, { 'content-type': contentTypeFor(file), 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' }).end(bytes);
    } catch {
      res.writeHead(404).end();
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      o.log?.(`bridge: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    token,
    script: bridgeScript(token),
    traffic,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
