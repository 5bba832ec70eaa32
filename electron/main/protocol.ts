/**
 * Serves the built renderer from `app://wxrecon/…` instead of file:// (checklist item 18): a file://
 * page may read any other file:// URL, while this origin reaches exactly the files under the
 * renderer's build folder. Mapping a URL to a file is pure (resolveAppPath) and refuses anything that
 * could climb out of that folder; registerAppProtocol only reads the file and sets headers.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CustomScheme } from 'electron';
import { CSP } from './security.ts';

export const APP_SCHEME = 'app';
const APP_HOST = 'wxrecon';

/**
 * For `protocol.registerSchemesAsPrivileged`, before `ready`. `standard` gives the scheme a real
 * origin (relative URLs, localStorage), `secure` lets it use APIs limited to secure contexts,
 * `supportFetchAPI` lets the page fetch its own assets. Left off: `bypassCSP` (the CSP must apply),
 * `corsEnabled` (the page never reads another origin), service workers and streaming.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    // V8 keeps compiled bundles between starts; the bundles only change with an update.
    codeCache: true,
    bypassCSP: false,
    corsEnabled: false,
    allowServiceWorkers: false,
    stream: false,
  },
} as const satisfies CustomScheme;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type for a file by its extension; unknown files are opaque bytes (with nosniff). */
export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

// Chromium canonicalises URLs before they reach the handler, so these only arrive in forged ones.
const FORBIDDEN_RAW = /[\u0000-\u0020\u007f\\]/;
// The WHATWG parser folds `..`, `%2e%2e` and `.%2e` segments away before we see the path; look at
// the raw text too, so a climbing attempt is refused rather than silently rewritten.
const RAW_DOT_SEGMENT = /\/(?:\.|%2e)/i;
// After one decoding: `%` means double encoding, `:` a Windows drive or alternate data stream.
const FORBIDDEN_DECODED = /[\u0000-\u001f\u007f\\%:]/;

/**
 * The file under rootDir that `requestUrl` names, or null when the URL is not ours or tries to
 * leave rootDir. `/` and extension-less paths (client-side routes) give index.html. Percent-encoding
 * is decoded once; segments starting with a dot (`.`, `..`, dot files) and empty segments are refused.
 */
export function resolveAppPath(rootDir: string, requestUrl: string): string | null {
  if (typeof requestUrl !== 'string' || FORBIDDEN_RAW.test(requestUrl)) return null;
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username !== '' || url.password !== '') return null;
  const afterHost = requestUrl.slice(requestUrl.indexOf(APP_HOST) + APP_HOST.length).split(/[?#]/, 1)[0] ?? '';
  if (RAW_DOT_SEGMENT.test(afterHost)) return null;

  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (decoded === '') decoded = '/';
  if (!decoded.startsWith('/') || FORBIDDEN_DECODED.test(decoded)) return null;

  const segments = decoded.slice(1).split('/');
  const last = segments.pop() ?? '';
  if (segments.some((s) => s === '' || s.startsWith('.')) || last.startsWith('.')) return null;
  // Client-side routes have no extension; they all start from the one page.
  const relative = last === '' || !last.includes('.') ? ['index.html'] : [...segments, last];

  const root = path.resolve(rootDir);
  const resolved = path.resolve(root, ...relative);
  const fromRoot = path.relative(root, resolved);
  if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return null;
  return resolved;
}

/** Headers every response of ours carries. */
function baseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
  };
}

function notFound(): Response {
  return new Response('Not Found', { status: 404, headers: baseHeaders('text/plain; charset=utf-8') });
}

/** Electron's `protocol`, reduced to what registration uses (tests pass a fake). */
export interface ProtocolLike {
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Answers `app://wxrecon/…` from the files under rootDir (the built renderer). */
export function registerAppProtocol(protocol: ProtocolLike, rootDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { ...baseHeaders('text/plain; charset=utf-8'), Allow: 'GET, HEAD' } });
    }
    const filePath = resolveAppPath(rootDir, request.url);
    if (filePath === null) return notFound();
    let body: Buffer;
    try {
      body = await readFile(filePath);
    } catch {
      // Missing, a directory, or unreadable: the page sees the same 404 for all of them.
      return notFound();
    }
    const headers = baseHeaders(contentTypeFor(filePath));
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  });
}
