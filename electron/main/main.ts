/**
 * The app's entry: Electron's objects handed to the services (safeStorage, electron-store, the
 * user's folders), the IPC contract registered through its gate, and the window started.
 */
import { app, BrowserWindow, dialog, ipcMain, safeStorage } from 'electron';
import Store from 'electron-store';
import { startApp } from './index.ts';
import { createMainServices } from './handlers.ts';
import { registerIpc } from './ipc/register.ts';
import { createLogger } from './log.ts';
import { isTrustedUrl } from './security.ts';
import type { StoreLike } from './vault.ts';
import { markBuiltEntry } from '../worker-url.ts';

markBuiltEntry(import.meta.url);

// A store whose file is damaged must not be wiped silently: the merchant profiles are in it.
const store = new Store({ name: 'wxrecon', clearInvalidConfig: false }) as unknown as StoreLike;
const lang = () => (app.getLocale().toLowerCase().startsWith('zh') ? 'zh-CN' : 'en') as 'zh-CN' | 'en';
const services = createMainServices({
  userDataDir: app.getPath('userData'),
  store,
  safeStorage,
  platform: process.platform,
  version: app.getVersion(),
  isPackaged: app.isPackaged,
  lang,
  pickFiles: async (purpose, multiple, defaultName) => {
    const win = BrowserWindow.getFocusedWindow() ?? undefined;
    const zh = lang() === 'zh-CN';
    if (purpose === 'report') {
      const r = await (win ? dialog.showSaveDialog(win, { defaultPath: defaultName, filters: [{ name: zh ? 'Excel 工作簿' : 'Excel workbook', extensions: ['xlsx'] }] }) : dialog.showSaveDialog({ defaultPath: defaultName }));
      return r.canceled || r.filePath === undefined ? [] : [r.filePath];
    }
    const filters = purpose === 'key'
      ? [{ name: zh ? '密钥或证书' : 'Key or certificate', extensions: ['pem', 'crt', 'cer'] }]
      : [{ name: zh ? '账单或台账' : 'Bill or ledger', extensions: ['csv', 'txt', 'xlsx', 'xls', 'gz'] }, { name: zh ? '所有文件' : 'All files', extensions: ['*'] }];
    const options = { properties: multiple ? (['openFile', 'multiSelections'] as const) : (['openFile'] as const), filters };
    const r = await (win ? dialog.showOpenDialog(win, { ...options, properties: [...options.properties] }) : dialog.showOpenDialog({ ...options, properties: [...options.properties] }));
    return r.canceled ? [] : r.filePaths;
  },
});
const log = createLogger(app.getPath('logs'));

startApp({
  lang: lang(),
  log,
  registerIpc: () => void registerIpc(ipcMain, services.handlers, { isTrustedUrl, log }),
});

app.on('will-quit', () => void services.shutdown());
