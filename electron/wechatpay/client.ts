/**
 * Signed order queries over HTTP (undici): a keep-alive pool per base URL, a timeout and an abort
 * signal per request, and retries with backoff and jitter for network errors, 5xx and
 * SYSTEM_ERROR — each attempt signed afresh (new nonce and timestamp). Rate limiting is not
 * retried here: the caller (a query run) slows the whole run down instead.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { Pool, request } from 'undici';
import { redact } from '../log/redact.ts';
import type { MerchantProfile } from './profile.ts';
import {
  buildV2Close, buildV2OrderQuery, buildV3Close, buildV3OrderQuery, interpretV2Close, interpretV2OrderQuery, interpretV3Close, interpretV3OrderQuery, v3ErrorBody, WechatPayError,
  type HttpReply, type HttpRequestSpec, type OrderQueryResult, type OrderRef,
} from './order-query.ts';
import {
  buildV2DownloadBill, buildV3BillDownload, buildV3TradeBill, interpretV2DownloadBill, interpretV3BillDownload, interpretV3TradeBill, type BillRequest, type TradeBillType,
} from './bill-download.ts';
import { buildV3CertificatesRequest, interpretV3Certificates, type PlatformCertificate } from './certificates.ts';
import { serialKey, type V3VerifierKeys } from './v3.ts';
import { buildV2RefundQuery, buildV3RefundQuery, interpretV2RefundQuery, interpretV3RefundQuery, refundedFen, type RefundInfo } from './refund-query.ts';
import type { LiveRefunds } from '../../shared/recon/types.ts';

export interface QueryOptions {
  /** Clock, for signing and for checking the reply's timestamp (tests set it). */
  now?: () => Date;
  signal?: AbortSignal;
  /** Attempts in all for retryable failures (default 3). */
  attempts?: number;
  /** Base of the exponential backoff (default 200 ms; full jitter). */
  backoffMs?: number;
  api?: 'v2' | 'v3';
  /** One line per HTTP exchange (method, path, status, time, Request-ID), already redacted. */
  log?: (line: string) => void;
}

const pools = new Map<string, Pool>();

function poolFor(origin: string, connections: number): Pool {
  let pool = pools.get(origin);
  if (pool === undefined) {
    pool = new Pool(origin, { connections, keepAliveTimeout: 30_000 });
    pools.set(origin, pool);
  }
  return pool;
}

/** Closes the connection pools (end of a command, tests). */
export async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}

/** The secrets of a profile, for the log's redaction. */
const secretsOf = (profile: MerchantProfile) => [profile.v2?.apiV2Key, profile.v3?.apiV3Key];

/** An exchange for a profile: its base URL, pool and timeout, logged (redacted) when asked. */
async function call(profile: MerchantProfile, spec: HttpRequestSpec, options: QueryOptions, binary = false, timeoutMs = profile.timeoutMs): Promise<HttpReply & { bytes?: Uint8Array }> {
  const started = performance.now();
  const path = spec.path;
  try {
    const reply = await exchange(profile.baseUrl, spec, timeoutMs, profile.concurrency, options.signal, binary);
    if (options.log !== undefined) {
      const id = reply.headers['request-id'];
      options.log(redact(`${spec.method} ${path} → ${reply.status} in ${Math.round(performance.now() - started)} ms${id ? ` (Request-ID ${id})` : ''}`, secretsOf(profile)));
    }
    return reply;
  } catch (e) {
    options.log?.(redact(`${spec.method} ${path} → ${(e as WechatPayError).code ?? 'ERROR'} after ${Math.round(performance.now() - started)} ms`, secretsOf(profile)));
    throw e;
  }
}

/** One HTTP exchange; network failures become retryable WechatPayErrors. */
/** A base URL's origin and path prefix, parsed once. */
const bases = new Map<string, { origin: string; prefix: string }>();

