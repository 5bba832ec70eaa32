/**
 * The main process's entry: lifecycle only (architecture §7). One instance; the `app:` scheme is
 * privileged before `ready`; on `ready` the session is hardened, the renderer's files are served,
 * the menu is set, the window opens and IPC is registered. Every web contents ever created is
 * hardened, whoever created it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, Menu, protocol, screen, session, shell } from 'electron';
import type { Lang } from '../../shared/i18n/messages.ts';
import { menuTemplate, type AppCommand } from './menu.ts';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './protocol.ts';
import { hardenSession, hardenWebContents } from './security.ts';
import { createMainWindow, type WindowBounds } from './window.ts';

/** The build puts main in out/main, the preload in out/preload and the renderer in out/renderer. */
export const RENDERER_DIR = path.join(import.meta.dirname, '../renderer');
/** CommonJS: a sandboxed preload cannot be an ES module. */
export const PRELOAD_PATH = path.join(import.meta.dirname, '../preload/index.cjs');
const WINDOW_STATE_FILE = 'window-state.json';
/** The event that carries a menu command to the renderer. */
export const MENU_EVENT = 'menu:invoked';

export interface StartOptions {
  /**
   * Registers the IPC handlers. Called once, with the first window, in the same task that started
   * loading it, so no page can call before the handlers exist. Handlers answer through
   * `event.sender`, so a window reopened later (macOS dock) needs no new registration.
   */
  registerIpc: (win: BrowserWindow) => void;
  /** Menu language; Simplified Chinese unless the user chose English. */
  lang?: Lang;
  /** Where menu commands go; by default to the window as MENU_EVENT. */
  onMenuCommand?: (command: AppCommand, win: BrowserWindow | null) => void;
  log?: (line: string) => void;
}

export function startApp(options: StartOptions): void {
  const log = options.log ?? ((line: string) => console.error(`[wxrecon] ${line}`));

  // A second copy would write the same workspaces and journals; hand over to the first one.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // Checklist item 4 for every renderer, including any created without our web preferences.
  app.enableSandbox();
  // Must happen before `ready`: Chromium fixes scheme privileges at start-up.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  let mainWindow: BrowserWindow | null = null;
  let isIpcRegistered = false;
  const statePath = (): string => path.join(app.getPath('userData'), WINDOW_STATE_FILE);

  const openMainWindow = (): BrowserWindow => {
    const win = createMainWindow({
      BrowserWindow,
      preloadPath: PRELOAD_PATH,
      isPackaged: app.isPackaged,
      title: options.lang === 'en' ? 'WeChat Pay Reconciliation' : '微信支付对账台',
      savedBounds: readWindowState(statePath()),
      workAreas: screen.getAllDisplays().map((d) => d.workArea),
      saveBounds: (bounds) => writeWindowState(statePath(), bounds, log),
      openExternal: (url) => shell.openExternal(url),
      log,
    });
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = null;
    });
    if (!isIpcRegistered) {
      options.registerIpc(win);
      isIpcRegistered = true;
    }
    return win;
  };

  const sendCommand =
    options.onMenuCommand ?? ((command: AppCommand, win: BrowserWindow | null) => win?.webContents.send(MENU_EVENT, { command }));

  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, { openExternal: (url) => shell.openExternal(url), log });
  });
  app.on('window-all-closed', () => {
    // macOS apps stay in the dock with no window; 'activate' brings one back.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (mainWindow === null && app.isReady()) mainWindow = openMainWindow();
  });

  app
    .whenReady()
    .then(() => {
      hardenSession(session.defaultSession);
      registerAppProtocol(protocol, RENDERER_DIR);
      const template = menuTemplate(options.lang ?? 'zh-CN', process.platform === 'darwin', app.isPackaged, (command) =>
        sendCommand(command, mainWindow),
      );
      Menu.setApplicationMenu(Menu.buildFromTemplate(template));
      mainWindow = openMainWindow();
    })
    .catch((e: unknown) => {
      // Without a hardened session or a window there is nothing safe to show: leave.
      log(`start-up failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      app.exit(1);
    });
}

/** The saved bounds, or null when there are none or the file is damaged (the defaults then apply). */
export function readWindowState(filePath: string): WindowBounds | null {
  try {
    const value: unknown = JSON.parse(readFileSync(filePath, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as WindowBounds) : null;
  } catch {
    return null;
  }
}

function writeWindowState(filePath: string, bounds: WindowBounds, log: (line: string) => void): void {
  try {
    writeFileSync(filePath, JSON.stringify(bounds));
  } catch (e) {
    // Losing the window position is not worth failing a close over.
    log(`could not save the window position: ${String(e)}`);
  }
}
