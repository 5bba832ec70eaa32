/**
 * The one main window. Electron is passed in (the BrowserWindow class, shell.openExternal), so the
 * window's options and its bounds handling are tested without an Electron binary.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle } from 'electron';
import { APP_ORIGIN, hardenWebContents, webPreferencesFor, type HardenDeps } from './security.ts';

export const MIN_WIDTH = 1024;
export const MIN_HEIGHT = 680;
const DEFAULT_WIDTH = 1280;
const DEFAULT_HEIGHT = 800;
/** Matches the renderer's page background, so the window does not flash white or black on open. */
const BACKGROUND_COLOR = '#f5f5f5';
/** A saved window must keep this much of itself on some screen to be put back where it was. */
const MIN_VISIBLE_PX = 100;

/** Where the window was when it last closed (normal, not maximised, bounds). */
export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  isMaximized?: boolean;
}

/**
 * The bounds to open with: the saved size (never below the minimum), and the saved position only if
 * enough of the window would still be on a screen; a monitor unplugged since last time would
 * otherwise leave the window off screen, where a finance user cannot get it back.
 */
export function initialBounds(saved: WindowBounds | null, workAreas: readonly Rectangle[]): WindowBounds {
  const width = Math.max(MIN_WIDTH, finiteOr(saved?.width, DEFAULT_WIDTH));
  const height = Math.max(MIN_HEIGHT, finiteOr(saved?.height, DEFAULT_HEIGHT));
  const bounds: WindowBounds = { width, height, isMaximized: saved?.isMaximized === true };
  const x = saved?.x;
  const y = saved?.y;
  if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) {
    const isVisible = workAreas.some((area) => {
      const overlapX = Math.min(x + width, area.x + area.width) - Math.max(x, area.x);
      const overlapY = Math.min(y + height, area.y + area.height) - Math.max(y, area.y);
      return overlapX >= MIN_VISIBLE_PX && overlapY >= MIN_VISIBLE_PX;
    });
    if (isVisible) {
      bounds.x = x;
      bounds.y = y;
    }
  }
  return bounds;
}

function finiteOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : fallback;
}

/** The constructor options, apart so tests can read them. */
export function mainWindowOptions(bounds: WindowBounds, preloadPath: string, isPackaged: boolean, title: string): BrowserWindowConstructorOptions {
  return {
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    // Shown on ready-to-show: no half-painted page.
    show: false,
    backgroundColor: BACKGROUND_COLOR,
    title,
    webPreferences: webPreferencesFor(preloadPath, isPackaged),
  };
}

export interface MainWindowDeps extends HardenDeps {
  /** Electron's BrowserWindow class. */
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  /** The built, CommonJS preload (a sandboxed preload cannot be an ES module). */
  preloadPath: string;
  isPackaged: boolean;
  title: string;
  savedBounds: WindowBounds | null;
  /** Work areas of the current displays (`screen.getAllDisplays()`), to check the saved position. */
  workAreas: readonly Rectangle[];
  /** Called as the window closes, with its normal bounds. */
  saveBounds: (bounds: WindowBounds) => void;
}

export function createMainWindow(deps: MainWindowDeps): BrowserWindow {
  const bounds = initialBounds(deps.savedBounds, deps.workAreas);
  const win = new deps.BrowserWindow(mainWindowOptions(bounds, deps.preloadPath, deps.isPackaged, deps.title));
  hardenWebContents(win.webContents, deps);

  win.once('ready-to-show', () => {
    if (bounds.isMaximized === true) win.maximize();
    win.show();
  });
  win.on('close', () => {
    // getNormalBounds: the size to restore to, even when the window closes maximised.
    deps.saveBounds({ ...win.getNormalBounds(), isMaximized: win.isMaximized() });
  });

  win.loadURL(`${APP_ORIGIN}/index.html`).catch((e: unknown) => deps.log?.(`the renderer did not load: ${String(e)}`));
  return win;
}
