/**
 * The merchant profile file of the contract (../shared/contract.md, "The merchant profile file"):
 * read, checked field by field with a message that names the problem, and its key files loaded.
 * Only what the chosen protocol needs is required. Secrets stay in this process.
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { V2SignType } from './v2.ts';
import { serialKey } from './v3.ts';

export interface MerchantProfile {
  name: string;
  mchid: string;
  appid: string | null;
  api: 'v2' | 'v3';
  baseUrl: string;
  requestsPerSecond: number;
  concurrency: number;
  timeoutMs: number;
  spMchid: string | null;
  subMchid: string | null;
  subAppid: string | null;
  v2: { apiV2Key: string; signType: V2SignType } | null;
  v3: {
    privateKey: KeyObject;
    certSerialNo: string;
    apiV3Key: string | null;
    publicKey: { id: string; key: KeyObject } | null;
    platform: Map<string, KeyObject>;
  } | null;
}

export class ProfileError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ProfileError';
    this.field = field;
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** https always; http only to this machine (tests, the simulator). */
export function checkBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProfileError('baseUrl', `not a URL: ${text}`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return text.replace(/\/+$/, '');
  throw new ProfileError('baseUrl', url.protocol === 'http:' ? 'http:// is allowed only for 127.0.0.1, ::1 or localhost; use https://' : `unsupported protocol ${url.protocol}`);
}

function str(o: Record<string, unknown>, field: string, required: boolean): string | null {
  const v = o[field];
  if (v === undefined || v === null || v === '') {
    if (required) throw new ProfileError(field, 'missing');
    return null;
  }
  if (typeof v !== 'string') throw new ProfileError(field, 'must be a string');
  return v;
}

function positive(o: Record<string, unknown>, field: string, fallback: number, max: number): number {
  const v = o[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max) throw new ProfileError(field, `must be a number above 0 and at most ${max}`);
  return v;
}

