/** The preload's bridge: one method per channel invoking its own name, known events only. */
import { describe, expect, it } from 'vitest';
import { buildBridge } from '../../../electron/preload/bridge.ts';
import { CHANNELS } from '../../../shared/ipc/contract.ts';

describe('buildBridge', () => {
  it('exposes exactly the contract\'s channels and on(), frozen, each invoking its fixed channel', async () => {
    const calls: [string, unknown][] = [];
    const api = buildBridge({ invoke: async (c, p) => (calls.push([c, p]), { ok: true, value: null }), subscribe: () => () => undefined }) as unknown as Record<string, (x?: unknown) => Promise<unknown>>;
    expect(Object.keys(api).sort()).toEqual([...CHANNELS, 'on', 'pathForFile'].sort());
    expect(Object.isFrozen(api)).toBe(true);
    await api['workspaces:open']!({ id: 'w1' });
    await api['vault:status']!();
    expect(calls).toEqual([['workspaces:open', { id: 'w1' }], ['vault:status', {}]]);
    expect(() => ((api as Record<string, unknown>).invoke = () => undefined)).toThrow();
  });

  it('gives a dropped file\'s path, and an empty one rather than an error for anything else', () => {
    const api = buildBridge({ invoke: async () => null, subscribe: () => () => undefined, pathForFile: (f) => {
      if (!('name' in f)) throw new TypeError('not a File');
      return `/home/u/${String((f as { name: string }).name)}`;
    } });
    expect(api.pathForFile({ name: 'bill.csv' })).toBe('/home/u/bill.csv');
    expect(api.pathForFile({})).toBe('');
    expect(buildBridge({ invoke: async () => null, subscribe: () => () => undefined }).pathForFile({ name: 'x' })).toBe('');
  });

  it('subscribes to known events only, without Electron\'s event object, and unsubscribes', () => {
    const listeners = new Map<string, (p: unknown) => void>();
    const api = buildBridge({ invoke: async () => null, subscribe: (e, l) => (listeners.set(e, l), () => listeners.delete(e)) });
    const got: unknown[] = [];
    const off = api.on('queries:progressed', (p) => got.push(p));
    listeners.get('queries:progressed')!({ workspaceId: 'w', progress: {} });
    expect(got).toEqual([{ workspaceId: 'w', progress: {} }]);
    off();
    expect(listeners.size).toBe(0);
    expect(() => api.on('ipc:anything' as never, () => undefined)).toThrow(/unknown event/);
  });
});
