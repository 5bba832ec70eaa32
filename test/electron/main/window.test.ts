/**
 * The main window with a fake BrowserWindow class: its options (hardened preferences, minimum size,
 * hidden until painted), where it opens (a saved position on an unplugged monitor is dropped), what
 * it loads, and that its bounds are saved on close.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { MIN_HEIGHT, MIN_WIDTH, createMainWindow, initialBounds, type MainWindowDeps } from '../../../electron/main/window.ts';

const SCREEN = [{ x: 0, y: 0, width: 1920, height: 1040 }];

describe('initialBounds', () => {
  it('opens at a default size the first time', () => {
    expect(initialBounds(null, SCREEN)).toEqual({ width: 1280, height: 800, isMaximized: false });
  });

  it('puts a window back where it was when that is on a screen', () => {
    expect(initialBounds({ x: 100, y: 50, width: 1400, height: 900, isMaximized: true }, SCREEN)).toEqual({ x: 100, y: 50, width: 1400, height: 900, isMaximized: true });
  });

  it('drops a position on a monitor that is gone, keeping the size', () => {
    expect(initialBounds({ x: 2500, y: 100, width: 1400, height: 900 }, SCREEN)).toEqual({ width: 1400, height: 900, isMaximized: false });
    expect(initialBounds({ x: 1900, y: 100, width: 1400, height: 900 }, SCREEN)).not.toHaveProperty('x');
  });

  it('never opens below the minimum size, and ignores damaged values', () => {
    expect(initialBounds({ width: 300, height: 200 }, SCREEN)).toMatchObject({ width: MIN_WIDTH, height: MIN_HEIGHT });
    const damaged = { x: Number.NaN, y: 'a', width: Number.POSITIVE_INFINITY, height: -5 } as unknown as Parameters<typeof initialBounds>[0];
    expect(initialBounds(damaged, SCREEN)).toEqual({ width: 1280, height: 800, isMaximized: false });
  });
});

/** Enough of a BrowserWindow for createMainWindow; events are fired by the test. */
class FakeWindow extends EventEmitter {
  static created: FakeWindow[] = [];
  readonly options: BrowserWindowConstructorOptions;
  readonly webContents = Object.assign(new EventEmitter(), {
    openHandler: undefined as undefined | ((d: { url: string }) => unknown),
    setWindowOpenHandler(h: (d: { url: string }) => unknown) {
      this.openHandler = h;
    },
  });
  loadURL = vi.fn(async (_url: string) => {});
  show = vi.fn();
  maximize = vi.fn();
  isMaximized = vi.fn(() => true);
  getNormalBounds = vi.fn(() => ({ x: 10, y: 20, width: 1300, height: 850 }));
  constructor(options: BrowserWindowConstructorOptions) {
    super();
    this.options = options;
    FakeWindow.created.push(this);
  }
}

function open(overrides: Partial<MainWindowDeps> = {}) {
  FakeWindow.created = [];
  const deps: MainWindowDeps = {
    BrowserWindow: FakeWindow as unknown as MainWindowDeps['BrowserWindow'],
    preloadPath: '/app/out/preload/index.cjs',
    isPackaged: true,
    title: '微信支付对账台',
    savedBounds: { x: 40, y: 30, width: 1200, height: 760, isMaximized: false },
    workAreas: SCREEN,
    saveBounds: vi.fn(),
    openExternal: vi.fn(async () => {}),
    ...overrides,
  };
  const win = createMainWindow(deps) as unknown as FakeWindow;
  expect(FakeWindow.created).toEqual([win]);
  return { win, deps };
}

describe('createMainWindow', () => {
  it('opens one hidden, hardened window at the saved bounds', () => {
    const { win } = open();
    expect(win.options).toMatchObject({ x: 40, y: 30, width: 1200, height: 760, minWidth: 1024, minHeight: 680, show: false, title: '微信支付对账台' });
    expect(win.options.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      devTools: false,
    });
  });

  it('loads the renderer from the app origin', () => {
    const { win } = open();
    expect(win.loadURL).toHaveBeenCalledExactlyOnceWith('app://wxrecon/index.html');
  });

  it('hardens its web contents', () => {
    const { win } = open();
    expect(win.webContents.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    let isPrevented = false;
    win.webContents.emit('will-navigate', { url: 'http://evil.example/', preventDefault: () => void (isPrevented = true) });
    expect(isPrevented).toBe(true);
  });

  it('shows itself once painted, maximised if it closed maximised', () => {
    const plain = open().win;
    expect(plain.show).not.toHaveBeenCalled();
    plain.emit('ready-to-show');
    expect(plain.show).toHaveBeenCalledOnce();
    expect(plain.maximize).not.toHaveBeenCalled();

    const maximised = open({ savedBounds: { width: 1200, height: 760, isMaximized: true } }).win;
    maximised.emit('ready-to-show');
    expect(maximised.maximize).toHaveBeenCalledOnce();
  });

  it('saves its normal bounds as it closes', () => {
    const { win, deps } = open();
    win.emit('close');
    expect(deps.saveBounds).toHaveBeenCalledExactlyOnceWith({ x: 10, y: 20, width: 1300, height: 850, isMaximized: true });
  });

  it('logs a renderer that fails to load instead of leaving an unhandled rejection', async () => {
    const log = vi.fn();
    const failing = class extends FakeWindow {
      override loadURL = vi.fn(async () => {
        throw new Error('ERR_FILE_NOT_FOUND');
      });
    };
    createMainWindow({
      BrowserWindow: failing as unknown as new (o: BrowserWindowConstructorOptions) => BrowserWindow,
      preloadPath: 'p',
      isPackaged: false,
      title: 't',
      savedBounds: null,
      workAreas: SCREEN,
      saveBounds: () => {},
      openExternal: async () => {},
      log,
    });
    await vi.waitFor(() => expect(log).toHaveBeenCalledWith(expect.stringContaining('ERR_FILE_NOT_FOUND')));
  });
});
