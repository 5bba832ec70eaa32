/**
 * Merchant profiles in the app: the contract's fields kept with electron-store (several merchants,
 * service providers with sub-merchants), secrets in the vault, key files imported with a check that
 * names the problem, and "test connection" as a real signed call. The renderer gets summaries only.
 */
import { createPrivateKey, createPublicKey, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { AppFailure } from '../../shared/ipc/result.ts';
import type { ConnectionTest, MerchantSummary } from '../../shared/ipc/contract.ts';
import { MerchantInputSchema } from '../../shared/ipc/contract.ts';
import { buildProfile, checkBaseUrl, ProfileError, type MerchantProfile } from '../wechatpay/profile.ts';
import { queryOrder, type QueryOptions } from '../wechatpay/client.ts';
import { WechatPayError } from '../wechatpay/order-query.ts';
import { serialKey } from '../wechatpay/v3.ts';
import type { KeyVault, StoreLike } from './vault.ts';
import type { z } from 'zod';

export type MerchantInputParsed = z.output<typeof MerchantInputSchema>;

/** What is written to the store: everything but the secrets (public keys and certificates are public). */
export interface StoredMerchant {
  id: string;
  name: string;
  mchid: string;
  appid: string | null;
  api: 'v2' | 'v3';
  signType: 'MD5' | 'HMAC-SHA256';
  baseUrl: string;
  spMchid: string | null;
  subMchid: string | null;
  subAppid: string | null;
  certSerialNo: string | null;
  wechatpayPublicKeyId: string | null;
  wechatpayPublicKeyPem: string | null;
  platformCertificatePems: string[];
  requestsPerSecond: number;
  concurrency: number;
  timeoutMs: number;
  isDemo: boolean;
}

const STORE_KEY = 'merchants';
/** A key file is a few kilobytes; anything large is not one. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

const keyInvalid = (reason: string, message: string) => new AppFailure('key-invalid', message, { field: reason });

function rsa2048(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') throw keyInvalid('not-rsa', `${what}不是 RSA 密钥（${key.asymmetricKeyType ?? '未知'}）`);
  if (key.asymmetricKeyDetails?.modulusLength !== 2048) throw keyInvalid('not-rsa-2048', `${what}不是 RSA 2048 位（${key.asymmetricKeyDetails?.modulusLength ?? '?'} 位）`);
  return key;
}

/** The checked PEM of a key file, or AppFailure('key-invalid') naming what is wrong with it. */
export function checkKeyText(kind: 'private-key' | 'wechatpay-public-key' | 'platform-certificate', text: string, nowMs: number): { pem: string; serial?: string } {
  const trimmed = text.replace(/^\ufeff/, '').trim();
  if (!trimmed.startsWith('-----BEGIN ')) throw keyInvalid('not-pem', '文件不是 PEM 格式（应以 -----BEGIN 开头）');
  if (kind === 'private-key') {
    if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(trimmed)) throw keyInvalid('not-private-key', '这不是私钥文件：请选择商户 API 证书的 apiclient_key.pem');
    let key: KeyObject;
    try {
      key = createPrivateKey(trimmed);
    } catch {
      throw keyInvalid('not-pem', '私钥文件已损坏或格式有误');
    }
    rsa2048(key, '私钥');
    return { pem: trimmed + '\n' };
  }
  if (kind === 'wechatpay-public-key') {
    if (!/-----BEGIN PUBLIC KEY-----/.test(trimmed)) throw keyInvalid('not-public-key', '这不是公钥文件：请选择从商户平台下载的微信支付公钥 pub_key.pem');
    let key: KeyObject;
    try {
      key = createPublicKey(trimmed);
    } catch {
      throw keyInvalid('not-pem', '公钥文件已损坏或格式有误');
    }
    rsa2048(key, '微信支付公钥');
    return { pem: trimmed + '\n' };
  }
  if (!/-----BEGIN CERTIFICATE-----/.test(trimmed)) throw keyInvalid('not-certificate', '这不是证书文件：请选择微信支付平台证书（wechatpay_*.pem）');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(trimmed);
  } catch {
    throw keyInvalid('not-pem', '证书文件已损坏或格式有误');
  }
  rsa2048(cert.publicKey, '平台证书');
  if (Date.parse(cert.validTo) <= nowMs) throw keyInvalid('expired', `平台证书已于 ${cert.validTo} 过期`);
  return { pem: trimmed + '\n', serial: serialKey(cert.serialNumber) };
}