async function exchange(baseUrl: string, spec: HttpRequestSpec, timeoutMs: number, connections: number, signal: AbortSignal | undefined, binary: boolean): Promise<HttpReply> {
  let base = bases.get(baseUrl);
  if (base === undefined) {
    const url = new URL(baseUrl);
    base = { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
    bases.set(baseUrl, base);
  }
  try {
    // undici's own timers bound the wait for the headers and between body chunks: an
    // AbortSignal.timeout per request costs a timer and, combined, a composite signal each time
    // (measured: v2 client CPU 517 → 436 µs a query). They tick about once a second, which is
    // coarse only for sub-second timeouts.
    const res = await request(`${base.origin}${base.prefix}${spec.path}`, {
      method: spec.method,
      headers: spec.headers,
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      ...(signal !== undefined ? { signal } : {}),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      dispatcher: poolFor(base.origin, connections),
    });
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    if (!binary) return { status: res.statusCode, headers, body: await res.body.text() };
    const bytes = new Uint8Array(await res.body.arrayBuffer());
    // A bill stays bytes; only an error reply (JSON or XML, small) is read as text.
    const textual = res.statusCode !== 200 || bytes[0] === 0x3c || bytes[0] === 0x7b;
    return { status: res.statusCode, headers, body: textual ? Buffer.from(bytes).toString('utf8') : '', bytes } as HttpReply & { bytes: Uint8Array };
  } catch (e) {
    if (signal?.aborted) throw new WechatPayError('ABORTED', 'the query was cancelled');
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT') throw new WechatPayError('TIMEOUT', `no reply within ${timeoutMs} ms`, { retryable: true });
    throw new WechatPayError('NETWORK', err.code ?? err.message, { retryable: true });
  }
}

// Nonces from a pool of random bytes refilled 256 at a time, rather than a system call per request.
let noncePool = Buffer.alloc(0);
let nonceAt = 0;
function nonce(): string {
  if (nonceAt + 16 > noncePool.length) {
    noncePool = randomBytes(4096);
    nonceAt = 0;
  }
  nonceAt += 16;
  return noncePool.toString('hex', nonceAt - 16, nonceAt).toUpperCase();
}

function beijingIso(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/** Runs `attempt` again for failures that may pass, with full-jitter exponential backoff. */
async function withRetries<T>(options: QueryOptions, attempt: () => Promise<T>): Promise<T> {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 200;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof WechatPayError) || !e.retryable || n >= attempts || options.signal?.aborted) throw e;
      // Full jitter: a random wait up to the exponential step, so many clients do not retry in step.
      await new Promise((r) => setTimeout(r, Math.random() * backoffMs * 2 ** (n - 1)));
    }
  }
}

function v3Credentials(profile: MerchantProfile) {
  const v3 = profile.v3;
  if (v3 === null) throw new WechatPayError('PROFILE_INCOMPLETE', 'the profile has no APIv3 private key');
  return { v3, cred: { mchid: profile.mchid, certSerialNo: v3.certSerialNo, privateKey: v3.privateKey, spMchid: profile.spMchid, subMchid: profile.subMchid } };
}

function v2Credentials(profile: MerchantProfile) {
  const v2 = profile.v2;
  if (v2 === null || profile.appid === null) throw new WechatPayError('PROFILE_INCOMPLETE', 'the profile has no APIv2 key or appid');
  return { apiV2Key: v2.apiV2Key, cred: { appid: profile.appid, mchid: profile.spMchid ?? profile.mchid, apiV2Key: v2.apiV2Key, signType: v2.signType, subMchid: profile.subMchid, subAppid: profile.subAppid } };
}

// ---- Platform certificates, downloaded with the APIv3 key and kept per merchant and host.

/** The JAVA SDK's period: certificates are fetched again after an hour. */
const CERTIFICATE_REFRESH_MS = 60 * 60_000;
/** An unknown serial fetches again, but not more often than this (a forged serial must not flood WeChat). */
const CERTIFICATE_RETRY_MS = 10_000;

