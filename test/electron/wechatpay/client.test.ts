/**
 * Live order queries against the built-in simulator: a real HTTP server on 127.0.0.1 that checks
 * signatures as WeChat does and signs its replies; profiles read from files as the CLI reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closePools, queryOrder } from '../../../electron/wechatpay/client.ts';
import { profileFromJson, ProfileError, readProfile, type MerchantProfile } from '../../../electron/wechatpay/profile.ts';
import { startSimulator, type Simulator } from '../../../electron/simulator/server.ts';
import { WechatPayError } from '../../../electron/wechatpay/order-query.ts';

const merchantKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const wechatKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUB_ID = 'PUB_KEY_ID_0119000000012026112700000000000001';
const TXN = '4200001234202611270000000001';
const V2_KEY = 'k'.repeat(32);
let dir: string;
let sim: Simulator;
let v3: MerchantProfile;
let v2: MerchantProfile;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-client-'));
  writeFileSync(join(dir, 'apiclient_key.pem'), merchantKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'pub_key.pem'), wechatKeys.publicKey.export({ type: 'spki', format: 'pem' }));
  sim = await startSimulator({
    orders: [
      { outTradeNo: 'A1001', transactionId: TXN, tradeState: 'SUCCESS', totalFen: 1999, payerTotalFen: 1899, successTime: '2026-11-27T00:00:03+08:00' },
      { outTradeNo: '0012', transactionId: null, tradeState: 'NOTPAY', totalFen: 500, successTime: null },
    ],
    merchant: { mchid: '1900000001', appid: 'wx0000000000000001', apiV2Key: V2_KEY, publicKey: merchantKeys.publicKey, certSerialNo: 'F5765756002FDD77' },
    wechatpay: { id: PUB_ID, privateKey: wechatKeys.privateKey },
  });
  const profile = { name: 'sim', mchid: '1900000001', appid: 'wx0000000000000001', baseUrl: sim.baseUrl, apiV2Key: V2_KEY, privateKeyPath: 'apiclient_key.pem', certSerialNo: 'F5765756002FDD77', wechatpayPublicKeyId: PUB_ID, wechatpayPublicKeyPath: 'pub_key.pem', timeoutMs: 5000 };
  writeFileSync(join(dir, 'merchant.json'), JSON.stringify({ ...profile, api: 'v3' }));
  v3 = await readProfile(join(dir, 'merchant.json'));
  v2 = await profileFromJson({ ...profile, api: 'v2', signType: 'HMAC-SHA256' }, dir);
});

afterAll(async () => {
  await closePools();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'answered';
  } catch (e) {
    return (e as WechatPayError).code ?? String(e);
  }
};

describe.each(['v3', 'v2'] as const)('queryOrder over %s against the simulator', (api) => {
  const profile = () => (api === 'v3' ? v3 : v2);

  it('answers a paid order by out_trade_no and by transaction_id, with verified figures', async () => {
    const paid = await queryOrder(profile(), { outTradeNo: 'A1001' });
    expect(paid).toMatchObject({ outTradeNo: 'A1001', transactionId: TXN, tradeState: 'SUCCESS', totalFen: 1999, payerTotalFen: 1899, successTime: '2026-11-27T00:00:03+08:00', api });
    expect(paid.queriedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect((await queryOrder(profile(), { transactionId: TXN })).outTradeNo).toBe('A1001');
  });

  it('answers an unpaid order (its 0-led number kept) and one WeChat does not have', async () => {
    expect(await queryOrder(profile(), { outTradeNo: '0012' })).toMatchObject({ outTradeNo: '0012', tradeState: 'NOTPAY', transactionId: null, successTime: null, totalFen: 500 });
    expect((await queryOrder(profile(), { outTradeNo: 'NOPE' })).tradeState).toBe('ORDER_NOT_EXIST');
  });

  it('refuses a reply whose body was changed after signing', async () => {
    sim.faults.tamper = true;
    try {
      expect(await codeOf(queryOrder(profile(), { outTradeNo: '0012' }))).toBe('RESPONSE_NOT_VERIFIED');
    } finally {
      sim.faults.tamper = false;
    }
  });
});

describe('what WeChat refuses, and what the client refuses', () => {
  it('v3: a reply from a skewed clock is not believed', async () => {
    sim.faults.skewSec = 301;
    try {
      expect(await codeOf(queryOrder(v3, { outTradeNo: 'A1001' }))).toBe('RESPONSE_NOT_VERIFIED');
    } finally {
      sim.faults.skewSec = 0;
    }
  });

  it('v3: a request signed with the wrong key gets SIGN_ERROR; a local clock far off is refused too', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wrongKey = { ...v3, v3: { ...v3.v3!, privateKey: other.privateKey } };
    expect(await codeOf(queryOrder(wrongKey, { outTradeNo: 'A1001' }))).toBe('SIGN_ERROR');
    expect(await codeOf(queryOrder(v3, { outTradeNo: 'A1001' }, { now: () => new Date(Date.now() - 3_600_000) }))).toBe('SIGN_ERROR');
  });

  it('v2: a request signed with the wrong key is refused by the simulator as WeChat does (签名错误)', async () => {
    const wrong = { ...v2, v2: { ...v2.v2!, apiV2Key: 'x'.repeat(32) } };
    const e = await queryOrder(wrong, { outTradeNo: 'A1001' }).catch((x: unknown) => x as WechatPayError);
    expect(e).toBeInstanceOf(WechatPayError);
    expect([(e as WechatPayError).code, (e as WechatPayError).message]).toEqual(['RETURN_FAIL', 'RETURN_FAIL: 签名错误']);
  });

  it('a server that is not there is a retried network error', async () => {
    const gone = { ...v3, baseUrl: 'http://127.0.0.1:9' };
    const started = Date.now();
    expect(await codeOf(queryOrder(gone, { outTradeNo: 'A1001' }, { attempts: 2, backoffMs: 10 }))).toBe('NETWORK');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a reply slower than the profile\'s timeoutMs is a retryable TIMEOUT', async () => {
    // undici's timers tick about once a second, so the wait is a little over a second.
    sim.faults.latencyMs = 2500;
    try {
      const e = await queryOrder({ ...v3, timeoutMs: 200 }, { outTradeNo: 'A1001' }, { attempts: 1 }).catch((x: unknown) => x as WechatPayError);
      expect([e instanceof WechatPayError && e.code, (e as WechatPayError).retryable]).toEqual(['TIMEOUT', true]);
    } finally {
      sim.faults.latencyMs = 0;
    }
  });

  it('a cancelled query stops', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await codeOf(queryOrder(v3, { outTradeNo: 'A1001' }, { signal: controller.signal }))).toBe('ABORTED');
  });
});

describe('merchant profiles', () => {
  const base = { mchid: '1900000001', appid: 'wx1', apiV2Key: V2_KEY, api: 'v2' };
  const problem = async (json: unknown) => {
    try {
      await profileFromJson(json, dir);
      return 'accepted';
    } catch (e) {
      return e instanceof ProfileError ? e.field : String(e);
    }
  };

  it('name the field that is wrong', async () => {
    expect(await problem(base)).toBe('accepted');
    expect(await problem({ ...base, baseUrl: 'http://api.mch.weixin.qq.com' })).toBe('baseUrl');
    expect(await problem({ ...base, baseUrl: 'http://localhost:8080/' })).toBe('accepted');
    expect(await problem({ ...base, mchid: '19000x' })).toBe('mchid');
    expect(await problem({ ...base, apiV2Key: 'short' })).toBe('apiV2Key');
    expect(await problem({ ...base, appid: undefined })).toBe('appid');
    expect(await problem({ ...base, api: 'v4' })).toBe('api');
    expect(await problem({ ...base, spMchid: '1900000100' })).toBe('subMchid');
    expect(await problem({ mchid: '1900000001', api: 'v3' })).toBe('privateKeyPath');
    expect(await problem({ mchid: '1900000001', api: 'v3', privateKeyPath: 'pub_key.pem', certSerialNo: 'AB12CD34' })).toBe('privateKeyPath');
    expect(await problem({ mchid: '1900000001', api: 'v3', privateKeyPath: 'apiclient_key.pem', certSerialNo: 'AB12CD34' })).toBe('wechatpayPublicKeyId');
    expect(await problem({ mchid: '1900000001', api: 'v3', privateKeyPath: 'apiclient_key.pem', certSerialNo: 'AB12CD34', wechatpayPublicKeyId: PUB_ID })).toBe('wechatpayPublicKeyPath');
    expect(await problem({ mchid: '1900000001', api: 'v3', privateKeyPath: 'missing.pem', certSerialNo: 'AB12CD34' })).toBe('privateKeyPath');
    expect(await problem({ ...base, apiV3Key: 'x' })).toBe('accepted');
    expect(await problem([])).toBe('profile');
  });
});

describe('a service provider acting for a sub-merchant (partner paths, sub_mch_id)', () => {
  let psim: Simulator;
  let pdir: string;
  let pv3: MerchantProfile;
  let pv2: MerchantProfile;
  beforeAll(async () => {
    const { newDemoMerchant, writeDemoProfile } = await import('../../../electron/simulator/demo-merchant.ts');
    const demo = newDemoMerchant({ partner: true });
    psim = await startSimulator({
      orders: [
        { outTradeNo: 'SP-1', transactionId: TXN, tradeState: 'SUCCESS', totalFen: 880, successTime: '2026-11-27T08:00:00+08:00' },
        { outTradeNo: 'SP-2', transactionId: null, tradeState: 'NOTPAY', totalFen: 10, successTime: null },
        { outTradeNo: 'SP-3', transactionId: null, tradeState: 'NOTPAY', totalFen: 10, successTime: null },
      ],
      merchant: demo.merchant,
      wechatpay: demo.wechatpay!,
    });
    pdir = mkdtempSync(join(tmpdir(), 'wxrecon-partner-'));
    pv3 = await readProfile(await writeDemoProfile(join(pdir, 'v3'), demo, psim.baseUrl, 'v3'));
    pv2 = await readProfile(await writeDemoProfile(join(pdir, 'v2'), demo, psim.baseUrl, 'v2'));
    expect([pv3.spMchid, pv3.subMchid]).toEqual(['1900000100', '1900000109']);
  });
  afterAll(async () => {
    await psim.close();
    rmSync(pdir, { recursive: true, force: true });
  });

  it.each(['v3', 'v2'] as const)('%s: queries the sub-merchant\'s orders as the provider, and closes one', async (api) => {
    const p = api === 'v3' ? pv3 : pv2;
    expect(await queryOrder(p, { outTradeNo: 'SP-1' })).toMatchObject({ tradeState: 'SUCCESS', totalFen: 880, transactionId: TXN });
    expect((await queryOrder(p, { transactionId: TXN })).outTradeNo).toBe('SP-1');
    const { closeOrder } = await import('../../../electron/wechatpay/client.ts');
    await closeOrder(p, api === 'v3' ? 'SP-2' : 'SP-3');
    expect((await queryOrder(p, { outTradeNo: api === 'v3' ? 'SP-2' : 'SP-3' })).tradeState).toBe('CLOSED');
  });

  it('refuses a provider that calls the direct-merchant paths, or names another sub-merchant', async () => {
    const direct = { ...pv3, mchid: '1900000100', spMchid: null, subMchid: null };
    expect(await codeOf(queryOrder(direct, { outTradeNo: 'SP-1' }))).toBe('PARAM_ERROR');
    const otherSub = { ...pv3, subMchid: '1900000999' };
    expect(await codeOf(queryOrder(otherSub, { outTradeNo: 'SP-1' }))).toBe('PARAM_ERROR');
    const v2Other = { ...pv2, subMchid: '1900000999' };
    expect(await codeOf(queryOrder(v2Other, { outTradeNo: 'SP-1' }))).toBe('RETURN_FAIL');
  });
});
