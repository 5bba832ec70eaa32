/**
 * The application menu as data: Chinese labels by default, English on request, developer items only
 * in an unpackaged build, the shortcuts, and app commands reaching the `send` callback.
 */
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from '../../../electron/main/menu.ts';

/** Every item, depth first. */
function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}
const topLabels = (items: MenuItemConstructorOptions[]) => items.map((i) => i.label);
const byId = (items: MenuItemConstructorOptions[], id: string) => flatten(items).find((i) => i.id === id);
const roles = (items: MenuItemConstructorOptions[]) => flatten(items).map((i) => i.role).filter(Boolean);
const click = (item: MenuItemConstructorOptions | undefined) =>
  (item?.click as unknown as (() => void) | undefined)?.();

describe('menuTemplate', () => {
  it('speaks Simplified Chinese by default', () => {
    const menu = menuTemplate('zh-CN', false, true, () => {});
    expect(topLabels(menu)).toEqual(['文件', '编辑', '视图', '窗口', '帮助']);
    const labels = flatten(menu).map((i) => i.label);
    for (const label of ['新建对账', '打开工作区…', '退出', '撤销', '重做', '剪切', '复制', '粘贴', '全选', '放大', '缩小', '实际大小', '全屏', '关于']) {
      expect(labels).toContain(label);
    }
  });

  it('speaks English when asked', () => {
    const menu = menuTemplate('en', false, true, () => {});
    expect(topLabels(menu)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    expect(byId(menu, 'new-reconciliation')?.label).toBe('New Reconciliation');
  });

  it('has no reload or dev tools in a packaged build', () => {
    const packaged = roles(menuTemplate('zh-CN', false, true, () => {}));
    expect(packaged).not.toContain('toggleDevTools');
    expect(packaged).not.toContain('reload');
    expect(packaged).not.toContain('forceReload');
    const dev = roles(menuTemplate('zh-CN', false, false, () => {}));
    expect(dev).toContain('toggleDevTools');
    expect(dev).toContain('reload');
  });

  it('keeps the editing roles, zoom and full screen (their platform shortcuts come with the role)', () => {
    const r = roles(menuTemplate('zh-CN', false, true, () => {}));
    for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen', 'minimize', 'quit']) {
      expect(r).toContain(role);
    }
  });

  it('gives the app commands their shortcuts', () => {
    const menu = menuTemplate('zh-CN', false, true, () => {});
    expect(byId(menu, 'new-reconciliation')?.accelerator).toBe('CmdOrCtrl+N');
    expect(byId(menu, 'open-workspace')?.accelerator).toBe('CmdOrCtrl+O');
    // Ctrl+= zooms in too, without showing a second item.
    const hiddenZoom = flatten(menu).find((i) => i.role === 'zoomIn' && i.accelerator === 'CmdOrCtrl+=');
    expect(hiddenZoom?.visible).toBe(false);
  });

  it('sends app commands through the callback', () => {
    const send = vi.fn();
    const menu = menuTemplate('zh-CN', false, true, send);
    click(byId(menu, 'new-reconciliation'));
    click(byId(menu, 'open-workspace'));
    click(byId(menu, 'about'));
    expect(send.mock.calls).toEqual([['new-reconciliation'], ['open-workspace'], ['about']]);
  });

  it('follows macOS conventions on a Mac', () => {
    const menu = menuTemplate('zh-CN', true, true, () => {});
    expect(topLabels(menu)).toEqual(['微信支付对账台', '文件', '编辑', '视图', '窗口', '帮助']);
    const appMenu = menu[0]?.submenu as MenuItemConstructorOptions[];
    expect(appMenu.map((i) => i.role).filter(Boolean)).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    // Quit lives in the app menu only; File closes the window.
    const file = menu[1]?.submenu as MenuItemConstructorOptions[];
    expect(file.map((i) => i.role)).toContain('close');
    expect(file.map((i) => i.role)).not.toContain('quit');
  });
});