interface CertificateStore {
  keys: Map<string, { key: KeyObject; expiresAtMs: number }>;
  fetchedAtMs: number;
  inFlight: Promise<void> | null;
}

const certificateStores = new Map<string, CertificateStore>();

/** The keys a profile names itself: the WeChat Pay public key and the certificate files. */
function configuredKeys(v3: NonNullable<MerchantProfile['v3']>): V3VerifierKeys {
  return { ...(v3.publicKey ? { publicKey: v3.publicKey } : {}), platform: v3.platform };
}

/** Those and the platform certificates downloaded for it. */
function withDownloaded(v3: NonNullable<MerchantProfile['v3']>, store: CertificateStore): V3VerifierKeys {
  const platform = new Map<string, KeyObject | string>(v3.platform);
  for (const [k, c] of store.keys) platform.set(k, c.key);
  return { ...configuredKeys(v3), platform };
}

/** Forgets downloaded certificates (tests; a profile whose keys changed). */
export function forgetCertificates(): void {
  certificateStores.clear();
}

async function fetchCertificates(profile: MerchantProfile, store: CertificateStore, options: QueryOptions): Promise<void> {
  const now = options.now ?? (() => new Date());
  const { v3, cred } = v3Credentials(profile);
  const trusted = withDownloaded(v3, store);
  try {
    const reply = await call(profile, buildV3CertificatesRequest(cred, Math.floor(now().getTime() / 1000), nonce()), options);
    let list: PlatformCertificate[] = [];
    if (!(reply.status === 404 && v3ErrorBody(reply).code === 'RESOURCE_NOT_EXISTS')) {
      // A merchant on the WeChat Pay public key has no platform certificates: not an error.
      list = interpretV3Certificates(reply, v3.apiV3Key!, trusted, now().getTime());
    }
    for (const c of list) store.keys.set(c.serialNo, { key: c.publicKey, expiresAtMs: c.expiresAtMs });
  } finally {
    store.fetchedAtMs = now().getTime();
  }
}

/**
 * What a v3 reply may be verified with: the profile's public key and certificate files, and the
 * platform certificates downloaded with the APIv3 key — fetched when there is nothing else, every
 * hour, and when a reply names a serial not yet known (WeChat rolling to a new certificate).
 */
async function v3Keys(profile: MerchantProfile, reply: HttpReply | null, options: QueryOptions): Promise<V3VerifierKeys> {
  const v3 = profile.v3!;
  if (v3.apiV3Key === null) return configuredKeys(v3);
  const id = `${profile.baseUrl}|${profile.spMchid ?? profile.mchid}|${v3.certSerialNo}`;
  let store = certificateStores.get(id);
  if (store === undefined) {
    store = { keys: new Map(), fetchedAtMs: -Infinity, inFlight: null };
    certificateStores.set(id, store);
  }
  const t = (options.now ?? (() => new Date()))().getTime();
  for (const [serial, c] of store.keys) if (c.expiresAtMs <= t) store.keys.delete(serial);
  const serial = reply?.headers['wechatpay-serial'];
  const known = serial === undefined || serial === v3.publicKey?.id || v3.platform.has(serialKey(serial)) || store.keys.has(serialKey(serial));
  const onlyCertificates = v3.publicKey === null && v3.platform.size === 0;
  const due = (onlyCertificates && t - store.fetchedAtMs >= CERTIFICATE_REFRESH_MS) || (!known && t - store.fetchedAtMs >= CERTIFICATE_RETRY_MS);
  if (due || store.inFlight !== null) {
    const s = store;
    // One download at a time, however many queries are waiting on it.
    s.inFlight ??= fetchCertificates(profile, s, options).finally(() => (s.inFlight = null));
    await s.inFlight;
  }
  return withDownloaded(v3, store);
}

