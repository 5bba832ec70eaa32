// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ConnectionTest, MerchantSummary, VaultStatus } from '../../../shared/ipc/contract.ts';
import { fail, fillJsdomGaps, installApi, ok, type ApiHandlers } from '../helpers/fake-api.ts';
import { MerchantsPage } from '../../../renderer/src/pages/MerchantsPage.tsx';

beforeAll(fillJsdomGaps);

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

// ---- A fake preload API

function merchant(over: Partial<MerchantSummary> = {}): MerchantSummary {
  return {
    id: 'm1', name: '杭州一号店', mchid: '1900000109', appid: 'wx8888888888888888', api: 'v3', signType: 'MD5', baseUrl: 'https://api.mch.weixin.qq.com',
    spMchid: null, subMchid: null, subAppid: null, certSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', wechatpayPublicKeyId: null,
    platformCertificateSerials: [], hasApiV2Key: false, hasApiV3Key: false, hasPrivateKey: false, hasWechatpayPublicKey: false,
    requestsPerSecond: 5, concurrency: 2, timeoutMs: 15_000, isDemo: false,
    ...over,
  };
}

const osVault: VaultStatus = { protection: 'os', backend: 'keychain', sessionOnly: false };

function install(handlers: ApiHandlers): Record<string, ReturnType<typeof vi.fn>> {
  return installApi({ 'vault:status': () => ok(osVault), 'merchants:list': () => ok([]), 'files:pick': () => ok({ paths: [] }), ...handlers });
}

/**
 * A button's accessible name: antd puts a space between two CJK characters ("保 存"), and in jsdom a
 * spinner's leave animation never ends, so a button that was loading keeps "loading" before its text.
 */
const cjk = (text: string): RegExp => new RegExp(`^(loading )?${[...text].join('\\s*')}$`);

const V3_KEY = 'abcdefghijklmnopqrstuvwxyz012345';
const V2_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA987654';

function fieldOf(label: string): HTMLElement {
  const input = screen.getByLabelText(label);
  const item = input.closest('.ant-form-item');
  if (!(item instanceof HTMLElement)) throw new Error(`no form item around ${label}`);
  return item;
}

async function openEditor(name: RegExp | string = cjk('编辑')): Promise<void> {
  fireEvent.click(await screen.findByRole('button', { name }));
  await screen.findByLabelText('商户名称');
}

// ---- Tests

