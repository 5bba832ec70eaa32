/**
 * Merchant profiles in the app: saved without secrets in the store, key files checked with a reason
 * that names the problem, and "test connection" against the simulator telling each failure apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MerchantRepository } from '../../../electron/main/merchants.ts';
import { KeyVault } from '../../../electron/main/vault.ts';
import { MerchantInputSchema } from '../../../shared/ipc/contract.ts';
import { startSimulator, type Simulator } from '../../../electron/simulator/server.ts';
import { newDemoMerchant, type DemoMerchant } from '../../../electron/simulator/demo-merchant.ts';
import { demoOrders } from '../../../electron/simulator/demo-data.ts';
import { closePools } from '../../../electron/wechatpay/client.ts';
import { makeCertificate } from '../../../electron/simulator/certificate.ts';
import { fakeSafeStorage, memoryStore } from '../../helpers/fake-electron.ts';

let dir: string;
let sim: Simulator;
let demo: DemoMerchant;
const pem = (k: Parameters<typeof createPublicKey>[0] | import('node:crypto').KeyObject, type: 'pkcs8' | 'spki') => (k as import('node:crypto').KeyObject).export({ type, format: 'pem' }) as string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-merchants-'));
  demo = newDemoMerchant();
  sim = await startSimulator({ orders: demoOrders(), merchant: demo.merchant, wechatpay: demo.wechatpay! });
});
afterAll(async () => {
  await closePools();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

function repo() {
  const store = memoryStore();
  const vault = new KeyVault(fakeSafeStorage(), store, 'linux');
  return { store, vault, merchants: new MerchantRepository(store, vault) };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function configured(overrides: Record<string, unknown> = {}) {
  const r = repo();
  const m = demo.merchant;
  const saved = r.merchants.save(MerchantInputSchema.parse({ name: '测试商户', mchid: m.mchid, appid: m.appid, api: 'v3', baseUrl: sim.baseUrl, certSerialNo: m.certSerialNo, wechatpayPublicKeyId: demo.wechatpay!.id, apiV2Key: m.apiV2Key, apiV3Key: m.apiV3Key, ...overrides }));
  await r.merchants.importKeyFile(saved.id, 'private-key', file('apiclient_key.pem', pem(demo.merchantPrivateKey, 'pkcs8')));
  await r.merchants.importKeyFile(saved.id, 'wechatpay-public-key', file('pub_key.pem', pem(createPublicKey(demo.wechatpay!.privateKey), 'spki')));
  return { ...r, id: saved.id };
}

describe('merchant profiles in the app', () => {
  it('keeps secrets out of the store and out of the summary', async () => {
    const { store, merchants, id } = await configured();
    const summary = merchants.list()[0]!;
    expect(summary).toMatchObject({ id, hasApiV2Key: true, hasApiV3Key: true, hasPrivateKey: true, hasWechatpayPublicKey: true, api: 'v3' });
    const everything = JSON.stringify(summary) + store.disk();
    for (const secret of [demo.merchant.apiV2Key, demo.merchant.apiV3Key!, pem(demo.merchantPrivateKey, 'pkcs8').split('\n')[1]!]) expect(everything).not.toContain(secret);
  });

  it.each([
    ['a text file', 'private-key', 'hello', 'not-pem'],
    ['a public key given as the private key', 'private-key', pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, 'spki'), 'not-private-key'],
    ['an RSA 1024 private key', 'private-key', pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, 'pkcs8'), 'not-rsa-2048'],
    ['an EC key', 'private-key', pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'pkcs8'), 'not-rsa'],
    ['a private key given as the WeChat Pay public key', 'wechatpay-public-key', pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'pkcs8'), 'not-public-key'],
    ['a key given as a platform certificate', 'platform-certificate', pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, 'spki'), 'not-certificate'],
  ] as const)('refuses %s, naming why', async (_, kind, text, reason) => {
    const { merchants, id } = await configured();
    await expect(merchants.importKeyFile(id, kind, file(`k-${reason}.pem`, text))).rejects.toMatchObject({ code: 'key-invalid', detail: { field: reason } });
  });

  it('refuses an expired platform certificate and keeps a valid one by its serial', async () => {
    const { merchants, id } = await configured();
    const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cert = (from: string, to: string) => makeCertificate({ serialHex: '4A1B', subject: { CN: 'x' }, issuer: { CN: 'x' }, notBefore: new Date(from), notAfter: new Date(to), publicKey: k.publicKey, signingKey: k.privateKey });
    await expect(merchants.importKeyFile(id, 'platform-certificate', file('old.pem', cert('2020-01-01', '2021-01-01')))).rejects.toMatchObject({ detail: { field: 'expired' } });
    const s = await merchants.importKeyFile(id, 'platform-certificate', file('new.pem', cert('2025-01-01', '2040-01-01')));
    expect(s.platformCertificateSerials).toEqual(['4A1B']);
  });

  it('refuses keys of the wrong length, a half service provider and an http base URL, by field', () => {
    const { merchants } = repo();
    const base = { name: 'x', mchid: '1900000001', api: 'v2', appid: 'wx1' };
    expect(() => merchants.save(MerchantInputSchema.parse({ ...base, apiV2Key: 'short' }))).toThrow(expect.objectContaining({ code: 'key-invalid', detail: { field: 'apiV2Key' } }));
    expect(() => merchants.save(MerchantInputSchema.parse({ ...base, apiV3Key: '密钥'.repeat(8) }))).toThrow(expect.objectContaining({ detail: { field: 'apiV3Key' } }));
    expect(() => merchants.save(MerchantInputSchema.parse({ ...base, spMchid: '1900000100' }))).toThrow(expect.objectContaining({ detail: { field: 'subMchid' } }));
    expect(() => merchants.save(MerchantInputSchema.parse({ ...base, baseUrl: 'http://api.mch.weixin.qq.com' }))).toThrow(expect.objectContaining({ detail: { field: 'baseUrl' } }));
    expect(MerchantInputSchema.safeParse({ ...base, mchid: '19000x' }).success).toBe(false);
  });

  describe('test connection', () => {
    it('passes with the right keys, in both protocols', async () => {
      const { merchants, id } = await configured();
      expect(await merchants.testConnection(id)).toMatchObject({ ok: true, problem: 'none', api: 'v3' });
      const v2 = await configured({ api: 'v2' });
      expect(await v2.merchants.testConnection(v2.id)).toMatchObject({ ok: true, api: 'v2' });
    });

    it('tells a refused request signature, a reply that does not verify, a wrong merchant, the clock and the network apart', async () => {
      const wrongKey = await configured();
      await wrongKey.merchants.importKeyFile(wrongKey.id, 'private-key', file('other_key.pem', pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'pkcs8')));
      expect((await wrongKey.merchants.testConnection(wrongKey.id)).problem).toBe('request-signature-refused');

      const wrongPub = await configured();
      await wrongPub.merchants.importKeyFile(wrongPub.id, 'wechatpay-public-key', file('other_pub.pem', pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, 'spki')));
      expect((await wrongPub.merchants.testConnection(wrongPub.id)).problem).toBe('reply-not-verified');

      const wrongMch = await configured({ mchid: '1900000999' });
      expect((await wrongMch.merchants.testConnection(wrongMch.id)).problem).toBe('merchant-id');

      const late = await configured();
      expect((await late.merchants.testConnection(late.id, { now: () => new Date(Date.now() - 3_600_000) })).problem).toBe('clock-skew');

      const gone = await configured({ baseUrl: 'http://127.0.0.1:9' });
      expect((await gone.merchants.testConnection(gone.id)).problem).toBe('network');

      const v2wrong = await configured({ api: 'v2', apiV2Key: 'x'.repeat(32) });
      expect((await v2wrong.merchants.testConnection(v2wrong.id)).problem).toBe('request-signature-refused');
    });

    it('says what is missing from an incomplete profile', async () => {
      const { merchants } = repo();
      const s = merchants.save(MerchantInputSchema.parse({ name: 'x', mchid: '1900000001', api: 'v3', baseUrl: sim.baseUrl }));
      expect(await merchants.testConnection(s.id)).toMatchObject({ ok: false, problem: 'profile-incomplete' });
    });
  });
});
