// @vitest-environment jsdom
/** The renderer's only door to main: values through, errors as the UI's own words for the code. */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, call, setApiLang } from '../../renderer/src/api.ts';
import { groupWarnings, warningWhere } from '../../renderer/src/pages/ImportPage.tsx';

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
  it('shows one line per kind of warning with how often it happened and where', () => {
    const grouped = groupWarnings([
      { code: 'excel-mangled-id', message: '该行的微信订单号被改成了科学计数法', count: 1, rows: [2] },
      { code: 'excel-mangled-id', message: '该行的微信订单号被改成了科学计数法', count: 1, rows: [3] },
      { code: 'excel-mangled-id', message: '另有 998 行存在同类问题', count: 998, rows: [] },
      { code: 'encoding-guessed', message: 'GBK', count: 1, rows: [] },
    ]);
    expect(grouped).toEqual([
      { code: 'excel-mangled-id', message: '该行的微信订单号被改成了科学计数法', count: 1000, rows: [2, 3] },
      { code: 'encoding-guessed', message: 'GBK', count: 1, rows: [] },
    ]);
    expect(warningWhere(grouped[0]!, 'zh-CN')).toBe('（第 2、3 行等，共 1000 行）');
    expect(warningWhere(grouped[0]!, 'en')).toBe(' (rows 2, 3… 1000 in all)');
    expect(warningWhere(grouped[1]!, 'zh-CN')).toBe('');
  });

  it('names a single row, and counts a warning without rows', () => {
    expect(warningWhere({ code: 'encoding-invalid-bytes', message: 'x', count: 1, rows: [2] }, 'zh-CN')).toBe('（第 2 行）');
    expect(warningWhere({ code: 'encoding-invalid-bytes', message: 'x', count: 1, rows: [2] }, 'en')).toBe(' (row 2)');
    expect(warningWhere({ code: 'other-sheets', message: 'x', count: 3, rows: [] }, 'zh-CN')).toBe('（共 3 处）');
  });
});