describe('MerchantsPage', () => {
  it('lists merchants with which secrets are set, and never a secret value', async () => {
    const demo = merchant({ id: 'demo', name: '演示商户（模拟器）', isDemo: true, hasApiV3Key: true, hasPrivateKey: true, hasWechatpayPublicKey: true, platformCertificateSerials: ['AA', 'BB'] });
    const sp = merchant({ id: 'sp', name: '服务商', api: 'v2', signType: 'HMAC-SHA256', spMchid: '1230000109', subMchid: '1900000111', hasApiV2Key: true });
    // A reply that carried a secret by mistake must still not reach the screen.
    const leaky = { ...demo, apiV3Key: V3_KEY, privateKeyPem: '-----BEGIN PRIVATE KEY-----LEAK' };
    install({ 'merchants:list': () => ok([leaky, sp]) });
    render(<MerchantsPage lang="zh-CN" />);

    const demoSecrets = await screen.findByTestId('secrets-demo');
    expect(within(demoSecrets).getByText('APIv3 密钥 已设置')).toBeTruthy();
    expect(within(demoSecrets).getByText('APIv2 密钥 未设置')).toBeTruthy();
    expect(within(demoSecrets).getByText('商户 API 私钥 已设置')).toBeTruthy();
    expect(within(demoSecrets).getByText('微信支付公钥 已设置')).toBeTruthy();
    expect(within(demoSecrets).getByText('平台证书 2 张')).toBeTruthy();
    const spSecrets = screen.getByTestId('secrets-sp');
    expect(within(spSecrets).getByText('APIv2 密钥 已设置')).toBeTruthy();
    expect(within(spSecrets).getByText('商户 API 私钥 未设置')).toBeTruthy();
    expect(screen.getByText('演示商户')).toBeTruthy();
    expect(screen.getByText('服务商 1230000109 / 特约 1900000111')).toBeTruthy();
    expect(screen.getByText('APIv2 (HMAC-SHA256)')).toBeTruthy();
    expect(screen.getByText('密钥由系统钥匙串加密保存。')).toBeTruthy();

    // The editor shows "set" and an empty field, not the key.
    fireEvent.click(screen.getAllByRole('button', { name: cjk('编辑') })[0]!);
    const v3 = (await screen.findByLabelText('APIv3 密钥')) as HTMLInputElement;
    expect(v3.value).toBe('');
    expect(v3.placeholder).toContain('已设置');
    expect(document.body.textContent).not.toContain(V3_KEY);
    expect(document.body.textContent).not.toContain('LEAK');
    for (const input of Array.from(document.querySelectorAll('input'))) {
      expect(input.value).not.toContain(V3_KEY);
    }
  });

  it('saves a new merchant with only the secrets typed', async () => {
    const fns = install({ 'merchants:save': (req: { name: string; mchid: string }) => ok(merchant({ id: 'new1', name: req.name, mchid: req.mchid, hasApiV3Key: true })) });
    render(<MerchantsPage lang="zh-CN" />);
    fireEvent.click(await screen.findByRole('button', { name: '添加商户' }));
    await screen.findByLabelText('商户名称');

    fireEvent.change(screen.getByLabelText('商户名称'), { target: { value: '  上海二号店 ' } });
    fireEvent.change(screen.getByLabelText('商户号'), { target: { value: '12a' } });
    fireEvent.change(screen.getByLabelText('APIv3 密钥'), { target: { value: V3_KEY } });
    fireEvent.click(screen.getByRole('button', { name: cjk('保存') }));
    // The form refuses a merchant id that is not 6–12 digits before asking main.
    await waitFor(() => expect(within(fieldOf('商户号')).getByText('商户号为 6 到 12 位数字')).toBeTruthy());
    expect(fns['merchants:save']).not.toHaveBeenCalled();

    fireEvent.change(screen.getByLabelText('商户号'), { target: { value: '1900000109' } });
    fireEvent.click(screen.getByRole('button', { name: cjk('保存') }));
    await waitFor(() => expect(fns['merchants:save']).toHaveBeenCalledTimes(1));
    const payload = fns['merchants:save']!.mock.calls[0]![0] as Record<string, unknown>;
    expect(payload).toMatchObject({
      name: '上海二号店', mchid: '1900000109', api: 'v3', baseUrl: 'https://api.mch.weixin.qq.com',
      spMchid: null, subMchid: null, appid: null, certSerialNo: null, wechatpayPublicKeyId: null, apiV3Key: V3_KEY,
    });
    expect('apiV2Key' in payload).toBe(false);
    expect('id' in payload).toBe(false);

    // Saved: the drawer moves to the new merchant (for its key files) and forgets the typed key.
    await screen.findByText('编辑：上海二号店');
    expect((screen.getByLabelText('APIv3 密钥') as HTMLInputElement).value).toBe('');
    expect(screen.getByTestId('key-private-key')).toBeTruthy();
  });

  it('checks key lengths in the form: 32 characters for APIv2, 32 UTF-8 bytes for APIv3', async () => {
    const fns = install({});
    render(<MerchantsPage lang="zh-CN" />);
    fireEvent.click(await screen.findByRole('button', { name: '添加商户' }));
    await screen.findByLabelText('商户名称');
    fireEvent.change(screen.getByLabelText('商户名称'), { target: { value: '店' } });
    fireEvent.change(screen.getByLabelText('商户号'), { target: { value: '1900000109' } });
    fireEvent.change(screen.getByLabelText('APIv2 密钥'), { target: { value: 'short' } });
    // 11 CJK characters and a letter: 12 characters but 34 bytes.
    fireEvent.change(screen.getByLabelText('APIv3 密钥'), { target: { value: '密钥密钥密钥密钥密钥密a' } });
    fireEvent.click(screen.getByRole('button', { name: cjk('保存') }));
    await waitFor(() => expect(within(fieldOf('APIv2 密钥')).getByText('APIv2 密钥应为 32 个字符（现在是 5 个）')).toBeTruthy());
    expect(within(fieldOf('APIv3 密钥')).getByText('APIv3 密钥应为 32 字节（现在是 34 字节）')).toBeTruthy();
    expect(fns['merchants:save']).toBeUndefined();
  });

  it("shows the main process's refusal of a key on that key's field, and keeps the unedited settings", async () => {
    const m1 = merchant({ hasApiV2Key: true, hasApiV3Key: true });
    const fns = install({
      'merchants:list': () => ok([m1]),
      'merchants:save': () => fail({ code: 'key-invalid', message: 'APIv2 密钥应为 32 个字符', detail: { field: 'apiV2Key' } }),
    });
    render(<MerchantsPage lang="zh-CN" />);
    await openEditor();
    fireEvent.change(screen.getByLabelText('APIv2 密钥'), { target: { value: V2_KEY } });
    // Clearing the stored APIv3 key sends null.
    fireEvent.click(within(fieldOf('APIv3 密钥')).getByRole('button', { name: cjk('清除') }));
    fireEvent.click(screen.getByRole('button', { name: cjk('保存') }));

    await waitFor(() => expect(within(fieldOf('APIv2 密钥')).getByText(/APIv2 密钥应为 32 个字符/)).toBeTruthy());
    const payload = fns['merchants:save']!.mock.calls[0]![0] as Record<string, unknown>;
    expect(payload).toMatchObject({ id: 'm1', apiV2Key: V2_KEY, apiV3Key: null, requestsPerSecond: 5, concurrency: 2, timeoutMs: 15_000, certSerialNo: m1.certSerialNo });
    // The error is on the field, not elsewhere.
    expect(within(fieldOf('APIv3 密钥')).queryByText(/APIv2 密钥应为/)).toBeNull();
  });

  it('edits the query pace: rate, requests at once and the timeout in seconds (sent in ms)', async () => {
    const m1 = merchant();
    const fns = install({ 'merchants:list': () => ok([m1]), 'merchants:save': (req: unknown) => ok({ ...m1, ...(req as object) }) });
    render(<MerchantsPage lang="zh-CN" />);
    await openEditor();
    // The section is folded but rendered: it starts at the merchant's own pace.
    expect((screen.getByLabelText('每秒请求上限') as HTMLInputElement).value).toBe('5');
    expect((screen.getByLabelText('单次请求超时（秒）') as HTMLInputElement).value).toBe('15');
    fireEvent.click(screen.getByText('查询速度'));
    fireEvent.change(screen.getByLabelText('每秒请求上限'), { target: { value: '50' } });
    fireEvent.change(screen.getByLabelText('单次请求超时（秒）'), { target: { value: '30' } });
    fireEvent.click(screen.getByRole('button', { name: cjk('保存') }));
    await waitFor(() => expect(fns['merchants:save']).toBeDefined());
    await waitFor(() => expect(fns['merchants:save']!.mock.calls.length).toBe(1));
    expect(fns['merchants:save']!.mock.calls[0]![0]).toMatchObject({ id: 'm1', requestsPerSecond: 50, concurrency: 2, timeoutMs: 30_000 });
  });

  it('imports a key file from a pasted path and explains a refusal in Chinese', async () => {
    const m1 = merchant();
    let attempts = 0;
    const fns = install({
      'merchants:list': () => ok([m1]),
      'merchants:import-key-file': (req: { kind: string }) => {
        attempts += 1;
        if (attempts === 1) return fail({ code: 'key-invalid', message: '私钥文件已损坏或格式有误', detail: { field: 'not-pem' } });
        return ok(merchant(req.kind === 'private-key' ? { hasPrivateKey: true } : { hasWechatpayPublicKey: true }));
      },
      'files:pick': () => ok({ paths: ['/keys/pub_key.pem'] }),
    });
    render(<MerchantsPage lang="zh-CN" />);
    await openEditor();

    const row = screen.getByTestId('key-private-key');
    fireEvent.change(within(row).getByLabelText('商户 API 私钥 或粘贴文件路径'), { target: { value: ' /keys/readme.txt ' } });
    fireEvent.click(within(row).getByRole('button', { name: cjk('导入') }));
    await waitFor(() => expect(within(row).getByText('文件不是 PEM 格式')).toBeTruthy());
    expect(fns['merchants:import-key-file']).toHaveBeenCalledWith({ id: 'm1', kind: 'private-key', path: '/keys/readme.txt' });

    fireEvent.change(within(row).getByLabelText('商户 API 私钥 或粘贴文件路径'), { target: { value: '/keys/apiclient_key.pem' } });
    fireEvent.click(within(row).getByRole('button', { name: cjk('导入') }));
    await waitFor(() => expect(within(row).getByText('已设置')).toBeTruthy());
    expect(within(row).queryByText('文件不是 PEM 格式')).toBeNull();

    // The system dialog path: files:pick, then the import of what was picked.
    const pub = screen.getByTestId('key-wechatpay-public-key');
    fireEvent.click(within(pub).getByRole('button', { name: '导入…' }));
    await waitFor(() => expect(fns['merchants:import-key-file']).toHaveBeenLastCalledWith({ id: 'm1', kind: 'wechatpay-public-key', path: '/keys/pub_key.pem' }));
    expect(fns['files:pick']).toHaveBeenCalledWith({ purpose: 'key' });
  });

  it('explains a failed connection test (clock skew) and reports a working one with its latency', async () => {
    const failed: ConnectionTest = { ok: false, problem: 'clock-skew', message: '本机时间与微信支付相差 5 分钟以上，请校准系统时间', wechatCode: 'SIGN_ERROR', requestId: 'REQ-08F2', latencyMs: 80, api: 'v3' };
    const worked: ConnectionTest = { ok: true, problem: 'none', message: '连接正常', wechatCode: null, requestId: null, latencyMs: 42, api: 'v3' };
    let n = 0;
    const fns = install({ 'merchants:list': () => ok([merchant()]), 'merchants:test-connection': () => ok(++n === 1 ? failed : worked) });
    render(<MerchantsPage lang="zh-CN" />);
    fireEvent.click(await screen.findByRole('button', { name: '测试连接' }));

    const alert = await screen.findByText(/本机时间不准/);
    const box = alert.closest('.ant-alert') as HTMLElement;
    expect(within(box).getByText(/开启“自动设置时间”或校准时钟/)).toBeTruthy();
    expect(within(box).getByText('SIGN_ERROR')).toBeTruthy();
    expect(within(box).getByText('REQ-08F2')).toBeTruthy();
    expect(fns['merchants:test-connection']).toHaveBeenCalledWith({ id: 'm1' });

    fireEvent.click(screen.getByRole('button', { name: cjk('测试连接') }));
    await screen.findByText('连接正常（耗时 42 毫秒）');
    expect(screen.queryByText(/本机时间不准/)).toBeNull();
  });

  it('warns about a weak vault and switches to session-only keys', async () => {
    const fns = install({
      'vault:status': () => ok({ protection: 'weak', backend: 'basic_text', sessionOnly: true }),
      'vault:set-session-only': (req: { sessionOnly: boolean }) => ok({ protection: 'weak', backend: 'basic_text', sessionOnly: req.sessionOnly }),
    });
    render(<MerchantsPage lang="zh-CN" />);
    await screen.findByText(/本机没有系统钥匙串/);
    const sw = screen.getByRole('switch', { name: '仅在本次运行中保存密钥' });
    expect(sw.getAttribute('aria-checked')).toBe('true');
    fireEvent.click(sw);
    await waitFor(() => expect(fns['vault:set-session-only']).toHaveBeenCalledWith({ sessionOnly: false }));
    await screen.findByText(/密钥会写入本机磁盘/);
    expect(screen.getByRole('switch', { name: '仅在本次运行中保存密钥' }).getAttribute('aria-checked')).toBe('false');
  });

  it('deletes after confirmation, and shows a load failure with a retry', async () => {
    let lists = 0;
    const fns = install({
      'merchants:list': () => (++lists === 1 ? fail({ code: 'internal', message: 'boom' }) : ok([merchant()])),
      'merchants:delete': () => ok({ deleted: true }),
    });
    render(<MerchantsPage lang="zh-CN" />);
    await screen.findByText('无法读取商户列表');
    fireEvent.click(screen.getByRole('button', { name: cjk('重试') }));
    await screen.findByText('杭州一号店');

    fireEvent.click(screen.getByRole('button', { name: cjk('删除') }));
    const pop = await screen.findByText(/删除商户“杭州一号店”/);
    const popover = pop.closest('.ant-popover') as HTMLElement;
    await act(async () => {
      fireEvent.click(within(popover).getByRole('button', { name: cjk('删除') }));
    });
    await waitFor(() => expect(screen.queryByText('杭州一号店')).toBeNull());
    expect(fns['merchants:delete']).toHaveBeenCalledWith({ id: 'm1' });
  });

  it('speaks English when asked', async () => {
    install({ 'merchants:list': () => ok([merchant({ hasApiV3Key: true })]), 'vault:status': () => ok({ protection: 'unavailable', backend: 'unavailable', sessionOnly: true }) });
    render(<MerchantsPage lang="en" />);
    const secrets = await screen.findByTestId('secrets-m1');
    expect(within(secrets).getByText('APIv3 key set')).toBeTruthy();
    expect(within(secrets).getByText('APIv2 key not set')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add merchant' })).toBeTruthy();
    expect(screen.getByText(/Keys cannot be encrypted here/)).toBeTruthy();
  });
});
