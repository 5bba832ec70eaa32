/** `wxrecon simulate` and `wxrecon query` together, in-process, as a user would run them. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../electron/cli/main.ts';
import { ordersFromState, runSimulate } from '../../../electron/cli/simulate.ts';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('wxrecon simulate + query', () => {
  it('queries the simulator with the demo profile it wrote, in v3 and v2, and stops cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxrecon-sim-'));
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    let out = '';
    const simulating = runSimulate(['--dir', dir, '--lang', 'zh-CN'], { stdout: (t) => (out += t), stderr: () => undefined }, 'zh-CN', until);
    try {
      for (let i = 0; i < 200 && !out.includes('merchant.json'); i++) await new Promise((r) => setTimeout(r, 25));
      expect(out).toMatch(/^微信支付模拟器：http:\/\/127\.0\.0\.1:\d+$/m);
      const profile = join(dir, 'merchant.json');
      expect(JSON.parse(readFileSync(profile, 'utf8'))).toMatchObject({ mchid: '1900000001', api: 'v3', privateKeyPath: 'apiclient_key.pem' });
      if (process.platform !== 'win32') expect(statSync(join(dir, 'apiclient_key.pem')).mode & 0o077).toBe(0);

      const v3 = await run('query', '--merchant', profile, '--out-trade-no', 'DEMO-1001', '--json');
      expect(v3.code).toBe(0);
      expect(JSON.parse(v3.stdout)).toMatchObject({ outTradeNo: 'DEMO-1001', transactionId: '4200000001202611260000000001', tradeState: 'SUCCESS', totalFen: 1999, successTime: '2026-11-26T10:15:02+08:00', api: 'v3' });
      const v2 = await run('query', '--merchant', profile, '--transaction-id', '4200000001202611260000000002', '--api', 'v2', '--json');
      expect(JSON.parse(v2.stdout)).toMatchObject({ outTradeNo: 'DEMO-1002', tradeState: 'REFUND', api: 'v2', refunds: { refundFen: 5800, complete: true, refunds: [{ outRefundNo: 'RDEMO-1002', status: 'SUCCESS' }] } });
      const refundText = await run('query', '--merchant', profile, '--out-trade-no', 'DEMO-1010', '--lang', 'zh-CN');
      expect(refundText.stdout).toContain('已退款 30.00 元（1 笔退款）');
      const gone = await run('query', '--merchant', profile, '--out-trade-no', 'NO-SUCH', '--lang', 'zh-CN');
      expect([gone.code, gone.stdout]).toEqual([0, expect.stringMatching(/^NO-SUCH：ORDER_NOT_EXIST（订单不存在）；v3 查询于 /)]);

      // A profile whose key WeChat does not know: the query fails (exit 3) and prints no state.
      const other = JSON.parse(readFileSync(profile, 'utf8'));
      writeFileSync(join(dir, 'other.json'), JSON.stringify({ ...other, certSerialNo: 'ABCDEF0123456789' }));
      const refused = await run('query', '--merchant', join(dir, 'other.json'), '--out-trade-no', 'DEMO-1001', '--json');
      expect([refused.code, refused.stdout]).toEqual([3, '']);
      expect(refused.stderr).toMatch(/SIGN_ERROR.*Request-ID/);
    } finally {
      stop();
      expect(await simulating).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad usage and bad profiles with exit 2 and a reason', async () => {
    expect((await run('query', '--out-trade-no', 'A')).code).toBe(2);
    expect((await run('query', '--merchant', 'x.json')).code).toBe(2);
    expect((await run('query', '--merchant', 'x.json', '--out-trade-no', 'A', '--transaction-id', 'B')).code).toBe(2);
    const missing = await run('query', '--merchant', '/nonexistent/merchant.json', '--out-trade-no', 'A', '--lang', 'zh-CN');
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/^wxrecon: 商户配置有误：profile: cannot read/)]);
    const dir = mkdtempSync(join(tmpdir(), 'wxrecon-q-'));
    writeFileSync(join(dir, 'm.json'), JSON.stringify({ mchid: '1900000001', api: 'v2', appid: 'wx1', apiV2Key: 'k'.repeat(32), baseUrl: 'http://example.com' }));
    const insecure = await run('query', '--merchant', join(dir, 'm.json'), '--out-trade-no', 'A');
    expect([insecure.code, insecure.stderr]).toEqual([2, expect.stringContaining('baseUrl: http:// is allowed only for 127.0.0.1')]);
    rmSync(dir, { recursive: true, force: true });
    expect((await run('query', '--help')).stdout).toContain('--transaction-id');
  });

  it('reads a state file of orders and names what is wrong in one', () => {
    expect(ordersFromState({ orders: [{ outTradeNo: 'A', tradeState: 'SUCCESS', totalFen: 1, transactionId: '4200000001202611260000000009', successTime: '2026-11-26T10:00:00+08:00' }] })).toHaveLength(1);
    expect(() => ordersFromState({})).toThrow(/orders/);
    expect(() => ordersFromState({ orders: [{ outTradeNo: 'A', tradeState: 'PAID', totalFen: 1 }] })).toThrow(/orders\[0\]\.tradeState/);
    expect(() => ordersFromState({ orders: [{ outTradeNo: 'A', tradeState: 'SUCCESS', totalFen: 1.5 }] })).toThrow(/orders\[0\]\.totalFen/);
    const refunded = ordersFromState({ orders: [{ outTradeNo: 'A', tradeState: 'REFUND', totalFen: 100, refunds: [{ outRefundNo: 'R1', refundId: 5030000001, refundFen: 40, status: 'SUCCESS', successTime: '2026-11-26T11:00:00+08:00' }] }] });
    expect(refunded[0]!.refunds).toEqual([{ outRefundNo: 'R1', refundId: '5030000001', refundFen: 40, status: 'SUCCESS', successTime: '2026-11-26T11:00:00+08:00' }]);
    expect(() => ordersFromState({ orders: [{ outTradeNo: 'A', tradeState: 'REFUND', totalFen: 1, refunds: [{ outRefundNo: 'R', refundFen: 1, status: 'DONE' }] }] })).toThrow(/refunds\[0\]\.status/);
  });

  it('simulates a service provider on platform certificates, with faults, as asked on the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxrecon-sim-'));
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    let out = '';
    const simulating = runSimulate(['--dir', dir, '--partner', '--certificates', '--api', 'v2', '--latency-ms', '5'], { stdout: (t) => (out += t), stderr: () => undefined }, 'en', until);
    try {
      for (let i = 0; i < 200 && !out.includes('merchant.json'); i++) await new Promise((r) => setTimeout(r, 25));
      const profile = join(dir, 'merchant.json');
      expect(JSON.parse(readFileSync(profile, 'utf8'))).toMatchObject({ api: 'v2', spMchid: '1900000100', subMchid: '1900000109', wechatpayPublicKeyId: null });
      for (const api of ['v2', 'v3']) {
        const r = await run('query', '--merchant', profile, '--out-trade-no', 'DEMO-1007', '--api', api, '--json');
        expect([r.code, JSON.parse(r.stdout).tradeState]).toEqual([0, 'SUCCESS']);
      }
      expect(out).toContain('download-bill --merchant');
    } finally {
      stop();
      expect(await simulating).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await run('simulate', '--error-rate', '2')).code).toBe(2);
  });
});
