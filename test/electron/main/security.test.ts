/**
 * The renderer's cage, driven with fakes: which URLs count as ours (hostile lookalikes included),
 * the web preferences, the permission table, the CSP header, and what navigation and window.open
 * may do. security.ts imports Electron for types only, so no mock is needed.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  APP_ORIGIN,
  CSP,
  EXTERNAL_HOSTS,
  PERMISSIONS,
  decidePermission,
  externalUrlToOpen,
  hardenSession,
  hardenWebContents,
  isTrustedUrl,
  webPreferencesFor,
  withCspHeader,
  type SessionLike,
  type WebContentsLike,
} from '../../../electron/main/security.ts';

describe('isTrustedUrl', () => {
  it.each([`${APP_ORIGIN}/index.html`, 'app://wxrecon/', 'app://wxrecon', 'app://wxrecon/#/workspaces/1', 'app://wxrecon/index.html?x=1', 'APP://wxrecon/x'])(
    'trusts %s',
    (url) => expect(isTrustedUrl(url)).toBe(true),
  );

  it.each([
    'app://wxrecon.evil/',
    'app://wxrecon.evil.com/index.html',
    'app://wxrecon@evil/',
    'app://evil@wxrecon/',
    'app://user:pass@wxrecon/',
    'app://wxrecon:8080/',
    'app://evilwxrecon/',
    'app://wxreco/',
    'app://WXRECON/',
    'app:wxrecon',
    'app:/wxrecon/index.html',
    'app:///wxrecon/index.html',
    'app://wxrecon\\evil',
    'app://wxrecon\t/x',
    ' app://wxrecon/',
    'app://wxrecon/\n',
    'apps://wxrecon/',
    'file:///index.html',
    'file://wxrecon/index.html',
    'http://localhost:5173/',
    'https://wxrecon/',
    'http://wxrecon/',
    'javascript:alert(1)//app://wxrecon/',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    'chrome-extension://abc/',
    '',
    'not a url',
    '//wxrecon/',
  ])('does not trust %j', (url) => expect(isTrustedUrl(url)).toBe(false));

  it('does not trust what is not a string', () => {
    expect(isTrustedUrl(undefined as unknown as string)).toBe(false);
    expect(isTrustedUrl(null as unknown as string)).toBe(false);
  });
});

describe('webPreferencesFor', () => {
  it('isolates and sandboxes the renderer with no Node anywhere', () => {
    const prefs = webPreferencesFor('/app/out/preload/index.cjs', true);
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('has dev tools only when not packaged', () => {
    expect(webPreferencesFor('p', true).devTools).toBe(false);
    expect(webPreferencesFor('p', false).devTools).toBe(true);
  });
});

describe('CSP', () => {
  it('lets only our own scripts run and nothing connect out', () => {
    const directives = new Map(CSP.split(';').map((d) => { const [name = '', ...values] = d.trim().split(/\s+/); return [name, values.join(' ')]; }));
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
    expect(CSP).not.toMatch(/unsafe-eval/);
    expect(directives.get('script-src')).not.toMatch(/unsafe-inline/);
  });

  it('replaces any CSP header a response carried, whatever its case', () => {
    const headers = withCspHeader({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CSP] });
  });
});

describe('permissions', () => {
  it.each(['camera', 'media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'hid', 'usb', 'serial', 'fullscreen', 'unknown'])(
    'denies %s even to our own page',
    (permission) => expect(decidePermission(permission, 'app://wxrecon/index.html')).toBe(false),
  );

  it('grants nothing in the table today, and every row has a reason', () => {
    for (const [name, rule] of Object.entries(PERMISSIONS)) {
      expect(rule.isGranted, name).toBe(false);
      expect(rule.reason.length, name).toBeGreaterThan(10);
    }
  });

  it('refuses names outside the table, including prototype keys', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'brand-new-permission']) {
      expect(decidePermission(name, 'app://wxrecon/')).toBe(false);
    }
  });
});

/** A session that records what hardenSession installs. */
function fakeSession() {
  const installed: {
    request?: Parameters<SessionLike['setPermissionRequestHandler']>[0];
    check?: Parameters<SessionLike['setPermissionCheckHandler']>[0];
    device?: Parameters<SessionLike['setDevicePermissionHandler']>[0];
    headers?: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0];
    isSpellCheckerEnabled?: boolean;
  } = {};
  const session: SessionLike = {
    setPermissionRequestHandler: (h) => void (installed.request = h),
    setPermissionCheckHandler: (h) => void (installed.check = h),
    setDevicePermissionHandler: (h) => void (installed.device = h),
    setSpellCheckerEnabled: (isEnabled) => void (installed.isSpellCheckerEnabled = isEnabled),
    webRequest: { onHeadersReceived: (h) => void (installed.headers = h) },
  };
  return { session, installed };
}

describe('hardenSession', () => {
  it('answers every permission request and check with no', () => {
    const { session, installed } = fakeSession();
    hardenSession(session);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'midi', 'pointerLock', 'whatever']) {
      const callback = vi.fn();
      installed.request!({}, permission, callback, { requestingUrl: 'app://wxrecon/index.html' });
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect(installed.check!({}, permission, 'app://wxrecon', {})).toBe(false);
    }
    expect(installed.device!({ deviceType: 'usb' })).toBe(false);
    expect(installed.isSpellCheckerEnabled).toBe(false);
  });

  it('puts the CSP header on our responses and leaves others as they were', () => {
    const { session, installed } = fakeSession();
    hardenSession(session);
    const ours = vi.fn();
    installed.headers!({ url: 'app://wxrecon/index.html', responseHeaders: { 'Content-Type': ['text/html'] } }, ours);
    expect(ours).toHaveBeenCalledWith({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CSP] } });

    const theirs = vi.fn();
    installed.headers!({ url: 'app://wxrecon.evil/index.html', responseHeaders: {} }, theirs);
    expect(theirs).toHaveBeenCalledWith({});
  });
});

