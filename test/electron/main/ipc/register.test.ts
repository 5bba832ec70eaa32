/**
 * The IPC gate, driven through a fake ipcMain: forged senders, unknown channels and malformed
 * payloads are refused with stable codes; errors become codes without stacks; a reply carries only
 * what its schema allows.
 */
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../../shared/ipc/contract.ts';
import { createDispatch, registerIpc, type Handlers, type IpcMainLike } from '../../../../electron/main/ipc/register.ts';
import { isTrustedUrl } from '../../../../electron/main/security.ts';
import { WechatPayError } from '../../../../electron/wechatpay/order-query.ts';
import { AppFailure } from '../../../../shared/ipc/result.ts';

const TOP = { url: 'app://wxrecon/index.html', parent: null };
const vault = { protection: 'os' as const, backend: 'keychain', sessionOnly: false };

/** Handlers that answer simply, or throw what a test sets. */
function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const none = async () => {
    throw new AppFailure('internal', 'not used here');
  };
  const base = Object.fromEntries(CHANNELS.map((c) => [c, none])) as unknown as Handlers;
  return { ...base, 'vault:status': async () => vault, ...overrides };
}

const dispatch = (h: Handlers = handlers(), log?: (l: string) => void) => createDispatch(h, { isTrustedUrl, ...(log ? { log } : {}) });
const emit = () => undefined;

describe('the IPC gate', () => {
  it('answers a call from the app\'s own top frame', async () => {
    expect(await dispatch()('vault:status', TOP, {}, emit)).toEqual({ ok: true, value: vault });
  });

  it.each([
    ['another origin', { url: 'https://evil.example/', parent: null }],
    ['a lookalike origin', { url: 'app://wxrecon.evil/index.html', parent: null }],
    ['a file:// page', { url: 'file:///tmp/index.html', parent: null }],
    ['a sub-frame of the app', { url: 'app://wxrecon/index.html', parent: {} }],
    ['a frame that is gone', null],
  ])('refuses %s', async (_, frame) => {
    let called = false;
    const d = dispatch(handlers({ 'vault:status': async () => ((called = true), vault) }));
    expect(await d('vault:status', frame, {}, emit)).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(called).toBe(false);
  });

  it('refuses a channel that is not in the contract, including prototype names', async () => {
    for (const channel of ['shell:open', '__proto__', 'constructor', 'toString', '']) {
      expect(await dispatch()(channel, TOP, {}, emit)).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    }
  });

  it.each([
    ['a wrong type', 'merchants:delete', { id: 42 }, 'id'],
    ['an extra field', 'vault:status', { evil: true }, ''],
    ['a merchant id with letters', 'merchants:save', { name: 'x', mchid: '19000x' }, 'mchid'],
    ['a float amount', 'workspaces:create', { name: 'x', bills: ['a.csv'], settings: { crossDayWindowMinutes: 30, amountToleranceFen: 1.5 } }, 'settings.amountToleranceFen'],
    ['no payload at all for a channel that needs one', 'workspaces:open', undefined, 'id'],
  ])('refuses a malformed payload: %s', async (_, channel, payload, field) => {
    const r = await dispatch()(channel, TOP, payload, emit);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    if (field !== '') expect((r as { error: { detail: { field: string } } }).error.detail.field).toBe(field);
  });

  it('turns thrown errors into stable codes, with WeChat\'s code and Request-ID, and never a stack', async () => {
    const logged: string[] = [];
    const d = dispatch(handlers({
      'merchants:test-connection': async () => {
        throw new WechatPayError('SIGN_ERROR', '签名错误', { requestId: 'R-1' });
      },
      'merchants:list': async () => {
        throw new TypeError('boom at /home/user/secret/path.ts:1');
      },
    }), (l) => logged.push(l));
    expect(await d('merchants:test-connection', TOP, { id: 'm' }, emit)).toEqual({ ok: false, error: { code: 'signature-invalid', message: 'SIGN_ERROR: 签名错误', detail: { wechatCode: 'SIGN_ERROR', requestId: 'R-1' } } });
    const internal = await d('merchants:list', TOP, {}, emit);
    expect(internal).toEqual({ ok: false, error: { code: 'internal', message: 'internal error' } });
    expect(logged.join('\n')).toContain('boom');
  });

  it('lets through only what the response schema allows (a secret a handler adds by mistake is dropped)', async () => {
    const d = dispatch(handlers({ 'vault:status': async () => ({ ...vault, apiV3Key: 'should-never-leave' }) as never }));
    const r = await d('vault:status', TOP, {}, emit);
    expect(JSON.stringify(r)).not.toContain('should-never-leave');
    const bad = dispatch(handlers({ 'vault:status': async () => ({ protection: 'maybe' }) as never }));
    expect(await bad('vault:status', TOP, {}, emit)).toMatchObject({ ok: false, error: { code: 'invalid-response' } });
  });

  it('registers exactly one handler per channel of the contract, each behind the gate', async () => {
    const registered = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
    registerIpc({ handle: (c, l) => void registered.set(c, l) }, handlers(), { isTrustedUrl });
    expect([...registered.keys()].sort()).toEqual([...CHANNELS].sort());
    const sent: unknown[] = [];
    const listener = registered.get('vault:status')!;
    expect(await listener({ senderFrame: { url: 'https://evil.example', parent: null }, sender: { send: (...a) => sent.push(a) } }, {})).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(await listener({ senderFrame: TOP, sender: { send: (...a) => sent.push(a) } }, {})).toMatchObject({ ok: true });
  });
});
