/** `wxrecon close` against the simulator: refused when paid or too young, confirmed, recorded. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClose } from '../../../electron/cli/close.ts';
import { main } from '../../../electron/cli/main.ts';
import { startSimulator, type Simulator } from '../../../electron/simulator/server.ts';
import { newDemoMerchant, writeDemoProfile } from '../../../electron/simulator/demo-merchant.ts';

let dir: string;
let sim: Simulator;
let profile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-close-'));
  const demo = newDemoMerchant();
  sim = await startSimulator({
    orders: [
      { outTradeNo: 'OPEN-V3', transactionId: null, tradeState: 'NOTPAY', totalFen: 990, successTime: null },
      { outTradeNo: 'OPEN-V2', transactionId: null, tradeState: 'USERPAYING', totalFen: 990, successTime: null },
      { outTradeNo: 'PAID', transactionId: '4200000001202611260000000001', tradeState: 'SUCCESS', totalFen: 1999, successTime: '2026-11-26T10:15:02+08:00' },
      { outTradeNo: 'SHUT', transactionId: null, tradeState: 'CLOSED', totalFen: 100, successTime: null },
      { outTradeNo: 'WAIT', transactionId: null, tradeState: 'NOTPAY', totalFen: 100, successTime: null },
    ],
    merchant: demo.merchant,
    wechatpay: demo.wechatpay,
  });
  profile = await writeDemoProfile(dir, demo, sim.baseUrl);
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

async function close(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['close', '--merchant', profile, '--record', join(dir, 'closes.jsonl'), ...argv], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
const records = () => readFileSync(join(dir, 'closes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('wxrecon close', () => {
  it.each([['v3', 'OPEN-V3'], ['v2', 'OPEN-V2']])('closes an unpaid order over %s with --yes, checks the result and records it', async (api, key) => {
    const r = await close('--out-trade-no', key, '--api', api, '--yes', '--lang', 'zh-CN');
    expect([r.code, r.stdout]).toEqual([0, `${key}：已关单（微信支付状态 CLOSED）\n`]);
    expect(records().at(-1)).toMatchObject({ outTradeNo: key, outcome: 'closed', wechatState: 'CLOSED' });
    // Closing again: WeChat already says CLOSED, nothing is sent.
    const again = await close('--out-trade-no', key, '--api', api, '--yes');
    expect([again.code, records().at(-1)!.outcome]).toEqual([0, 'nothing-to-do']);
  });

  it('refuses a paid order, and does nothing for a closed or unknown one', async () => {
    const paid = await close('--out-trade-no', 'PAID', '--yes', '--lang', 'zh-CN');
    expect([paid.code, paid.stderr]).toEqual([2, 'wxrecon: PAID 已支付（SUCCESS），已支付的订单不能关单\n']);
    expect(records().at(-1)).toMatchObject({ outTradeNo: 'PAID', outcome: 'refused' });
    expect((await close('--out-trade-no', 'SHUT', '--yes')).stdout).toContain('nothing to close');
    expect((await close('--out-trade-no', 'NOBODY', '--yes')).stdout).toContain('ORDER_NOT_EXIST');
  });

  it('needs a confirmation when not interactive, and keeps WeChat\'s five minutes', async () => {
    const unconfirmed = await close('--out-trade-no', 'WAIT');
    expect([unconfirmed.code, unconfirmed.stderr]).toEqual([2, 'wxrecon: closing needs confirmation: add --yes\n']);
    expect((await main(['query', '--merchant', profile, '--out-trade-no', 'WAIT', '--json'], { stdout: (t) => expect(JSON.parse(t).tradeState).toBe('NOTPAY'), stderr: () => undefined }))).toBe(0);
    let stderr = '';
    const young = await runClose(['--merchant', profile, '--out-trade-no', 'X', '--created-at', '2026-11-27 09:58:00', '--yes'], { stdout: () => undefined, stderr: (t) => (stderr += t) }, 'en', () => new Date('2026-11-27T02:00:00Z'));
    expect([young, stderr]).toEqual([2, 'wxrecon: the order is less than five minutes old; WeChat Pay does not allow closing it yet\n']);
    expect((await close('--out-trade-no', 'X', '--created-at', 'yesterday-ish')).code).toBe(2);
  });
});
