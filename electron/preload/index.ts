/**
 * The preload (sandboxed, bundled): exposes the bridge as `window.wxrecon` and nothing else.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildBridge } from './bridge.ts';

contextBridge.exposeInMainWorld(
  'wxrecon',
  buildBridge({
    invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
    subscribe: (event, listener) => {
      // Electron's event object (with its sender) stays here.
      const wrapped = (_event: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(event, wrapped);
      return () => void ipcRenderer.removeListener(event, wrapped);
    },
    pathForFile: (file) => webUtils.getPathForFile(file as File),
  }),
);