/** The APIv2 key is 32 characters; the APIv3 key 32 bytes (WeChat's rules, checked before saving). */
function checkSecrets(input: MerchantInputParsed): void {
  if (typeof input.apiV2Key === 'string' && Buffer.byteLength(input.apiV2Key, 'utf8') !== 32) throw new AppFailure('key-invalid', 'APIv2 密钥应为 32 个字符', { field: 'apiV2Key' });
  if (typeof input.apiV3Key === 'string' && Buffer.byteLength(input.apiV3Key, 'utf8') !== 32) throw new AppFailure('key-invalid', 'APIv3 密钥应为 32 字节', { field: 'apiV3Key' });
  if ((input.spMchid === null) !== (input.subMchid === null)) throw new AppFailure('profile-invalid', '服务商模式需要同时填写服务商商户号和特约商户号', { field: input.spMchid === null ? 'spMchid' : 'subMchid' });
  try {
    checkBaseUrl(input.baseUrl);
  } catch (e) {
    throw new AppFailure('profile-invalid', (e as ProfileError).message, { field: 'baseUrl' });
  }
}

export class MerchantRepository {
  private readonly store: StoreLike;
  private readonly vault: KeyVault;
  private readonly now: () => Date;

  constructor(store: StoreLike, vault: KeyVault, now: () => Date = () => new Date()) {
    this.store = store;
    this.vault = vault;
    this.now = now;
  }

  private all(): StoredMerchant[] {
    const v = this.store.get(STORE_KEY);
    return Array.isArray(v) ? (v as StoredMerchant[]) : [];
  }

  private write(list: StoredMerchant[]): void {
    this.store.set(STORE_KEY, list);
  }

  stored(id: string): StoredMerchant {
    const m = this.all().find((x) => x.id === id);
    if (m === undefined) throw new AppFailure('not-found', '没有这个商户配置');
    return m;
  }

  summary(m: StoredMerchant): MerchantSummary {
    return {
      id: m.id, name: m.name, mchid: m.mchid, appid: m.appid, api: m.api, signType: m.signType, baseUrl: m.baseUrl, spMchid: m.spMchid, subMchid: m.subMchid, subAppid: m.subAppid,
      certSerialNo: m.certSerialNo, wechatpayPublicKeyId: m.wechatpayPublicKeyId,
      platformCertificateSerials: m.platformCertificatePems.map((pem) => serialKey(new X509Certificate(pem).serialNumber)),
      hasApiV2Key: this.vault.has(m.id, 'apiV2Key'), hasApiV3Key: this.vault.has(m.id, 'apiV3Key'), hasPrivateKey: this.vault.has(m.id, 'privateKeyPem'),
      hasWechatpayPublicKey: m.wechatpayPublicKeyPem !== null,
      requestsPerSecond: m.requestsPerSecond, concurrency: m.concurrency, timeoutMs: m.timeoutMs, isDemo: m.isDemo,
    };
  }

  list(): MerchantSummary[] {
    return this.all().map((m) => this.summary(m));
  }

  save(input: MerchantInputParsed, extra: { id?: string; isDemo?: boolean } = {}): MerchantSummary {
    checkSecrets(input);
    const list = this.all();
    const id = input.id ?? extra.id ?? randomUUID();
    const before = list.find((m) => m.id === id);
    if (input.id !== undefined && before === undefined) throw new AppFailure('not-found', '没有这个商户配置');
    const m: StoredMerchant = {
      id, name: input.name, mchid: input.mchid, appid: input.appid, api: input.api, signType: input.signType, baseUrl: input.baseUrl.replace(/\/+$/, ''),
      spMchid: input.spMchid, subMchid: input.subMchid, subAppid: input.subAppid, certSerialNo: input.certSerialNo?.toUpperCase() ?? null, wechatpayPublicKeyId: input.wechatpayPublicKeyId,
      wechatpayPublicKeyPem: before?.wechatpayPublicKeyPem ?? null, platformCertificatePems: before?.platformCertificatePems ?? [],
      requestsPerSecond: input.requestsPerSecond, concurrency: input.concurrency, timeoutMs: input.timeoutMs, isDemo: extra.isDemo ?? before?.isDemo ?? false,
    };
    // Absent: keep what the vault has; null: remove; a value: replace.
    if (input.apiV2Key !== undefined) this.vault.set(id, 'apiV2Key', input.apiV2Key);
    if (input.apiV3Key !== undefined) this.vault.set(id, 'apiV3Key', input.apiV3Key);
    this.write(before === undefined ? [...list, m] : list.map((x) => (x.id === id ? m : x)));
    return this.summary(m);
  }

  delete(id: string): boolean {
    const list = this.all();
    if (!list.some((m) => m.id === id)) return false;
    this.write(list.filter((m) => m.id !== id));
    this.vault.forget(id);
    return true;
  }

  /** Imports a key file read from disk here (the renderer only names the path). */
  async importKeyFile(id: string, kind: 'private-key' | 'wechatpay-public-key' | 'platform-certificate', path: string): Promise<MerchantSummary> {
    const m = this.stored(id);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (e) {
      throw new AppFailure('file-unreadable', `无法读取文件（${(e as NodeJS.ErrnoException).code ?? 'error'}）`);
    }
    if (size > MAX_KEY_FILE_BYTES) throw keyInvalid('too-large', '文件太大，不是密钥或证书文件');
    const text = await readFile(path, 'utf8');
    return this.importKeyText(m, kind, text);
  }

