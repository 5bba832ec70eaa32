/**
 * Platform certificate mode (平台证书) against the simulator: certificates downloaded with the
 * APIv3 key and cached, a roll to a new certificate, a switch from platform certificates to the
 * WeChat Pay public key and back, and every way the download can be wrong.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closePools, forgetCertificates, platformCertificates, queryOrder } from '../../../electron/wechatpay/client.ts';
import { readProfile } from '../../../electron/wechatpay/profile.ts';
import { startSimulator, type SimOrder, type Simulator } from '../../../electron/simulator/server.ts';
import { newDemoMerchant, newPlatformCertificate, writeDemoProfile } from '../../../electron/simulator/demo-merchant.ts';
import { makeCertificate } from '../../../electron/simulator/certificate.ts';
import type { WechatPayError } from '../../../electron/wechatpay/order-query.ts';

const orders: SimOrder[] = [{ outTradeNo: 'C1', transactionId: '4200000001202611260000000001', tradeState: 'SUCCESS', totalFen: 100, successTime: '2026-11-26T10:00:00+08:00' }];
const dirs: string[] = [];
const sims: Simulator[] = [];
const code = async (p: Promise<unknown>) => p.then(() => 'answered', (e: WechatPayError) => e.code);

/** A fake clock both sides share, so an hour can pass in a test. */
function clock(start = Date.parse('2026-11-27T09:00:00+08:00')) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

async function setup(opts: { certificates: boolean; publicKeyToo?: boolean; now: () => Date }) {
  const demo = newDemoMerchant({ certificates: opts.certificates, now: opts.now() });
  const both = opts.publicKeyToo === true ? newDemoMerchant({ now: opts.now() }).wechatpay : undefined;
  const sim = await startSimulator({ orders, merchant: demo.merchant, ...(demo.wechatpay ?? both ? { wechatpay: (demo.wechatpay ?? both)! } : {}), ...(demo.platformCertificates ? { platformCertificates: demo.platformCertificates } : {}), now: opts.now });
  if (both !== undefined) sim.signWith = 'platform';
  sims.push(sim);
  const dir = mkdtempSync(join(tmpdir(), 'wxrecon-cert-'));
  dirs.push(dir);
  const profile = await readProfile(await writeDemoProfile(dir, both !== undefined ? { ...demo, wechatpay: both } : demo, sim.baseUrl));
  return { demo, sim, profile };
}

