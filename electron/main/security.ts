/**
 * The renderer's cage (Electron security checklist, ../shared/reference/ecosystem-security.md §1.1):
 * which URLs are ours, the web preferences every window gets, the permissions and navigations we
 * refuse, and the content security policy. The decisions are pure functions; the installers take
 * Electron's objects as parameters (reduced to what they touch) so tests drive them with fakes and
 * this module never imports Electron at run time.
 */
import type { Session, WebPreferences } from 'electron';

/** The origin the built renderer is served from (protocol.ts); nothing else is ever "us". */
export const APP_ORIGIN = 'app://wxrecon';
const APP_PROTOCOL = 'app:';
const APP_HOST = 'wxrecon';

/**
 * Checklist item 7. The renderer talks to main over IPC only, so it needs no network at all:
 * connect-src stays on our own origin and no form may post anywhere.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Ant Design (CSS-in-JS) injects <style> elements at run time; without 'unsafe-inline' it renders
  // unstyled. Styles cannot run code, and script-src stays strict.
  "style-src 'self' 'unsafe-inline'",
  // data:/blob: for icons inlined by the build and for charts and previews made in the page.
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  // Only honoured as a header (protocol.ts, hardenSession), not in a <meta> tag.
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

// Chromium hands us canonical URLs; tabs, newlines, spaces and backslashes only appear in hand-made
// lookalikes that the WHATWG parser would quietly "repair" into our origin.
const LOOKALIKE_CHARS = /[\u0000-\u0020\u007f\\]/;

/**
 * True only for our own origin: scheme `app:`, host exactly `wxrecon`, no port, no credentials.
 * The IPC gate checks `event.senderFrame.url` with this, so string prefixes are not enough
 * (`app://wxrecon.evil`, `app://wxrecon@evil` both start with the origin).
 */
export function isTrustedUrl(url: string): boolean {
  if (typeof url !== 'string' || LOOKALIKE_CHARS.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === APP_PROTOCOL && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/**
 * Web preferences for every window we open (checklist items 2–4, 6, 8–10). Dev tools exist only in
 * an unpackaged build: in the field they would let anyone at the desk call the app API by hand.
 * `enableBlinkFeatures` is left out on purpose (item 10).
 */
export function webPreferencesFor(preloadPath: string, isPackaged: boolean): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    // Chromium's spellchecker downloads dictionaries from Google, unreachable from many finance
    // networks in China and of no use for order numbers.
    spellcheck: false,
    devTools: !isPackaged,
    navigateOnDragDrop: false,
    // A page looping on alert() cannot lock the user out of the app.
    safeDialogs: true,
  };
}

// ---- Permissions

/** Every permission name Electron knows; an Electron upgrade that adds one fails to compile below. */
export type ElectronPermission = Parameters<NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>>[1];

export interface PermissionRule {
  isGranted: boolean;
  reason: string;
}

const NO_DEVICES = 'a reconciliation desk reads files and talks to WeChat Pay through main; it drives no device';
const NO_TRACKING = 'nothing in the app depends on where or how the user is';
const NO_CAPTURE = 'bills and keys are on screen; nothing may record or share it';
const IPC_ONLY = 'files, clipboard and the outside world go through main over IPC, where they are checked';
const NO_BACKGROUND = 'the app has no service worker or background work in the page';

/**
 * Deny by default: a row may only say `isGranted: true` with a reason a reviewer accepts, and a test.
 * Nothing is granted today; unknown names are refused too (decidePermission).
 */
