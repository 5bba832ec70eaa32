/**
 * For renderer tests in jsdom: the browser features antd asks for that jsdom lacks, and a fake
 * `window.wxrecon` (the preload's API) whose channels are mocks; any other channel fails loudly.
 */
import { vi } from 'vitest';
import type { WxreconApi } from '../../../shared/ipc/contract.ts';
import type { AppError } from '../../../shared/ipc/result.ts';

export type Reply = { ok: true; value: unknown } | { ok: false; error: AppError };
export const ok = (value: unknown): Reply => ({ ok: true, value });
export const fail = (error: AppError): Reply => ({ ok: false, error });

export type ApiHandlers = Partial<Record<keyof WxreconApi, (req: never) => Reply | Promise<Reply>>>;

/** matchMedia, ResizeObserver, and a getComputedStyle that ignores pseudo-elements (jsdom logs "not implemented"). */
export function fillJsdomGaps(): void {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false, media: query, onchange: null,
      addListener: () => undefined, removeListener: () => undefined,
      addEventListener: () => undefined, removeEventListener: () => undefined, dispatchEvent: () => false,
    }),
  });
  class RO {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver = RO;
  const original = window.getComputedStyle.bind(window);
  window.getComputedStyle = (elt: Element) => original(elt);
}

/** Installs the fake API; the mocks by channel, to inspect their calls. `pathForFile` (not a channel) may be given apart. */
export function installApi(handlers: ApiHandlers, pathForFile: (file: object) => string = () => ''): Record<string, ReturnType<typeof vi.fn>> {
  const fns: Record<string, ReturnType<typeof vi.fn>> = {};
  for (const [name, h] of Object.entries(handlers)) fns[name] = vi.fn(async (req: never) => h!(req));
  const api = new Proxy(fns, {
    get: (target, prop: string) => {
      if (prop === 'pathForFile') return pathForFile;
      // Events: none arrive in these tests; subscribing works and unsubscribing is a no-op.
      if (prop === 'on') return () => () => undefined;
      return target[prop] ?? (async () => { throw new Error(`unexpected channel ${prop}`); });
    },
  });
  (window as unknown as { wxrecon: unknown }).wxrecon = api;
  return fns;
}
