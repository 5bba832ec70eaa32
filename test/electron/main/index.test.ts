/**
 * The lifecycle against a mocked Electron (the binary cannot run here): a second instance leaves,
 * the scheme is privileged before ready, ready hardens the session, serves the renderer, sets the
 * menu, opens one window and registers IPC once; every web contents is hardened; closing the last
 * window quits except on macOS; the window's bounds survive a restart.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const fake = vi.hoisted(() => {
  type Listener = (...args: any[]) => unknown;
  class Emitter {
    listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: Listener) {
      const wrapped: Listener = (...args) => {
        this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== wrapped));
        return listener(...args);
      };
      return this.on(event, wrapped);
    }
    emit(event: string, ...args: unknown[]) {
      for (const l of this.listeners.get(event) ?? []) l(...args);
    }
  }
  class FakeContents extends Emitter {
    openHandler: Listener | undefined;
    sent: unknown[][] = [];
    setWindowOpenHandler(h: Listener) {
      this.openHandler = h;
    }
    send(...args: unknown[]) {
      this.sent.push(args);
    }
  }
  class FakeWindow extends Emitter {
    static created: FakeWindow[] = [];
    webContents = new FakeContents();
    isMinimizedNow = false;
    loadURL = vi.fn(async (_url: string) => {});
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    maximize = vi.fn();
    isMinimized = () => this.isMinimizedNow;
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 60, y: 70, width: 1111, height: 777 });
    options: Record<string, unknown>;
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      FakeWindow.created.push(this);
    }
  }
  let resolveReady: () => void = () => {};
  let rejectReady: (e: unknown) => void = () => {};
  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    userData: '',
    hasLock: true,
    requestSingleInstanceLock: vi.fn(() => app.hasLock),
    quit: vi.fn(),
    exit: vi.fn(),
    enableSandbox: vi.fn(),
    isReady: vi.fn(() => true),
    getPath: vi.fn((_name: string) => app.userData),
    whenReady: vi.fn(
      () =>
        new Promise<void>((resolve, reject) => {
          resolveReady = resolve;
          rejectReady = reject;
        }),
    ),
  });
  const sessionCalls: string[] = [];
  const defaultSession = {
    setPermissionRequestHandler: vi.fn(() => sessionCalls.push('request')),
    setPermissionCheckHandler: vi.fn(() => sessionCalls.push('check')),
    setDevicePermissionHandler: vi.fn(),
    setSpellCheckerEnabled: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
  };
  const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
  const Menu = { buildFromTemplate: vi.fn((t: unknown) => ({ template: t })), setApplicationMenu: vi.fn() };
  const reset = () => {
    app.listeners.clear();
    app.hasLock = true;
    app.isPackaged = true;
    FakeWindow.created = [];
    sessionCalls.length = 0;
    vi.clearAllMocks();
  };
  return {
    app,
    FakeWindow,
    FakeContents,
    defaultSession,
    sessionCalls,
    protocol,
    Menu,
    shell: { openExternal: vi.fn(async (_url: string) => {}) },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }] },
    ready: () => resolveReady(),
    failReady: (e: unknown) => rejectReady(e),
    reset,
  };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.FakeWindow,
  Menu: fake.Menu,
  protocol: fake.protocol,
  screen: fake.screen,
  session: { defaultSession: fake.defaultSession },
  shell: fake.shell,
}));

const { startApp, MENU_EVENT, RENDERER_DIR, PRELOAD_PATH, readWindowState } = await import('../../../electron/main/index.ts');
const { APP_SCHEME_PRIVILEGES } = await import('../../../electron/main/protocol.ts');

/** Lets the whenReady().then(...) chain run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

let userData: string;
beforeAll(() => {
  userData = mkdtempSync(path.join(tmpdir(), 'wxrecon-main-'));
});
afterAll(() => rmSync(userData, { recursive: true, force: true }));
beforeEach(() => {
  fake.reset();
  fake.app.userData = userData;
  rmSync(path.join(userData, 'window-state.json'), { force: true });
});

async function started(options: Partial<Parameters<typeof startApp>[0]> = {}) {
  const registerIpc = vi.fn();
  const log = vi.fn();
  startApp({ registerIpc, log, ...options });
  fake.ready();
  await settle();
  return { registerIpc, log, win: fake.FakeWindow.created[0]! };
}

describe('startApp', () => {
  it('leaves when another instance holds the lock, touching nothing else', () => {
    fake.app.hasLock = false;
    startApp({ registerIpc: vi.fn() });
    expect(fake.app.quit).toHaveBeenCalledOnce();
    expect(fake.protocol.registerSchemesAsPrivileged).not.toHaveBeenCalled();
    expect(fake.app.whenReady).not.toHaveBeenCalled();
    expect(fake.app.listeners.size).toBe(0);
  });

  it('privileges the app scheme and sandboxes every renderer before ready', () => {
    startApp({ registerIpc: vi.fn() });
    expect(fake.app.enableSandbox).toHaveBeenCalledOnce();
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledExactlyOnceWith([APP_SCHEME_PRIVILEGES]);
    expect(fake.protocol.handle).not.toHaveBeenCalled();
    expect(fake.FakeWindow.created).toHaveLength(0);
  });

  it('on ready hardens the session, serves the renderer, sets a Chinese menu, opens one window and registers IPC with it', async () => {
    const { registerIpc, win } = await started();
    expect(fake.sessionCalls).toEqual(['request', 'check']);
    expect(fake.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalledOnce();
    expect(fake.protocol.handle).toHaveBeenCalledExactlyOnceWith('app', expect.any(Function));
    const template = fake.Menu.buildFromTemplate.mock.calls[0]?.[0] as { label: string }[];
    expect(template.map((m) => m.label)).toContain('文件');
    expect(fake.Menu.setApplicationMenu).toHaveBeenCalledOnce();
    expect(fake.FakeWindow.created).toHaveLength(1);
    expect(win.loadURL).toHaveBeenCalledWith('app://wxrecon/index.html');
    expect(win.options).toMatchObject({ webPreferences: { preload: PRELOAD_PATH, sandbox: true, contextIsolation: true, devTools: false } });
    expect(registerIpc).toHaveBeenCalledExactlyOnceWith(win);
  });

  it('serves the renderer from beside the main bundle', () => {
    expect(path.basename(RENDERER_DIR)).toBe('renderer');
    expect(path.basename(PRELOAD_PATH)).toBe('index.cjs');
  });

  it('brings the existing window forward when a second instance starts', async () => {
    const { win } = await started();
    win.isMinimizedNow = true;
    fake.app.emit('second-instance', {}, ['wxrecon'], '/');
    expect(win.restore).toHaveBeenCalledOnce();
    expect(win.focus).toHaveBeenCalledOnce();
  });

  it('hardens every web contents created, whoever created it', async () => {
    await started();
    const contents = new fake.FakeContents();
    fake.app.emit('web-contents-created', {}, contents);
    expect(contents.openHandler?.({ url: 'https://pay.weixin.qq.com/' })).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal).toHaveBeenCalledExactlyOnceWith('https://pay.weixin.qq.com/');
    let isPrevented = false;
    contents.emit('will-navigate', { url: 'https://evil.example/', preventDefault: () => void (isPrevented = true) });
    expect(isPrevented).toBe(true);
  });

  it('quits when the last window closes, except on macOS', async () => {
    await started();
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    try {
      Object.defineProperty(process, 'platform', { value: 'win32' });
      fake.app.emit('window-all-closed');
      expect(fake.app.quit).toHaveBeenCalledOnce();
      Object.defineProperty(process, 'platform', { value: 'darwin' });
      fake.app.emit('window-all-closed');
      expect(fake.app.quit).toHaveBeenCalledOnce();
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
  });

  it('reopens a window on activate without registering IPC again', async () => {
    const { registerIpc, win } = await started();
    win.emit('closed');
    fake.app.emit('activate');
    expect(fake.FakeWindow.created).toHaveLength(2);
    expect(registerIpc).toHaveBeenCalledOnce();
    fake.app.emit('activate');
    expect(fake.FakeWindow.created).toHaveLength(2);
  });

  it('sends menu commands to the window', async () => {
    const { win } = await started();
    const template = fake.Menu.buildFromTemplate.mock.calls[0]?.[0] as { submenu?: { id?: string; click?: () => void }[] }[];
    template.flatMap((m) => m.submenu ?? []).find((i) => i.id === 'new-reconciliation')?.click?.();
    expect(win.webContents.sent).toEqual([[MENU_EVENT, { command: 'new-reconciliation' }]]);
  });

  it('keeps the window bounds across a restart', async () => {
    const first = await started();
    first.win.emit('close');
    fake.reset();
    fake.app.userData = userData;
    const second = await started();
    expect(second.win.options).toMatchObject({ x: 60, y: 70, width: 1111, height: 777 });
  });

  it('leaves with an error when start-up fails', async () => {
    const log = vi.fn();
    startApp({ registerIpc: vi.fn(), log });
    fake.failReady(new Error('GPU process gone'));
    await settle();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('GPU process gone'));
    expect(fake.app.exit).toHaveBeenCalledExactlyOnceWith(1);
    expect(fake.FakeWindow.created).toHaveLength(0);
  });
});

describe('readWindowState', () => {
  it('gives null for a missing or damaged file', () => {
    const file = path.join(userData, 'state-test.json');
    expect(readWindowState(file)).toBeNull();
    for (const text of ['{', '[1,2]', 'null', '"x"']) {
      writeFileSync(file, text);
      expect(readWindowState(file)).toBeNull();
    }
    writeFileSync(file, '{"width":1300,"height":900}');
    expect(readWindowState(file)).toEqual({ width: 1300, height: 900 });
  });
});
