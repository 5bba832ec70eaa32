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
  buildV2OrderQuery, buildV3OrderQuery, interpretV2OrderQuery, interpretV3OrderQuery, WechatPayError,
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

/** One live order query with the profile's protocol (or `options.api`), retried where that helps. */
export async function queryOrder(profile: MerchantProfile, ref: OrderRef, options: QueryOptions = {}): Promise<OrderQueryResult> {
  const now = options.now ?? (() => new Date());
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 200;
  const api = options.api ?? profile.api;
  for (let attempt = 1; ; attempt++) {
    try {
      const at = now();
      const nowSec = Math.floor(at.getTime() / 1000);
      if (api === 'v3') {
        const v3 = profile.v3;
        if (v3 === null) throw new WechatPayError('PROFILE_INCOMPLETE', 'the profile has no APIv3 private key');
        const spec = buildV3OrderQuery({ mchid: profile.mchid, certSerialNo: v3.certSerialNo, privateKey: v3.privateKey, spMchid: profile.spMchid, subMchid: profile.subMchid }, ref, nowSec, nonce());
        const reply = await send(profile.baseUrl, spec, profile.timeoutMs, profile.concurrency, options.signal);
        return interpretV3OrderQuery(ref, reply, { ...(v3.publicKey ? { publicKey: v3.publicKey } : {}), platform: v3.platform }, Math.floor(now().getTime() / 1000), beijingIso(at));
      }
      const v2 = profile.v2;
      if (v2 === null || profile.appid === null) throw new WechatPayError('PROFILE_INCOMPLETE', 'the profile has no APIv2 key or appid');
      const spec = buildV2OrderQuery({ appid: profile.appid, mchid: profile.spMchid ?? profile.mchid, apiV2Key: v2.apiV2Key, signType: v2.signType, subMchid: profile.subMchid, subAppid: profile.subAppid }, ref, nonce());
      const reply = await send(profile.baseUrl, spec, profile.timeoutMs, profile.concurrency, options.signal);
      return interpretV2OrderQuery(ref, reply, v2.apiV2Key, beijingIso(at));
    } catch (e) {
      if (!(e instanceof WechatPayError) || !e.retryable || attempt >= attempts || options.signal?.aborted) throw e;
      // Full jitter: a random wait up to the exponential step, so many clients do not retry in step.
      const waitMs = Math.random() * backoffMs * 2 ** (attempt - 1);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
