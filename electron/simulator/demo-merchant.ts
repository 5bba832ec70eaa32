/**
 * A demo merchant for the simulator: fresh keys on every start (merchant API key pair, the
 * simulator's own WeChat Pay key, an APIv2 key), written as a merchant profile with its key files,
 * so `wxrecon query --merchant …/merchant.json` works against it as against WeChat Pay.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimMerchant } from './server.ts';

export interface DemoMerchant {
  merchant: SimMerchant;
  wechatpay: { id: string; privateKey: KeyObject };
  merchantPrivateKey: KeyObject;
}

export function newDemoMerchant(): DemoMerchant {
  const merchantKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const wechatKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    merchant: {
      mchid: '1900000001',
      appid: 'wx0000000000000001',
      apiV2Key: randomBytes(16).toString('hex'),
      publicKey: merchantKeys.publicKey,
      certSerialNo: randomBytes(20).toString('hex').toUpperCase(),
    },
    wechatpay: { id: `PUB_KEY_ID_0119000000012026${randomBytes(8).toString('hex').toUpperCase()}`, privateKey: wechatKeys.privateKey },
    merchantPrivateKey: merchantKeys.privateKey,
  };
}

/** Writes merchant.json, apiclient_key.pem and pub_key.pem into `dir`; returns the profile's path. */
export async function writeDemoProfile(dir: string, demo: DemoMerchant, baseUrl: string, api: 'v2' | 'v3' = 'v3'): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'apiclient_key.pem'), demo.merchantPrivateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(join(dir, 'pub_key.pem'), createPublicKey(demo.wechatpay.privateKey).export({ type: 'spki', format: 'pem' }));
  const profile = {
    name: '演示商户（模拟器）',
    mchid: demo.merchant.mchid,
    appid: demo.merchant.appid,
    api,
    apiV2Key: demo.merchant.apiV2Key,
    privateKeyPath: 'apiclient_key.pem',
    certSerialNo: demo.merchant.certSerialNo,
    wechatpayPublicKeyId: demo.wechatpay.id,
    wechatpayPublicKeyPath: 'pub_key.pem',
    platformCertificatePaths: [],
    spMchid: null,
    subMchid: null,
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