/** The platform certificates now trusted for a profile (downloading them if needed), for `wxrecon certificates`. */
export async function platformCertificates(profile: MerchantProfile, options: QueryOptions = {}): Promise<PlatformCertificate[]> {
  const { v3, cred } = v3Credentials(profile);
  if (v3.apiV3Key === null) throw new WechatPayError('PROFILE_INCOMPLETE', 'downloading platform certificates needs the APIv3 key (apiV3Key)');
  const now = options.now ?? (() => new Date());
  const reply = await withRetries(options, () => call(profile, buildV3CertificatesRequest(cred, Math.floor(now().getTime() / 1000), nonce()), options));
  return interpretV3Certificates(reply, v3.apiV3Key, configuredKeys(v3), now().getTime());
}

/** One live order query with the profile's protocol (or `options.api`), retried where that helps. */
export async function queryOrder(profile: MerchantProfile, ref: OrderRef, options: QueryOptions = {}): Promise<OrderQueryResult> {
  const now = options.now ?? (() => new Date());
  const api = options.api ?? profile.api;
  return withRetries(options, async () => {
    const at = now();
    if (api === 'v3') {
      const { cred } = v3Credentials(profile);
      const spec = buildV3OrderQuery(cred, ref, Math.floor(at.getTime() / 1000), nonce());
      const reply = await call(profile, spec, options);
      return interpretV3OrderQuery(ref, reply, await v3Keys(profile, reply, options), Math.floor(now().getTime() / 1000), beijingIso(at));
    }
    const { apiV2Key, cred } = v2Credentials(profile);
    const reply = await call(profile, buildV2OrderQuery(cred, ref, nonce()), options);
    return interpretV2OrderQuery(ref, reply, apiV2Key, beijingIso(at));
  });
}

/** Closes an unpaid order at WeChat Pay (关单); WeChat's refusals (ORDERPAID, ORDERCLOSED, …) are errors with its code. */
export async function closeOrder(profile: MerchantProfile, outTradeNo: string, options: QueryOptions = {}): Promise<void> {
  const now = options.now ?? (() => new Date());
  const api = options.api ?? profile.api;
  await withRetries(options, async () => {
    if (api === 'v3') {
      const { cred } = v3Credentials(profile);
      const reply = await call(profile, buildV3Close(cred, outTradeNo, Math.floor(now().getTime() / 1000), nonce()), options);
      interpretV3Close(reply, await v3Keys(profile, reply, options), Math.floor(now().getTime() / 1000));
      return;
    }
    const { apiV2Key, cred } = v2Credentials(profile);
    interpretV2Close(await call(profile, buildV2Close(cred, outTradeNo, nonce()), options), apiV2Key);
  });
}

/** At most this many pages of a v2 refund query (WeChat pages an order's refunds; 50 pages is far past any real order). */
const MAX_REFUND_PAGES = 50;

/**
 * An order's refunds now. v2 `refundquery` lists them all by out_trade_no (used whenever the
 * profile has the APIv2 key, whatever its query protocol); otherwise v3 asks about each refund
 * number the caller knows (from the bill). Null when neither is possible.
 */
