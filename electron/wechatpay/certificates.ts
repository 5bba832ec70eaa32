/**
 * Platform certificates (平台证书), for merchants who verify WeChat Pay's replies with them rather
 * than with the WeChat Pay public key: `GET /v3/certificates`, each certificate decrypted with
 * AEAD_AES_256_GCM and the APIv3 key (which is what makes them trustworthy: only WeChat Pay and the
 * merchant know that key), checked (serial, validity, RSA 2048), and the reply itself verified
 * with them. Merchants onboarded on the public key get RESOURCE_NOT_EXISTS here; that is an answer.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { aeadDecrypt, serialKey, v3Authorization, v3RequestMessage, v3Sign, v3VerifyResponse, type V3VerifierKeys } from './v3.ts';
import { v3Failure, v3JsonObject, WechatPayError, type HttpReply, type HttpRequestSpec, type V3Credentials } from './order-query.ts';

export interface PlatformCertificate {
  serialNo: string;
  effectiveTime: string;
  expireTime: string;
  /** Milliseconds since the epoch. */
  expiresAtMs: number;
  pem: string;
  publicKey: KeyObject;
}

export const CERTIFICATES_PATH = '/v3/certificates';

export function buildV3CertificatesRequest(cred: V3Credentials, timestampSec: number, nonce: string): HttpRequestSpec {
  const signature = v3Sign(v3RequestMessage('GET', CERTIFICATES_PATH, timestampSec, nonce, ''), cred.privateKey);
  const mchid = cred.spMchid && cred.subMchid ? cred.spMchid : cred.mchid;
  return {
    method: 'GET',
    path: CERTIFICATES_PATH,
    headers: { authorization: v3Authorization({ mchid, nonce, timestampSec, serialNo: cred.certSerialNo, signature }), accept: 'application/json', 'user-agent': 'wxrecon/0.1.0' },
  };
}

const invalid = (message: string, reply: HttpReply) => new WechatPayError('RESPONSE_INVALID', message, { httpStatus: reply.status, requestId: reply.headers['request-id'] ?? null });

/**
 * The certificates in a reply, decrypted and checked, once the reply verifies with one of them (or
 * with a key already trusted). `nowMs` drops certificates that have expired.
 */
export function interpretV3Certificates(reply: HttpReply, apiV3Key: string, trusted: V3VerifierKeys, nowMs: number): PlatformCertificate[] {
  if (reply.status !== 200) throw v3Failure(reply);
  const data = v3JsonObject(reply).data;
  if (!Array.isArray(data)) throw invalid('the reply has no certificate list', reply);
  const out: PlatformCertificate[] = [];
  for (const item of data as Record<string, unknown>[]) {
    const enc = (item?.encrypt_certificate ?? {}) as Record<string, unknown>;
    const serialNo = typeof item?.serial_no === 'string' ? item.serial_no : '';
    if (enc.algorithm !== 'AEAD_AES_256_GCM' || typeof enc.nonce !== 'string' || typeof enc.ciphertext !== 'string' || serialNo === '') throw invalid('a certificate entry is incomplete', reply);
    let pem: string;
    try {
      pem = aeadDecrypt(apiV3Key, enc.nonce, typeof enc.associated_data === 'string' ? enc.associated_data : '', enc.ciphertext);
    } catch {
      // Wrong APIv3 key, or a forged entry: the tag does not match.
      throw new WechatPayError('CERTIFICATE_DECRYPT_FAILED', 'a platform certificate does not decrypt with the APIv3 key (is the APIv3 key right?)', { httpStatus: 200, requestId: reply.headers['request-id'] ?? null });
    }
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      throw invalid(`certificate ${serialNo} is not an X.509 certificate`, reply);
    }
    if (serialKey(cert.serialNumber) !== serialKey(serialNo)) throw invalid(`certificate ${serialNo} carries serial ${cert.serialNumber}`, reply);
    const key = cert.publicKey;
    if (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails?.modulusLength !== 2048) throw invalid(`certificate ${serialNo} is not RSA 2048`, reply);
    const expiresAtMs = Date.parse(cert.validTo);
    if (!(expiresAtMs > nowMs)) continue;
    out.push({ serialNo: serialKey(serialNo), effectiveTime: String(item.effective_time ?? cert.validFrom), expireTime: String(item.expire_time ?? cert.validTo), expiresAtMs, pem, publicKey: key });
  }
  // The reply is believed only when it verifies: with one of the certificates it carries, or a key already trusted.
  const platform = new Map<string, KeyObject | string>(trusted.platform ?? []);
  for (const c of out) platform.set(c.serialNo, c.publicKey);
  const h = reply.headers;
  const failure = v3VerifyResponse({ timestamp: h['wechatpay-timestamp'], nonce: h['wechatpay-nonce'], signature: h['wechatpay-signature'], serial: h['wechatpay-serial'] }, reply.body, { ...trusted, platform }, Math.floor(nowMs / 1000));
  if (failure !== null) throw new WechatPayError('RESPONSE_NOT_VERIFIED', `the certificate list's signature does not verify (${failure})`, { httpStatus: 200, requestId: h['request-id'] ?? null });
  return out;
}