export const PERMISSIONS = {
  ar: { isGranted: false, reason: NO_DEVICES },
  'automatic-fullscreen': { isGranted: false, reason: 'full screen is the user\'s choice from the menu (main), not the page\'s' },
  'background-fetch': { isGranted: false, reason: NO_BACKGROUND },
  'background-sync': { isGranted: false, reason: NO_BACKGROUND },
  'captured-surface-control': { isGranted: false, reason: NO_CAPTURE },
  'clipboard-read': { isGranted: false, reason: 'the page must not read what the user copied elsewhere (keys, passwords)' },
  'clipboard-sanitized-write': { isGranted: false, reason: IPC_ONLY },
  'deprecated-sync-clipboard-read': { isGranted: false, reason: 'the page must not read what the user copied elsewhere (keys, passwords)' },
  'display-capture': { isGranted: false, reason: NO_CAPTURE },
  fileSystem: { isGranted: false, reason: 'files are opened by main through its own dialogs and checked there' },
  fullscreen: { isGranted: false, reason: 'full screen is the user\'s choice from the menu (main), not the page\'s' },
  geolocation: { isGranted: false, reason: NO_TRACKING },
  'geolocation-approximate': { isGranted: false, reason: NO_TRACKING },
  'hand-tracking': { isGranted: false, reason: NO_DEVICES },
  hid: { isGranted: false, reason: NO_DEVICES },
  'idle-detection': { isGranted: false, reason: NO_TRACKING },
  keyboardLock: { isGranted: false, reason: 'the page may not swallow system shortcuts such as Alt+Tab' },
  'local-fonts': { isGranted: false, reason: 'fonts ship with the app; the installed font list fingerprints the machine' },
  'local-network': { isGranted: false, reason: 'the page has no network; main makes every request' },
  'local-network-access': { isGranted: false, reason: 'the page has no network; main makes every request' },
  'loopback-network': { isGranted: false, reason: 'the page has no network; main makes every request' },
  media: { isGranted: false, reason: NO_CAPTURE },
  mediaKeySystem: { isGranted: false, reason: 'no protected media is played' },
  midi: { isGranted: false, reason: NO_DEVICES },
  midiSysex: { isGranted: false, reason: NO_DEVICES },
  nfc: { isGranted: false, reason: NO_DEVICES },
  notifications: { isGranted: false, reason: 'long jobs report progress in the window; system notifications would come from main' },
  openExternal: { isGranted: false, reason: 'links leave the app only through hardenWebContents and its host allowlist' },
  'payment-handler': { isGranted: false, reason: 'the app reconciles payments; it never makes one' },
  'periodic-background-sync': { isGranted: false, reason: NO_BACKGROUND },
  'persistent-storage': { isGranted: false, reason: 'workspaces are stored by main on disk, not in the page' },
  pointerLock: { isGranted: false, reason: 'a table and forms need no captured mouse' },
  'screen-wake-lock': { isGranted: false, reason: 'a long query run keeps the machine awake from main (powerSaveBlocker) if at all' },
  sensors: { isGranted: false, reason: NO_TRACKING },
  serial: { isGranted: false, reason: NO_DEVICES },
  'smart-card': { isGranted: false, reason: 'merchant keys are files read by main, not smart cards' },
  'speaker-selection': { isGranted: false, reason: NO_DEVICES },
  'storage-access': { isGranted: false, reason: 'no third-party content is embedded' },
  'system-wake-lock': { isGranted: false, reason: 'a long query run keeps the machine awake from main (powerSaveBlocker) if at all' },
  'top-level-storage-access': { isGranted: false, reason: 'no third-party content is embedded' },
  usb: { isGranted: false, reason: NO_DEVICES },
  vr: { isGranted: false, reason: NO_DEVICES },
  'web-app-installation': { isGranted: false, reason: 'the app is installed by its installer, not by a page' },
  'web-printing': { isGranted: false, reason: 'reports are exported as files by main' },
  'window-management': { isGranted: false, reason: 'the page may not place windows across the user\'s screens' },
  unknown: { isGranted: false, reason: 'an unnamed permission cannot be judged' },
} as const satisfies Record<ElectronPermission, PermissionRule>;

/** Whether a page may have a permission; false for names not in the table and for any other origin. */
export function decidePermission(permission: string, requestingUrl: string): boolean {
  if (!Object.hasOwn(PERMISSIONS, permission)) return false;
  const rule: PermissionRule = PERMISSIONS[permission as ElectronPermission];
  return rule.isGranted && isTrustedUrl(requestingUrl);
}

// ---- Session