afterEach(() => forgetCertificates());
afterAll(async () => {
  await closePools();
  for (const s of sims) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('platform certificates', () => {
  it('are downloaded once with the APIv3 key, then verify every reply; again after an hour', async () => {
    const c = clock();
    const { sim, profile } = await setup({ certificates: true, now: c.now });
    expect(profile.v3!.publicKey).toBeNull();
    for (let i = 0; i < 3; i++) expect((await queryOrder(profile, { outTradeNo: 'C1' }, { now: c.now })).tradeState).toBe('SUCCESS');
    expect(sim.stats.certificates).toBe(1);
    c.advance(61 * 60_000);
    await queryOrder(profile, { outTradeNo: 'C1' }, { now: c.now });
    expect(sim.stats.certificates).toBe(2);
  });

  it('are listed decrypted and checked for `wxrecon` to save', async () => {
    const c = clock();
    const { demo, profile } = await setup({ certificates: true, now: c.now });
    const list = await platformCertificates(profile, { now: c.now });
    expect(list.map((x) => x.serialNo)).toEqual([demo.platformCertificates![0]!.serialNo]);
    expect(new X509Certificate(list[0]!.pem).serialNumber).toBe(demo.platformCertificates![0]!.serialNo);
  });

  it('roll over: a reply signed by a new certificate fetches the list again and is believed', async () => {
    const c = clock();
    const { sim, profile } = await setup({ certificates: true, now: c.now });
    await queryOrder(profile, { outTradeNo: 'C1' }, { now: c.now });
    sim.platformCertificates.push(newPlatformCertificate(c.now(), new Date(c.now().getTime() - 60_000)));
    c.advance(20_000);
    expect((await queryOrder(profile, { outTradeNo: 'C1' }, { now: c.now })).tradeState).toBe('SUCCESS');
    expect(sim.stats.certificates).toBe(2);
  });

  it('a switch between platform certificates and the WeChat Pay public key verifies on both sides of it', async () => {
    const c = clock();
    const { sim, profile } = await setup({ certificates: true, publicKeyToo: true, now: c.now });
    expect(profile.v3!.publicKey).not.toBeNull();
    expect(sim.signWith).toBe('platform');
    expect(await code(queryOrder(profile, { outTradeNo: 'C1' }, { now: c.now }))).toBe('answered');
    sim.signWith = 'public-key';
    expect(await code(queryOrder(profile, { outTradeNo: 'C1' }, { now: c.now }))).toBe('answered');
    expect(sim.stats.certificates).toBe(1);
  });

  it('a merchant on the public key only: RESOURCE_NOT_EXISTS is no error, and a reply from an unknown serial is not believed', async () => {
    const c = clock();
    const { sim, profile } = await setup({ certificates: false, now: c.now });
    expect(await code(queryOrder(profile, { outTradeNo: 'C1' }, { now: c.now }))).toBe('answered');
    expect(sim.stats.certificates).toBe(0);
    expect(await code(platformCertificates(profile, { now: c.now }))).toBe('RESOURCE_NOT_EXISTS');
    // A reply signed with a key and serial the merchant was never given: the client looks for a
    // new certificate (there is none), then refuses the reply.
    sim.faults.foreignSigner = true;
    try {
      expect(await code(queryOrder(profile, { outTradeNo: 'C1' }, { now: c.now }))).toBe('RESPONSE_NOT_VERIFIED');
      expect(sim.stats.certificates).toBe(2);
      // A second one within seconds does not ask for the list again.
      expect(await code(queryOrder(profile, { outTradeNo: 'C1' }, { now: c.now }))).toBe('RESPONSE_NOT_VERIFIED');
      expect(sim.stats.certificates).toBe(2);
    } finally {
      sim.faults.foreignSigner = false;
    }
  });

  it('a wrong APIv3 key cannot decrypt them, and says so', async () => {
    const c = clock();
    const { profile } = await setup({ certificates: true, now: c.now });
    const wrong = { ...profile, v3: { ...profile.v3!, apiV3Key: 'x'.repeat(32) } };
    expect(await code(platformCertificates(wrong, { now: c.now }))).toBe('CERTIFICATE_DECRYPT_FAILED');
    expect(await code(queryOrder(wrong, { outTradeNo: 'C1' }, { now: c.now }))).toBe('CERTIFICATE_DECRYPT_FAILED');
  });

  it('a tampered list, or one whose reply is signed by a key it does not carry, is refused', async () => {
    const c = clock();
    const { sim, profile } = await setup({ certificates: true, now: c.now });
    sim.faults.tamper = true;
    try {
      expect(await code(platformCertificates(profile, { now: c.now }))).toBe('RESPONSE_NOT_VERIFIED');
    } finally {
      sim.faults.tamper = false;
    }
    // An impostor certificate: listed under the serial that signs, but with another key inside.
    const real = sim.platformCertificates[0]!;
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    sim.platformCertificates[0] = { ...real, pem: makeCertificate({ serialHex: real.serialNo, subject: { CN: 'impostor' }, issuer: { CN: 'impostor' }, notBefore: new Date(0), notAfter: new Date('2040-01-01'), publicKey: other.publicKey, signingKey: other.privateKey }) };
    expect(await code(platformCertificates(profile, { now: c.now }))).toBe('RESPONSE_NOT_VERIFIED');
  });

  it('expired certificates are dropped; a reply signed with one is not believed', async () => {
    const c = clock();
    const { sim, profile } = await setup({ certificates: true, now: c.now });
    const old = newPlatformCertificate(c.now(), new Date(c.now().getTime() - 3 * 365 * 86_400_000), new Date(c.now().getTime() - 86_400_000));
    sim.platformCertificates.push(old);
    const list = await platformCertificates(profile, { now: c.now });
    expect(list.map((x) => x.serialNo)).not.toContain(old.serialNo);
    sim.platformCertificates.splice(0, 1);
    // Only the expired one is left to sign with.
    expect(await code(queryOrder(profile, { outTradeNo: 'C1' }, { now: c.now }))).toBe('RESPONSE_NOT_VERIFIED');
  });
});
