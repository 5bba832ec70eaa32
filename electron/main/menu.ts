/**
 * The application menu as data: Simplified Chinese by default, English on request. Built-in roles
 * keep their platform shortcuts (Electron picks Cmd or Ctrl per platform); our own commands go to the
 * renderer through `send`, so the menu never reaches into a page.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { Lang } from '../../shared/i18n/messages.ts';

/** Commands the menu asks the renderer to carry out. */
export const APP_COMMANDS = ['new-reconciliation', 'open-workspace', 'about'] as const;
export type AppCommand = (typeof APP_COMMANDS)[number];

type Words = { 'zh-CN': string; en: string };

const LABELS = {
  appName: { 'zh-CN': '微信支付对账台', en: 'WeChat Pay Reconciliation' },
  file: { 'zh-CN': '文件', en: 'File' },
  newReconciliation: { 'zh-CN': '新建对账', en: 'New Reconciliation' },
  openWorkspace: { 'zh-CN': '打开工作区…', en: 'Open Workspace…' },
  quit: { 'zh-CN': '退出', en: 'Quit' },
  closeWindow: { 'zh-CN': '关闭窗口', en: 'Close Window' },
  edit: { 'zh-CN': '编辑', en: 'Edit' },
  undo: { 'zh-CN': '撤销', en: 'Undo' },
  redo: { 'zh-CN': '重做', en: 'Redo' },
  cut: { 'zh-CN': '剪切', en: 'Cut' },
  copy: { 'zh-CN': '复制', en: 'Copy' },
  paste: { 'zh-CN': '粘贴', en: 'Paste' },
  selectAll: { 'zh-CN': '全选', en: 'Select All' },
  view: { 'zh-CN': '视图', en: 'View' },
  reload: { 'zh-CN': '重新加载', en: 'Reload' },
  toggleDevTools: { 'zh-CN': '开发者工具', en: 'Developer Tools' },
  resetZoom: { 'zh-CN': '实际大小', en: 'Actual Size' },
  zoomIn: { 'zh-CN': '放大', en: 'Zoom In' },
  zoomOut: { 'zh-CN': '缩小', en: 'Zoom Out' },
  togglefullscreen: { 'zh-CN': '全屏', en: 'Toggle Full Screen' },
  window: { 'zh-CN': '窗口', en: 'Window' },
  minimize: { 'zh-CN': '最小化', en: 'Minimize' },
  zoom: { 'zh-CN': '缩放', en: 'Zoom' },
  front: { 'zh-CN': '前置全部窗口', en: 'Bring All to Front' },
  help: { 'zh-CN': '帮助', en: 'Help' },
  about: { 'zh-CN': '关于', en: 'About' },
  services: { 'zh-CN': '服务', en: 'Services' },
  hide: { 'zh-CN': '隐藏', en: 'Hide' },
  hideOthers: { 'zh-CN': '隐藏其他', en: 'Hide Others' },
  unhide: { 'zh-CN': '全部显示', en: 'Show All' },
} as const satisfies Record<string, Words>;

/**
 * The menu for one language and platform. Reload and dev tools exist only in an unpackaged build:
 * a reload in the field would drop a running query job's view, and dev tools are off there anyway.
 */
export function menuTemplate(lang: Lang, isMac: boolean, isPackaged: boolean, send: (command: AppCommand) => void): MenuItemConstructorOptions[] {
  const t = (key: keyof typeof LABELS): string => LABELS[key][lang];
  const separator: MenuItemConstructorOptions = { type: 'separator' };

  const appMenu: MenuItemConstructorOptions = {
    label: t('appName'),
    submenu: [
      { role: 'about', label: `${t('about')} ${t('appName')}` },
      separator,
      { role: 'services', label: t('services') },
      separator,
      { role: 'hide', label: `${t('hide')} ${t('appName')}` },
      { role: 'hideOthers', label: t('hideOthers') },
      { role: 'unhide', label: t('unhide') },
      separator,
      { role: 'quit', label: `${t('quit')} ${t('appName')}` },
    ],
  };

  const fileMenu: MenuItemConstructorOptions = {
    label: t('file'),
    submenu: [
      { id: 'new-reconciliation', label: t('newReconciliation'), accelerator: 'CmdOrCtrl+N', click: () => send('new-reconciliation') },
      { id: 'open-workspace', label: t('openWorkspace'), accelerator: 'CmdOrCtrl+O', click: () => send('open-workspace') },
      separator,
      // macOS quits from the app menu and closes windows from File, as its users expect.
      isMac ? { role: 'close', label: t('closeWindow') } : { role: 'quit', label: t('quit') },
    ],
  };

  const editMenu: MenuItemConstructorOptions = {
    label: t('edit'),
    submenu: [
      { role: 'undo', label: t('undo') },
      { role: 'redo', label: t('redo') },
      separator,
      { role: 'cut', label: t('cut') },
      { role: 'copy', label: t('copy') },
      { role: 'paste', label: t('paste') },
      { role: 'selectAll', label: t('selectAll') },
    ],
  };

  const developerItems: MenuItemConstructorOptions[] = isPackaged
    ? []
    : [{ role: 'reload', label: t('reload') }, { role: 'toggleDevTools', label: t('toggleDevTools') }, separator];
  const viewMenu: MenuItemConstructorOptions = {
    label: t('view'),
    submenu: [
      ...developerItems,
      { role: 'resetZoom', label: t('resetZoom') },
      { role: 'zoomIn', label: t('zoomIn') },
      // The role's own Ctrl+Plus needs Shift on most keyboards; people press Ctrl+= and expect it to work.
      { role: 'zoomIn', label: t('zoomIn'), accelerator: 'CmdOrCtrl+=', visible: false },
      { role: 'zoomOut', label: t('zoomOut') },
      separator,
      { role: 'togglefullscreen', label: t('togglefullscreen') },
    ],
  };

  const windowMenu: MenuItemConstructorOptions = {
    label: t('window'),
    role: 'windowMenu',
    submenu: isMac
      ? [{ role: 'minimize', label: t('minimize') }, { role: 'zoom', label: t('zoom') }, separator, { role: 'front', label: t('front') }]
      : [{ role: 'minimize', label: t('minimize') }, { role: 'close', label: t('closeWindow') }],
  };

  const helpMenu: MenuItemConstructorOptions = {
    label: t('help'),
    role: 'help',
    // The renderer's About shows the version and where secrets are kept, in the app's language.
    submenu: [{ id: 'about', label: t('about'), click: () => send('about') }],
  };

  return [...(isMac ? [appMenu] : []), fileMenu, editMenu, viewMenu, windowMenu, helpMenu];
}
