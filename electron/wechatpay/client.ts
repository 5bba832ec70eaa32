/**
 * Signed order queries over HTTP (undici): a keep-alive pool per base URL, a timeout and an abort
 * signal per request, and retries with backoff and jitter for network errors, 5xx and
 * SYSTEM_ERROR — each attempt signed afresh (new nonce and timestamp). Rate limiting is not
 * retried here: the caller (a query run) slows the whole run down instead.
 */
import { randomBytes } from 'node:crypto';
import { Pool, request } from 'undici';
import type { MerchantProfile } from './profile.ts';
import {
  buildV2Close, buildV2OrderQuery, buildV3Close, buildV3OrderQuery, interpretV2Close, interpretV2OrderQuery, interpretV3Close, interpretV3OrderQuery, WechatPayError,
  type HttpReply, type HttpRequestSpec, type OrderQueryResult, type OrderRef,
} from './order-query.ts';

export interface QueryOptions {
  /** Clock, for signing and for checking the reply's timestamp (tests set it). */
  now?: () => Date;
  signal?: AbortSignal;
  /** Attempts in all for retryable failures (default 3). */
  attempts?: number;
  /** Base of the exponential backoff (default 200 ms; full jitter). */
  backoffMs?: number;
  api?: 'v2' | 'v3';
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

/** One HTTP exchange; network failures become retryable WechatPayErrors. */
export async function send(baseUrl: string, spec: HttpRequestSpec, timeoutMs: number, connections: number, signal?: AbortSignal): Promise<HttpReply> {
  const url = new URL(baseUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
  try {
    const res = await request(`${url.origin}${prefix}${spec.path}`, {
      method: spec.method,
      headers: spec.headers,
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      signal: combined,
      dispatcher: poolFor(url.origin, connections),
    });
    const body = await res.body.text();
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    return { status: res.statusCode, headers, body };
  } catch (e) {
    if (signal?.aborted) throw new WechatPayError('ABORTED', 'the query was cancelled');
    if (timeout.aborted) throw new WechatPayError('TIMEOUT', `no reply within ${timeoutMs} ms`, { retryable: true });
    const err = e as NodeJS.ErrnoException;
    throw new WechatPayError('NETWORK', err.code ?? err.message, { retryable: true });
  }
}

function nonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
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

const verifierKeys = (v3: NonNullable<MerchantProfile['v3']>) => ({ ...(v3.publicKey ? { publicKey: v3.publicKey } : {}), platform: v3.platform });

/** One live order query with the profile's protocol (or `options.api`), retried where that helps. */
export async function queryOrder(profile: MerchantProfile, ref: OrderRef, options: QueryOptions = {}): Promise<OrderQueryResult> {
  const now = options.now ?? (() => new Date());
  const api = options.api ?? profile.api;
  return withRetries(options, async () => {
    const at = now();
    if (api === 'v3') {
      const { v3, cred } = v3Credentials(profile);
      const spec = buildV3OrderQuery(cred, ref, Math.floor(at.getTime() / 1000), nonce());
      const reply = await send(profile.baseUrl, spec, profile.timeoutMs, profile.concurrency, options.signal);
      return interpretV3OrderQuery(ref, reply, verifierKeys(v3), Math.floor(now().getTime() / 1000), beijingIso(at));
    }
    const { apiV2Key, cred } = v2Credentials(profile);
    const reply = await send(profile.baseUrl, buildV2OrderQuery(cred, ref, nonce()), profile.timeoutMs, profile.concurrency, options.signal);
    return interpretV2OrderQuery(ref, reply, apiV2Key, beijingIso(at));
  });
}

/** Closes an unpaid order at WeChat Pay (关单); WeChat's refusals (ORDERPAID, ORDERCLOSED, …) are errors with its code. */
export async function closeOrder(profile: MerchantProfile, outTradeNo: string, options: QueryOptions = {}): Promise<void> {
  const now = options.now ?? (() => new Date());
  const api = options.api ?? profile.api;
  await withRetries(options, async () => {
    if (api === 'v3') {
      const { v3, cred } = v3Credentials(profile);
      const reply = await send(profile.baseUrl, buildV3Close(cred, outTradeNo, Math.floor(now().getTime() / 1000), nonce()), profile.timeoutMs, profile.concurrency, options.signal);
      interpretV3Close(reply, verifierKeys(v3), Math.floor(now().getTime() / 1000));
      return;
    }
    const { apiV2Key, cred } = v2Credentials(profile);
    interpretV2Close(await send(profile.baseUrl, buildV2Close(cred, outTradeNo, nonce()), profile.timeoutMs, profile.concurrency, options.signal), apiV2Key);
  });
}
