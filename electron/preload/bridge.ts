/**
 * The window API (`window.wxrecon`), built from the contract's tables: one method per channel that
 * invokes its own fixed name, and `on(event, listener)` for the known events only. The renderer
 * never names a channel, and never sees Electron's event object or ipcRenderer itself.
 */
import { CHANNEL_NAMES, EVENT_NAMES } from '../../shared/ipc/names.ts';
import type { WxreconApi } from '../../shared/ipc/contract.ts';

export interface BridgeTransport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /** Subscribes to one event; returns the unsubscribe. */
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  /** The path of a dropped file (webUtils.getPathForFile in the preload). */
  pathForFile?(file: object): string;
}

export function buildBridge(transport: BridgeTransport): WxreconApi {
  const api: Record<string, unknown> = {};
  for (const channel of CHANNEL_NAMES) {
    api[channel] = (request: unknown) => transport.invoke(channel, request ?? {});
  }
  const known = new Set<string>(EVENT_NAMES);
  api.on = (event: string, listener: (payload: unknown) => void) => {
    if (!known.has(event)) throw new Error(`unknown event: ${event}`);
    return transport.subscribe(event, (payload) => listener(payload));
  };
  api.pathForFile = (file: object) => {
    try {
      return transport.pathForFile?.(file) ?? '';
    } catch {
      // Not a File (getPathForFile throws): no path rather than an error in the page.
      return '';
    }
  };
  return Object.freeze(api) as unknown as WxreconApi;
}