  importKeyText(m: StoredMerchant, kind: 'private-key' | 'wechatpay-public-key' | 'platform-certificate', text: string): MerchantSummary {
    const checked = checkKeyText(kind, text, this.now().getTime());
    const list = this.all();
    let next = m;
    if (kind === 'private-key') this.vault.set(m.id, 'privateKeyPem', checked.pem);
    else if (kind === 'wechatpay-public-key') next = { ...m, wechatpayPublicKeyPem: checked.pem };
    else next = { ...m, platformCertificatePems: [...m.platformCertificatePems.filter((p) => serialKey(new X509Certificate(p).serialNumber) !== checked.serial), checked.pem] };
    this.write(list.map((x) => (x.id === m.id ? next : x)));
    return this.summary(next);
  }

  /** The client's profile, with the secrets from the vault; a missing or inconsistent field names itself. */
  async profile(id: string): Promise<MerchantProfile> {
    const m = this.stored(id);
    const json: Record<string, unknown> = {
      name: m.name, mchid: m.mchid, appid: m.appid, api: m.api, signType: m.signType, baseUrl: m.baseUrl, spMchid: m.spMchid, subMchid: m.subMchid, subAppid: m.subAppid,
      apiV2Key: this.vault.get(id, 'apiV2Key'), apiV3Key: this.vault.get(id, 'apiV3Key'),
      privateKeyPath: this.vault.has(id, 'privateKeyPem') ? 'vault:privateKeyPem' : null,
      certSerialNo: m.certSerialNo,
      wechatpayPublicKeyId: m.wechatpayPublicKeyId, wechatpayPublicKeyPath: m.wechatpayPublicKeyPem !== null ? 'store:wechatpayPublicKey' : null,
      platformCertificatePaths: m.platformCertificatePems.map((_, i) => `store:platformCertificate:${i}`),
      requestsPerSecond: m.requestsPerSecond, concurrency: m.concurrency, timeoutMs: m.timeoutMs,
    };
    // The profile checks key ids without keys ("the WeChat Pay public key needs both its id and its file"),
    // RSA 2048 and the rest exactly as for a profile file.
    return buildProfile(json, async (path) => {
      if (path === 'vault:privateKeyPem') return this.vault.get(id, 'privateKeyPem') ?? '';
      if (path === 'store:wechatpayPublicKey') return m.wechatpayPublicKeyPem ?? '';
      return m.platformCertificatePems[Number(path.split(':')[2])] ?? '';
    });
  }

  /**
   * "Test connection": a real signed query of an order that does not exist. ORDER_NOT_EXIST means
   * WeChat Pay accepted the signature and its reply verified; anything else says what failed.
   */
  async testConnection(id: string, options: QueryOptions = {}): Promise<ConnectionTest> {
    const started = performance.now();
    let api: 'v2' | 'v3' = this.stored(id).api;
    const result = (ok: boolean, problem: ConnectionTest['problem'], message: string, e?: WechatPayError): ConnectionTest => ({
      ok, problem, message, wechatCode: e?.code ?? null, requestId: e?.requestId ?? null, latencyMs: Math.round(performance.now() - started), api,
    });
    let profile: MerchantProfile;
    try {
      profile = await this.profile(id);
      api = profile.api;
    } catch (e) {
      if (e instanceof ProfileError) return result(false, 'profile-incomplete', `配置不完整：${e.message}`);
      throw e;
    }
    try {
      await queryOrder(profile, { outTradeNo: 'WXRECON-CONNECTION-TEST' }, { attempts: 1, ...options });
      return result(true, 'none', '连接正常：微信支付接受了请求签名，应答签名验证通过');
    } catch (e) {
      if (!(e instanceof WechatPayError)) throw e;
      const text = e.message;
      if (e.code === 'NETWORK' || e.code === 'TIMEOUT') return result(false, 'network', `网络不通：${text}`, e);
      if (e.code === 'RESPONSE_NOT_VERIFIED') return result(false, /clock-skew/.test(text) ? 'clock-skew' : 'reply-not-verified', /clock-skew/.test(text) ? '本机时间与微信支付相差 5 分钟以上，请校准系统时间' : `应答验签失败，请检查微信支付公钥或平台证书：${text}`, e);
      if (/时间|timestamp/i.test(text) && (e.code === 'SIGN_ERROR' || e.code === 'RETURN_FAIL')) return result(false, 'clock-skew', `微信支付拒绝了请求时间：${text}（请校准系统时间）`, e);
      if (/商户号|mch_?id|MCH_NOT_EXISTS/i.test(text) || e.code === 'MCH_NOT_EXISTS') return result(false, 'merchant-id', `商户号有误：${text}`, e);
      if (e.code === 'SIGN_ERROR' || /签名错误|SIGNERROR/i.test(text)) return result(false, 'request-signature-refused', `微信支付拒绝了请求签名，请检查商户 API 私钥、证书序列号或 APIv2 密钥：${text}`, e);
      return result(false, 'other', text, e);
    }
  }
}
