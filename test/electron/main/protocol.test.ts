/**
 * Serving the renderer from app://wxrecon: the URL → file mapping against traversal attempts, the
 * single-page fallback, and the handler itself answering real files from a temporary folder with the
 * security headers (through a fake `protocol.handle` that captures the handler).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APP_SCHEME_PRIVILEGES, contentTypeFor, registerAppProtocol, resolveAppPath, type ProtocolLike } from '../../../electron/main/protocol.ts';
import { CSP } from '../../../electron/main/security.ts';

const ROOT = path.resolve('/srv/wxrecon/renderer');

describe('resolveAppPath', () => {
  it.each([
    ['app://wxrecon/', 'index.html'],
    ['app://wxrecon', 'index.html'],
    ['app://wxrecon/index.html', 'index.html'],
    ['app://wxrecon/assets/index-4f3a9c.js', 'assets/index-4f3a9c.js'],
    ['app://wxrecon/assets/index-4f3a9c.js?v=1#x', 'assets/index-4f3a9c.js'],
    ['app://wxrecon/assets/%E5%9B%BE%E6%A0%87.svg', 'assets/图标.svg'],
    ['app://wxrecon/assets/a%20b.png', 'assets/a b.png'],
  ])('maps %s to %s', (url, file) => {
    expect(resolveAppPath(ROOT, url)).toBe(path.join(ROOT, file));
  });

  it.each(['app://wxrecon/workspaces', 'app://wxrecon/workspaces/42/items', 'app://wxrecon/settings/', 'app://wxrecon/#/workspaces/42', 'app://wxrecon/assets/'])(
    'answers the client-side route %s with index.html',
    (url) => expect(resolveAppPath(ROOT, url)).toBe(path.join(ROOT, 'index.html')),
  );

  it.each([
    'app://wxrecon/..%2f..%2fetc/passwd',
    'app://wxrecon/..%2F..%2Fetc%2Fpasswd',
    'app://wxrecon/../../etc/passwd',
    'app://wxrecon/assets/../../../etc/passwd',
    'app://wxrecon/%2e%2e/%2e%2e/etc/passwd',
    'app://wxrecon/%2E%2E/secret.txt',
    'app://wxrecon/.%2e/secret.txt',
    'app://wxrecon/%252e%252e/%252e%252e/etc/passwd',
    'app://wxrecon/%252e%252e%252fetc%252fpasswd',
    'app://wxrecon/..\\..\\etc\\passwd',
    'app://wxrecon/..%5c..%5cwindows%5cwin.ini',
    'app://wxrecon/assets%5c..%5c..%5csecret.txt',
    'app://wxrecon/index.html%00.png',
    'app://wxrecon/index%00',
    'app://wxrecon//etc/passwd',
    'app://wxrecon/%2fetc%2fpasswd',
    'app://wxrecon/C:/Windows/win.ini',
    'app://wxrecon/C%3a%5cWindows%5cwin.ini',
    'app://wxrecon/index.html::$DATA',
    'app://wxrecon/.env',
    'app://wxrecon/assets/.git/config',
    'app://wxrecon/%ff%fe.js',
    'app://wxrecon/%E5%9B.js',
    'app://wxrecon.evil/index.html',
    'app://evil/index.html',
    'app://wxrecon@evil/index.html',
    'app://evil@wxrecon/index.html',
    'app://wxrecon:80/index.html',
    'file:///etc/passwd',
    'http://wxrecon/index.html',
    'app://wxrecon/in\tdex.html',
    'not a url',
    '',
  ])('refuses %j', (url) => {
    expect(resolveAppPath(ROOT, url)).toBeNull();
  });

  it('never names a file outside the root, for any path built from hostile pieces', () => {
    const pieces = ['..', '.', '%2e', '%2E', '%252e', '%2f', '%5c', '\\', '/', '%00', 'a', 'b.js', 'index.html', '%25', ':', 'C:', '%c0%ae'];
    const root = path.resolve(ROOT) + path.sep;
    let checked = 0;
    for (const a of pieces) for (const b of pieces) for (const c of pieces) {
      const resolved = resolveAppPath(ROOT, `app://wxrecon/${a}${b}/${c}`);
      if (resolved !== null) expect(resolved.startsWith(root), `${a}${b}/${c} → ${resolved}`).toBe(true);
      checked++;
    }
    expect(checked).toBe(pieces.length ** 3);
  });
});

describe('contentTypeFor', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a.js', 'text/javascript; charset=utf-8'],
    ['a.css', 'text/css; charset=utf-8'],
    ['a.json', 'application/json; charset=utf-8'],
    ['a.svg', 'image/svg+xml'],
    ['a.png', 'image/png'],
    ['a.woff2', 'font/woff2'],
    ['favicon.ico', 'image/x-icon'],
    ['a.js.map', 'application/json; charset=utf-8'],
    ['A.PNG', 'image/png'],
    ['a.exe', 'application/octet-stream'],
    ['noext', 'application/octet-stream'],
  ])('%s is %s', (file, type) => expect(contentTypeFor(file)).toBe(type));
});

describe('APP_SCHEME_PRIVILEGES', () => {
  it('makes app: a standard, secure scheme that does not bypass the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app');
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true, supportFetchAPI: true, bypassCSP: false, corsEnabled: false });
  });
});

describe('registerAppProtocol', () => {
  let dir: string;
  let handler: (request: Request) => Response | Promise<Response>;
  const handled: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wxrecon-protocol-'));
    const root = path.join(dir, 'renderer');
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>对账</title>');
    writeFileSync(path.join(root, 'assets', 'index-1.js'), 'console.log(1)');
    mkdirSync(path.join(root, 'assets', 'dir.js'));
    // A file beside the root that a traversal would reach.
    writeFileSync(path.join(dir, 'secret.txt'), 'merchant key');
    const protocol: ProtocolLike = {
      handle: (scheme, h) => {
        handled.push(scheme);
        handler = h;
      },
    };
    registerAppProtocol(protocol, root);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('registers the app scheme', () => {
    expect(handled).toEqual(['app']);
  });

  it('serves index.html with its type, the CSP and nosniff', async () => {
    const response = await handler(new Request('app://wxrecon/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('<!doctype html><title>对账</title>');
  });

  it('serves a script with its type', async () => {
    const response = await handler(new Request('app://wxrecon/assets/index-1.js'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('answers a client-side route with the page', async () => {
    const response = await handler(new Request('app://wxrecon/workspaces/42'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('对账');
  });

  it.each(['app://wxrecon/assets/missing.js', 'app://wxrecon/assets/dir.js', 'app://wxrecon/..%2fsecret.txt', 'app://wxrecon/%252e%252e/secret.txt', 'app://wxrecon.evil/index.html'])(
    'answers %s with 404 and the same headers',
    async (url) => {
      const response = await handler(new Request(url));
      expect(response.status).toBe(404);
      expect(response.headers.get('content-security-policy')).toBe(CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).not.toContain('merchant key');
    },
  );

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await handler(new Request('app://wxrecon/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await handler(new Request('app://wxrecon/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
  });
});