type HeadersReceivedDetails = { url: string; responseHeaders?: Record<string, string[]> };
type HeadersReceivedCallback = (response: { responseHeaders?: Record<string, string | string[]> }) => void;

/** Electron's Session, reduced to what hardenSession touches (tests pass a fake). */
export interface SessionLike {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (isGranted: boolean) => void, details: { requestingUrl?: string }) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string, requestingOrigin: string, details: unknown) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  setSpellCheckerEnabled(isEnabled: boolean): void;
  webRequest: {
    onHeadersReceived(listener: (details: HeadersReceivedDetails, callback: HeadersReceivedCallback) => void): void;
  };
}

/** Response headers with our CSP in place of any the response carried (header names are case-blind). */
export function withCspHeader(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [CSP];
  return out;
}

/**
 * Checklist item 5 for the default session: every permission request and check is answered from
 * PERMISSIONS (all denied), devices are refused, and our pages get the CSP header even if a
 * response was built without it.
 */
export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(decidePermission(permission, details?.requestingUrl ?? ''));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => decidePermission(permission, requestingOrigin));
  session.setDevicePermissionHandler(() => false);
  session.setSpellCheckerEnabled(false);
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isTrustedUrl(details.url)) {
      callback({});
      return;
    }
    callback({ responseHeaders: withCspHeader(details.responseHeaders) });
  });
}

// ---- Navigation and new windows

/**
 * Hosts a link may open in the system browser (checklist item 15). Exact host names over https
 * only; anything else is dropped, so a compromised page cannot use the desktop browser (or a
 * registered protocol handler such as ms-msdt: or file:) as a way out.
 */
export const EXTERNAL_HOSTS = {
  // 微信支付商户平台: where merchants download bills, set API keys and certificates; the app's help
  // texts link there.
  'pay.weixin.qq.com': 'WeChat Pay merchant platform (bills, API keys, certificates)',
  // 腾讯客服: WeChat Pay's customer service, linked from error explanations.
  'kf.qq.com': 'WeChat Pay customer service',
} as const satisfies Record<string, string>;

/** The URL to hand to the system browser, or null when the link may not leave the app. */
export function externalUrlToOpen(url: string): string | null {
  if (typeof url !== 'string' || LOOKALIKE_CHARS.test(url)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.port !== '' || parsed.username !== '' || parsed.password !== '') return null;
  if (!Object.hasOwn(EXTERNAL_HOSTS, parsed.hostname)) return null;
  return parsed.href;
}

type PreventableEvent = { preventDefault(): void };
type NavigationEvent = PreventableEvent & { url: string };

/** Electron's WebContents, reduced to what hardenWebContents touches (tests pass a fake). */
export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface HardenDeps {
  /** `shell.openExternal`; only ever called with an allowlisted https URL. */
  openExternal: (url: string) => Promise<void>;
  log?: (line: string) => void;
}

// The main window is hardened by createMainWindow and again by app 'web-contents-created'; a second
// set of listeners would open every allowed link twice.
const hardened = new WeakSet<object>();

/**
 * Checklist items 11–15 for one web contents: it may only navigate within our origin, never opens a
 * window (allowlisted links go to the system browser instead), and never attaches a <webview>.
 */
export function hardenWebContents(contents: WebContentsLike, deps: HardenDeps): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);

  const openOutside = (url: string): void => {
    const target = externalUrlToOpen(url);
    if (target === null) {
      deps.log?.(`blocked a link leaving the app: ${url.slice(0, 200)}`);
      return;
    }
    deps.openExternal(target).catch((e: unknown) => deps.log?.(`could not open ${target}: ${String(e)}`));
  };

  contents.on('will-navigate', (event) => {
    if (isTrustedUrl(event.url)) return;
    event.preventDefault();
    // A plain <a href> click on a help link lands here rather than in the window-open handler.
    openOutside(event.url);
  });
  contents.on('will-redirect', (event) => {
    // A redirect is the server's choice, not the user's: refuse it without opening anything.
    if (!isTrustedUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    // webviewTag is off already; this catches a window created without our preferences.
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}