async function readKeyFile(base: string, path: string, field: string): Promise<string> {
  try {
    return await readFile(resolve(base, path), 'utf8');
  } catch (e) {
    throw new ProfileError(field, `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function rsa2048(key: KeyObject, field: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails?.modulusLength !== 2048) {
    throw new ProfileError(field, `not an RSA 2048 key (${key.asymmetricKeyType ?? 'unknown'} ${key.asymmetricKeyDetails?.modulusLength ?? ''})`);
  }
  return key;
}

/** A profile from its parsed JSON; `base` is the folder its relative paths start from. */
export async function profileFromJson(json: unknown, base: string): Promise<MerchantProfile> {
  return buildProfile(json, (path, field) => readKeyFile(base, path, field));
}

/**
 * The same checks with the key texts from elsewhere (the app's vault): `keyText(path, field)` gives
 * the PEM behind a `privateKeyPath`, `wechatpayPublicKeyPath` or platform certificate path.
 */
export async function buildProfile(json: unknown, keyText: (path: string, field: string) => Promise<string>): Promise<MerchantProfile> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ProfileError('profile', 'must be a JSON object');
  const o = json as Record<string, unknown>;
  const api = str(o, 'api', false) ?? 'v3';
  if (api !== 'v2' && api !== 'v3') throw new ProfileError('api', 'must be "v2" or "v3"');
  const mchid = str(o, 'mchid', true)!;
  if (!/^\d{6,12}$/.test(mchid)) throw new ProfileError('mchid', 'a merchant id is 6 to 12 digits');
  const spMchid = str(o, 'spMchid', false);
  const subMchid = str(o, 'subMchid', false);
  for (const [field, v] of [['spMchid', spMchid], ['subMchid', subMchid]] as const) {
    if (v !== null && !/^\d{6,12}$/.test(v)) throw new ProfileError(field, 'a merchant id is 6 to 12 digits');
  }
  if ((spMchid === null) !== (subMchid === null)) throw new ProfileError(spMchid === null ? 'spMchid' : 'subMchid', 'a service provider needs both spMchid and subMchid');
  const profile: MerchantProfile = {
    name: str(o, 'name', false) ?? mchid,
    mchid,
    appid: str(o, 'appid', api === 'v2'),
    api,
    baseUrl: checkBaseUrl(str(o, 'baseUrl', false) ?? 'https://api.mch.weixin.qq.com'),
    requestsPerSecond: positive(o, 'requestsPerSecond', 20, 10_000),
    concurrency: Math.floor(positive(o, 'concurrency', 8, 256)),
    timeoutMs: positive(o, 'timeoutMs', 10_000, 600_000),
    spMchid,
    subMchid,
    subAppid: str(o, 'subAppid', false),
    v2: null,
    v3: null,
  };
  const apiV2Key = str(o, 'apiV2Key', api === 'v2');
  if (apiV2Key !== null) {
    if (Buffer.byteLength(apiV2Key, 'utf8') !== 32) throw new ProfileError('apiV2Key', 'the APIv2 key is 32 characters');
    const signType = str(o, 'signType', false) ?? 'MD5';
    if (signType !== 'MD5' && signType !== 'HMAC-SHA256') throw new ProfileError('signType', 'must be "MD5" or "HMAC-SHA256"');
    profile.v2 = { apiV2Key, signType };
  }
  const privateKeyPath = str(o, 'privateKeyPath', api === 'v3');
  if (privateKeyPath !== null) {
    const pem = await keyText(privateKeyPath, 'privateKeyPath');
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(pem);
    } catch {
      throw new ProfileError('privateKeyPath', `${privateKeyPath} is not a PEM private key (apiclient_key.pem)`);
    }
    const certSerialNo = str(o, 'certSerialNo', true)!;
    if (!/^[0-9A-Fa-f]{8,40}$/.test(certSerialNo)) throw new ProfileError('certSerialNo', 'the certificate serial is hexadecimal');
    const apiV3Key = str(o, 'apiV3Key', false);
    if (apiV3Key !== null && Buffer.byteLength(apiV3Key, 'utf8') !== 32) throw new ProfileError('apiV3Key', 'the APIv3 key is 32 bytes');
    const id = str(o, 'wechatpayPublicKeyId', false);
    const keyPath = str(o, 'wechatpayPublicKeyPath', false);
    if ((id === null) !== (keyPath === null)) throw new ProfileError(id === null ? 'wechatpayPublicKeyId' : 'wechatpayPublicKeyPath', 'the WeChat Pay public key needs both its id and its file');
    let publicKey: { id: string; key: KeyObject } | null = null;
    if (id !== null && keyPath !== null) {
      if (!id.startsWith('PUB_KEY_ID_')) throw new ProfileError('wechatpayPublicKeyId', 'starts with PUB_KEY_ID_');
      const text = await keyText(keyPath, 'wechatpayPublicKeyPath');
      try {
        publicKey = { id, key: rsa2048(createPublicKey(text), 'wechatpayPublicKeyPath') };
      } catch (e) {
        if (e instanceof ProfileError) throw e;
        throw new ProfileError('wechatpayPublicKeyPath', `${keyPath} is not a PEM public key`);
      }
    }
    const platform = new Map<string, KeyObject>();
    const certPaths = o.platformCertificatePaths ?? [];
    if (!Array.isArray(certPaths) || !certPaths.every((p) => typeof p === 'string')) throw new ProfileError('platformCertificatePaths', 'must be a list of file paths');
    for (const path of certPaths as string[]) {
      const text = await keyText(path, 'platformCertificatePaths');
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(text);
      } catch {
        throw new ProfileError('platformCertificatePaths', `${path} is not a PEM certificate`);
      }
      platform.set(serialKey(cert.serialNumber), rsa2048(cert.publicKey, 'platformCertificatePaths'));
    }
    if (api === 'v3' && publicKey === null && platform.size === 0 && apiV3Key === null) {
      throw new ProfileError('wechatpayPublicKeyId', 'v3 replies can only be believed with the WeChat Pay public key (id and file), platform certificates, or the APIv3 key to download them with');
    }
    profile.v3 = { privateKey: rsa2048(privateKey, 'privateKeyPath'), certSerialNo: certSerialNo.toUpperCase(), apiV3Key, publicKey, platform };
  }
  return profile;
}

export async function readProfile(path: string): Promise<MerchantProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ProfileError('profile', `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (e) {
    throw new ProfileError('profile', `${path} is not JSON (${(e as Error).message})`);
  }
  return profileFromJson(json, dirname(resolve(path)));
}