/** A web contents that records its listeners; `navigate` and `open` play what Chromium would do. */
function fakeContents() {
  const listeners = new Map<string, ((event: { url: string; preventDefault(): void }) => void)[]>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  const contents: WebContentsLike = {
    on: (event: string, listener: (event: { url: string; preventDefault(): void }) => void) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    },
    setWindowOpenHandler: (handler) => void (openHandler = handler),
  };
  const fire = (event: string, url: string): boolean => {
    let isPrevented = false;
    for (const l of listeners.get(event) ?? []) l({ url, preventDefault: () => void (isPrevented = true) });
    return isPrevented;
  };
  return {
    contents,
    listeners,
    /** True when the navigation was stopped. */
    navigate: (url: string) => fire('will-navigate', url),
    redirect: (url: string) => fire('will-redirect', url),
    attachWebview: () => fire('will-attach-webview', 'about:blank'),
    open: (url: string) => openHandler!({ url }),
  };
}

describe('hardenWebContents', () => {
  const setup = () => {
    const fake = fakeContents();
    const openExternal = vi.fn(async (_url: string) => {});
    const log = vi.fn();
    hardenWebContents(fake.contents, { openExternal, log });
    return { ...fake, openExternal, log };
  };

  it('lets the page move within our origin', () => {
    const c = setup();
    expect(c.navigate('app://wxrecon/#/x')).toBe(false);
    expect(c.navigate('app://wxrecon/index.html')).toBe(false);
    expect(c.redirect('app://wxrecon/index.html')).toBe(false);
  });

  it.each(['http://evil.example/', 'https://evil.example/', 'app://wxrecon.evil/', 'file:///etc/passwd', 'http://localhost:5173/', 'javascript:alert(1)', 'data:text/html,x'])(
    'stops navigation and redirects to %s, opening nothing',
    (url) => {
      const c = setup();
      expect(c.navigate(url)).toBe(true);
      expect(c.redirect(url)).toBe(true);
      expect(c.openExternal).not.toHaveBeenCalled();
    },
  );

  it('sends a clicked link to an allowlisted host to the system browser, not the window', () => {
    const c = setup();
    expect(c.navigate('https://pay.weixin.qq.com/index.php/core/home')).toBe(true);
    expect(c.openExternal).toHaveBeenCalledExactlyOnceWith('https://pay.weixin.qq.com/index.php/core/home');
  });

  it('never redirects to an allowlisted host either, and opens nothing for a redirect', () => {
    const c = setup();
    expect(c.redirect('https://pay.weixin.qq.com/')).toBe(true);
    expect(c.openExternal).not.toHaveBeenCalled();
  });

  it('denies every window.open and opens only allowlisted https hosts outside', () => {
    const c = setup();
    expect(c.open('https://pay.weixin.qq.com/')).toEqual({ action: 'deny' });
    expect(c.open('https://kf.qq.com/product/wechatpaymentmerchant.html')).toEqual({ action: 'deny' });
    expect(c.openExternal.mock.calls).toEqual([['https://pay.weixin.qq.com/'], ['https://kf.qq.com/product/wechatpaymentmerchant.html']]);

    for (const url of [
      'http://pay.weixin.qq.com/',
      'https://pay.weixin.qq.com.evil.com/',
      'https://evil.com/?https://pay.weixin.qq.com/',
      'https://pay.weixin.qq.com@evil.com/',
      'https://user@pay.weixin.qq.com/',
      'https://pay.weixin.qq.com:8443/',
      'https://sub.pay.weixin.qq.com/',
      'https://qq.com/',
      'https://evil.example/',
      'app://wxrecon/index.html',
      'file:///C:/Windows/System32/calc.exe',
      'ms-msdt:/id PCWDiagnostic',
      'smb://attacker/share',
      'javascript:alert(1)',
      'https://pay.weixin.qq.com\\@evil.com/',
    ]) {
      expect(c.open(url)).toEqual({ action: 'deny' });
    }
    expect(c.openExternal).toHaveBeenCalledTimes(2);
  });

  it('refuses to attach a <webview>', () => {
    expect(setup().attachWebview()).toBe(true);
  });

  it('installs its listeners once even when asked twice (window and web-contents-created)', () => {
    const c = setup();
    hardenWebContents(c.contents, { openExternal: c.openExternal });
    expect(c.listeners.get('will-navigate')).toHaveLength(1);
    c.navigate('https://kf.qq.com/');
    expect(c.openExternal).toHaveBeenCalledTimes(1);
  });

  it('logs, and does not throw, when the system browser cannot be opened', async () => {
    const fake = fakeContents();
    const log = vi.fn();
    hardenWebContents(fake.contents, { openExternal: async () => { throw new Error('no browser'); }, log });
    expect(fake.open('https://kf.qq.com/')).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(log).toHaveBeenCalledWith(expect.stringContaining('no browser')));
  });
});

describe('externalUrlToOpen', () => {
  it('allows exactly the documented hosts', () => {
    expect(Object.keys(EXTERNAL_HOSTS).sort()).toEqual(['kf.qq.com', 'pay.weixin.qq.com']);
    expect(externalUrlToOpen('https://PAY.weixin.qq.com/x')).toBe('https://pay.weixin.qq.com/x');
    expect(externalUrlToOpen('not a url')).toBeNull();
  });
});
