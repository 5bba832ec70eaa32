/**
 * A demo merchant for the simulator: fresh keys on every start (merchant API key pair, the
 * simulator's own WeChat Pay key, APIv2 and APIv3 keys), written as a merchant profile with its key
 * files, so `wxrecon query --merchant …/merchant.json` works against it as against WeChat Pay.
 * Options make it a service provider's sub-merchant (partner paths) or a merchant that verifies
 * with platform certificates instead of the WeChat Pay public key.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeCertificate } from './certificate.ts';
import type { SimMerchant, SimPlatformCertificate } from './server.ts';

export interface DemoMerchant {
  merchant: SimMerchant;
  /** Public key mode (absent in certificate mode). */
  wechatpay?: { id: string; privateKey: KeyObject };
  platformCertificates?: SimPlatformCertificate[];
  merchantPrivateKey: KeyObject;
}

export interface DemoMerchantOptions {
  /** A service provider (1900000100) acting for sub-merchant 1900000109. */
  partner?: boolean;
  /** Verify with platform certificates (downloaded with the APIv3 key) instead of the public key. */
  certificates?: boolean;
  /** Clock for the certificates' validity. */
  now?: Date;
}

/** 40 hex digits starting 1–7, as WeChat's serials look (no leading zero or sign byte, so every reader prints it alike). */
const serialHex = () => `${1 + (randomBytes(1)[0]! % 7)}${randomBytes(20).toString('hex').toUpperCase().slice(1)}`;

/** A platform certificate valid from a year before `now` to four years after. */
export function newPlatformCertificate(now = new Date(), validFrom?: Date, validTo?: Date): SimPlatformCertificate {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const notBefore = validFrom ?? new Date(now.getTime() - 365 * 86_400_000);
  const notAfter = validTo ?? new Date(now.getTime() + 4 * 365 * 86_400_000);
  const serialNo = serialHex();
  const pem = makeCertificate({
    serialHex: serialNo,
    subject: { C: 'CN', ST: '广东省', L: '深圳市', O: '财付通支付科技有限公司', OU: '财付通支付科技有限公司', CN: '财付通支付科技有限公司（模拟器）' },
    issuer: { C: 'CN', O: 'wxrecon simulator', CN: 'wxrecon simulator CA' },
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
  });
  const iso = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
  return { serialNo, pem, privateKey: keys.privateKey, effectiveTime: iso(notBefore), expireTime: iso(notAfter) };
}

export function newDemoMerchant(options: DemoMerchantOptions = {}): DemoMerchant {
  const merchantKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const demo: DemoMerchant = {
    merchant: {
      mchid: options.partner === true ? '1900000109' : '1900000001',
      appid: 'wx0000000000000001',
      apiV2Key: randomBytes(16).toString('hex'),
      apiV3Key: randomBytes(16).toString('hex'),
      publicKey: merchantKeys.publicKey,
      certSerialNo: serialHex(),
      partner: options.partner === true ? { spMchid: '1900000100' } : null,
    },
    merchantPrivateKey: merchantKeys.privateKey,
  };
  if (options.certificates === true) demo.platformCertificates = [newPlatformCertificate(options.now)];
  else demo.wechatpay = { id: `PUB_KEY_ID_0119000000012026${randomBytes(8).toString('hex').toUpperCase()}`, privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
  return demo;
}

/** Writes merchant.json and its key files into `dir`; returns the profile's path. */
export async function writeDemoProfile(dir: string, demo: DemoMerchant, baseUrl: string, api: 'v2' | 'v3' = 'v3'): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'apiclient_key.pem'), demo.merchantPrivateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  if (demo.wechatpay !== undefined) await writeFile(join(dir, 'pub_key.pem'), createPublicKey(demo.wechatpay.privateKey).export({ type: 'spki', format: 'pem' }));
  const m = demo.merchant;
  const profile = {
    name: m.partner ? '演示特约商户（模拟器）' : '演示商户（模拟器）',
    mchid: m.mchid,
    appid: m.appid,
    api,
    apiV2Key: m.apiV2Key,
    apiV3Key: m.apiV3Key,
    privateKeyPath: 'apiclient_key.pem',
    certSerialNo: m.certSerialNo,
    // Certificate mode: no public key; the client downloads the platform certificates with the APIv3 key.
    wechatpayPublicKeyId: demo.wechatpay?.id ?? null,
    wechatpayPublicKeyPath: demo.wechatpay !== undefined ? 'pub_key.pem' : null,
    platformCertificatePaths: [],
    spMchid: m.partner?.spMchid ?? null,
    subMchid: m.partner ? m.mchid : null,
    baseUrl,
    requestsPerSecond: 50,
    concurrency: 8,
    timeoutMs: 10000,
  };
  const path = join(dir, 'merchant.json');
  await writeFile(path, JSON.stringify(profile, null, 2) + '\n', { mode: 0o600 });
  return path;
}

export { demoOrders } from './demo-data.ts';
