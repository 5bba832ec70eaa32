/**
 * APIv3 (JSON) signing and verification, as ../shared/reference/wechatpay-api.md §3.1–3.2 and
 * §3.6 describe them: SHA256withRSA (PKCS#1 v1.5) requests with the `WECHATPAY2-SHA256-RSA2048`
 * Authorization header; responses verified over `timestamp\nnonce\nbody\n` with the WeChat Pay
 * public key (`PUB_KEY_ID_…`) or a platform certificate, within five minutes; certificates
 * decrypted with AEAD_AES_256_GCM and the APIv3 key; bills checked by the SHA-1 of their bytes.
 */
import { createCipheriv, createDecipheriv, createHash, createSign, createVerify, timingSafeEqual, type KeyObject } from 'node:crypto';

/** The five lines that are signed; a GET has an empty body and still ends in `\n`. */
export function v3RequestMessage(method: string, canonicalUrl: string, timestampSec: number, nonce: string, body: string): string {
  return `${method}\n${canonicalUrl}\n${timestampSec}\n${nonce}\n${body}\n`;
}

/** Base64 SHA256withRSA signature of `message` with the merchant's API private key. */
export function v3Sign(message: string, privateKey: KeyObject | string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKey, 'base64');
}

export interface V3AuthorizationParts {
  mchid: string;
  nonce: string;
  timestampSec: number;
  /** The serial number of the merchant's API certificate. */
  serialNo: string;
  signature: string;
}

export function v3Authorization(p: V3AuthorizationParts): string {
  return `WECHATPAY2-SHA256-RSA2048 mchid="${p.mchid}",nonce_str="${p.nonce}",timestamp="${p.timestampSec}",serial_no="${p.serialNo}",signature="${p.signature}"`;
}

/** The signed headers of a response (`Wechatpay-*`). */
export interface V3ResponseSignature {
  timestamp: string;
  nonce: string;
  signature: string;
  serial: string;
}

/** What a response may be verified with: the WeChat Pay public key, platform certificates, or both during a switch. */
export interface V3VerifierKeys {
  publicKey?: { id: string; key: KeyObject | string };
  /** Platform certificates' public keys by serial number (as `serialKey` writes it). */
  platform?: ReadonlyMap<string, KeyObject | string>;
}

export type V3VerifyFailure = 'missing-headers' | 'clock-skew' | 'unknown-serial' | 'signature-probe' | 'bad-signature';

/**
 * A platform certificate serial as a lookup key: upper-case hex without leading zeros, so the
 * `Wechatpay-Serial` header, the list's `serial_no` and X509Certificate's serialNumber agree.
 */
export function serialKey(serial: string): string {
  return serial.toUpperCase().replace(/^0+(?=.)/, '');
}

/** WeChat's window, as its SDKs apply it: a response five minutes or more away is refused. */
export const V3_MAX_SKEW_SEC = 300;

/**
 * Verifies a response over its raw body. Returns null when it is WeChat's, else why not. A
 * `WECHATPAY/SIGNTEST/` signature is WeChat probing that merchants verify: it must fail.
 */
export function v3VerifyResponse(sig: Partial<V3ResponseSignature>, body: string, keys: V3VerifierKeys, nowSec: number): V3VerifyFailure | null {
  const { timestamp, nonce, signature, serial } = sig;
  if (!timestamp || !nonce || !signature || !serial) return 'missing-headers';
  const ts = Number(timestamp);
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSec - ts) >= V3_MAX_SKEW_SEC) return 'clock-skew';
  if (signature.startsWith('WECHATPAY/SIGNTEST/')) return 'signature-probe';
  const key = keys.publicKey !== undefined && serial === keys.publicKey.id ? keys.publicKey.key : keys.platform?.get(serialKey(serial));
  if (key === undefined) return 'unknown-serial';
  let ok = false;
  try {
    ok = createVerify('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`, 'utf8').verify(key, signature, 'base64');
  } catch {
    ok = false;
  }
  return ok ? null : 'bad-signature';
}

/**
 * AEAD_AES_256_GCM as WeChat uses it (platform certificates, notification resources): the
 * Base64 ciphertext carries the 16-byte tag at its end. Throws when the tag does not match.
 */
export function aeadDecrypt(apiV3Key: string, nonce: string, associatedData: string, ciphertextBase64: string): string {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32 && key.length !== 16) throw new RangeError('the APIv3 key must be 32 bytes');
  const data = Buffer.from(ciphertextBase64, 'base64');
  if (data.length < 16) throw new RangeError('ciphertext shorter than its tag');
  const decipher = createDecipheriv(key.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm', key, Buffer.from(nonce, 'utf8'));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/** The other direction, for the simulator's certificate downloads. */
export function aeadEncrypt(apiV3Key: string, nonce: string, associatedData: string, plaintext: string): string {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new RangeError('the APIv3 key must be 32 bytes');
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const out = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return out.toString('base64');
}

/**
 * A downloaded bill against the `hash_type`/`hash_value` of its download URL: the digest of the
 * bytes as WeChat made them (for a GZIP download, after unzipping). Constant-time comparison.
 */
export function billDigestMatches(bytes: Uint8Array, hashType: string, hashValue: string): boolean {
  const algorithm = hashType.toUpperCase() === 'SHA1' ? 'sha1' : null;
  if (algorithm === null || !/^[0-9a-fA-F]{40}$/.test(hashValue)) return false;
  const actual = createHash(algorithm).update(bytes).digest();
  return timingSafeEqual(actual, Buffer.from(hashValue, 'hex'));
}
