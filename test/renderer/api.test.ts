// @vitest-environment jsdom
/** The renderer's only door to main: values through, errors as the UI's own words for the code. */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, call, setApiLang } from '../../renderer/src/api.ts';
import { groupWarnings } from '../../renderer/src/pages/ImportPage.tsx';

const w = window as unknown as { wxrecon?: unknown };
afterEach(() => {
  delete w.wxrecon;
  setApiLang('zh-CN');
});

describe('call', () => {
  it('returns the value of an ok reply', async () => {
    w.wxrecon = { 'vault:status': async () => ({ ok: true, value: { protection: 'os', backend: 'keychain', sessionOnly: false } }) };
    expect(await call('vault:status', {})).toEqual({ protection: 'os', backend: 'keychain', sessionOnly: false });
  });

  it('throws an ApiError in the UI\'s language, keeping the code, the detail and main\'s message', async () => {
    w.wxrecon = { 'merchants:test-connection': async () => ({ ok: false, error: { code: 'network', message: 'ECONNREFUSED', detail: { requestId: 'R1' } } }) };
    const e = (await call('merchants:test-connection', { id: 'm' }).catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect([e.code, e.message, e.detail, e.serverMessage]).toEqual(['network', '网络不通，请检查网络后重试：ECONNREFUSED', { requestId: 'R1' }, 'ECONNREFUSED']);
    setApiLang('en');
    const en = (await call('merchants:test-connection', { id: 'm' }).catch((x: unknown) => x)) as ApiError;
    expect(en.message).toBe('The network failed; check it and try again：ECONNREFUSED');
  });

  it('says so when there is no bridge at all', async () => {
    await expect(call('vault:status', {})).rejects.toMatchObject({ code: 'internal' });
  });
});

describe('groupWarnings', () => {
  it('shows one line per kind of warning with how often it happened', () => {
    expect(groupWarnings([
      { code: 'excel-mangled-id', message: '第 2 行…', count: 1 },
      { code: 'excel-mangled-id', message: '第 3 行…', count: 1 },
      { code: 'excel-mangled-id', message: '另有 998 行', count: 998 },
      { code: 'encoding-guessed', message: 'GBK', count: 1 },
    ])).toEqual([{ code: 'excel-mangled-id', message: '第 2 行…', count: 1000 }, { code: 'encoding-guessed', message: 'GBK', count: 1 }]);
  });
});