export async function queryRefunds(profile: MerchantProfile, outTradeNo: string, outRefundNos: readonly string[], options: QueryOptions = {}): Promise<LiveRefunds | null> {
  const now = options.now ?? (() => new Date());
  if (profile.v2 !== null && profile.appid !== null && (options.api ?? 'v2') === 'v2') {
    const { apiV2Key, cred } = v2Credentials(profile);
    const refunds: RefundInfo[] = [];
    for (let page = 0; page < MAX_REFUND_PAGES; page++) {
      const offset = refunds.length;
      const got = await withRetries(options, async () =>
        interpretV2RefundQuery({ outTradeNo }, await call(profile, buildV2RefundQuery(cred, { outTradeNo }, nonce(), offset), options), apiV2Key, beijingIso(now())),
      );
      refunds.push(...got.refunds);
      if (got.refunds.length === 0 || refunds.length >= got.totalRefundCount) break;
    }
    return { refunds, refundFen: refundedFen(refunds), complete: true };
  }
  if (profile.v3 === null || outRefundNos.length === 0) return null;
  const { cred } = v3Credentials(profile);
  const refunds: RefundInfo[] = [];
  for (const outRefundNo of new Set(outRefundNos)) {
    const got = await withRetries(options, async () => {
      const reply = await call(profile, buildV3RefundQuery(cred, outRefundNo, Math.floor(now().getTime() / 1000), nonce()), options);
      return interpretV3RefundQuery(outRefundNo, reply, await v3Keys(profile, reply, options), Math.floor(now().getTime() / 1000));
    });
    if (got !== null && got.outTradeNo === outTradeNo) refunds.push(got.refund);
  }
  return { refunds, refundFen: refundedFen(refunds), complete: false };
}

/**
 * The live state a reconciliation needs: the order query, and for REFUND (转入退款) its refunds,
 * so the refund becomes an amount. `outRefundNos` are the order's refund numbers the bill shows.
 */
export async function queryOrderForRecon(profile: MerchantProfile, outTradeNo: string, outRefundNos: readonly string[], options: QueryOptions = {}): Promise<OrderQueryResult> {
  const r = await queryOrder(profile, { outTradeNo }, options);
  if (r.tradeState !== 'REFUND') return r;
  const refunds = await queryRefunds(profile, r.outTradeNo || outTradeNo, outRefundNos, { ...options, api: undefined });
  return refunds === null ? r : { ...r, refunds };
}

export interface DownloadedBill {
  /** The bill exactly as WeChat Pay made it (unzipped). */
  bytes: Uint8Array;
  api: 'v2' | 'v3';
  /** v3: the digest WeChat announced and the bytes matched. */
  hash: { type: string; value: string } | null;
  /** It came gzip-compressed. */
  compressed: boolean;
}

/**
 * A day's trade bill through the API (v2 downloadbill, or v3 tradebill then the download and its
 * SHA-1 check). No bill that day is the NO_BILL_EXIST error; a bill not made yet BILL_CREATING.
 * A transfer cut off or not matching its digest is retried as a whole (a v3 link lives 30 s).
 */
export async function downloadBill(profile: MerchantProfile, req: { date: string; billType: TradeBillType; gzip?: boolean }, options: QueryOptions = {}): Promise<DownloadedBill> {
  const now = options.now ?? (() => new Date());
  const api = options.api ?? profile.api;
  const r: BillRequest = { date: req.date, billType: req.billType, gzip: req.gzip ?? true };
  // A bill can be hundreds of megabytes: give the transfer more time than a query.
  const timeoutMs = Math.max(profile.timeoutMs, 120_000);
  return withRetries(options, async () => {
    if (api === 'v2') {
      const { cred } = v2Credentials(profile);
      const reply = (await call(profile, buildV2DownloadBill(cred, r, nonce()), options, true, timeoutMs)) as HttpReply & { bytes: Uint8Array };
      return { bytes: interpretV2DownloadBill(reply, r.gzip), api, hash: null, compressed: r.gzip };
    }
    const { cred } = v3Credentials(profile);
    const applied = await call(profile, buildV3TradeBill(cred, r, Math.floor(now().getTime() / 1000), nonce()), options);
    const ticket = interpretV3TradeBill(applied, await v3Keys(profile, applied, options), Math.floor(now().getTime() / 1000));
    const reply = (await call(profile, buildV3BillDownload(cred, ticket, profile.baseUrl, Math.floor(now().getTime() / 1000), nonce()), options, true, timeoutMs)) as HttpReply & { bytes: Uint8Array };
    return { bytes: interpretV3BillDownload(reply, ticket, r.gzip), api, hash: { type: ticket.hashType, value: ticket.hashValue }, compressed: r.gzip };
  });
}
