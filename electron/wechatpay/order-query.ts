/**
 * 订单查询 as pure functions: the signed request for either protocol, and the reply turned into
 * the contract's query result (`query --json`) or a typed error. No network here: the transport
 * sends what these build and hands back what came (the next part of issue 4), so every rule —
 * verify before believing, ids as text, money as integer fen — is tested without a server.
 */
import type { KeyObject } from 'node:crypto';
import type { LiveRefunds, LiveTradeState } from '../../shared/recon/types.ts';
import { parseV2Xml, v2Sign, v2Verify, v2Xml, V2XmlError, type V2SignType } from './v2.ts';
import { v3Authorization, v3RequestMessage, v3Sign, v3VerifyResponse, type V3VerifierKeys } from './v3.ts';

/** Which order: by the merchant's number or by WeChat's transaction id (exactly one). */
export type OrderRef = { outTradeNo: string; transactionId?: undefined } | { transactionId: string; outTradeNo?: undefined };

/** The contract's `query --json` document. */
export interface OrderQueryResult {
  outTradeNo: string;
  transactionId: string | null;
  tradeState: LiveTradeState;
  tradeStateDesc: string;
  totalFen: number | null;
  payerTotalFen: number | null;
  /** ISO 8601 with +08:00; null when unpaid. */
  successTime: string | null;
  api: 'v2' | 'v3';
  queriedAt: string;
  requestId?: string;
  /** For REFUND: the order's refunds, when a refund query (退款查询) could list them. */
  refunds?: LiveRefunds;
}

/**
 * A failed query. `code` is WeChat's (`SYSTEM_ERROR`, `SIGNERROR`, …) or ours for what WeChat
 * never says: `RESPONSE_NOT_VERIFIED` (a reply whose signature does not check out), `RESPONSE_INVALID`.
 */
export class WechatPayError extends Error {
  readonly code: string;
  readonly httpStatus: number | null;
  readonly requestId: string | null;
  /** Worth asking again (network, 5xx, SYSTEM_ERROR). */
  readonly retryable: boolean;
  /** WeChat asks to slow down: the whole run should, rather than fail. */
  readonly rateLimited: boolean;

  constructor(code: string, message: string, options: { httpStatus?: number | null; requestId?: string | null; retryable?: boolean; rateLimited?: boolean } = {}) {
    super(`${code}: ${message}`);
    this.name = 'WechatPayError';
    this.code = code;
    this.httpStatus = options.httpStatus ?? null;
    this.requestId = options.requestId ?? null;
    this.retryable = options.retryable ?? false;
    this.rateLimited = options.rateLimited ?? false;
  }
}

const TRADE_STATES: ReadonlySet<string> = new Set(['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR', 'ACCEPT']);
const RATE_LIMIT_CODES: ReadonlySet<string> = new Set(['FREQUENCY_LIMITED', 'RATE_LIMITED', 'FREQ_LIMIT']);
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['SYSTEMERROR', 'SYSTEM_ERROR', 'SERVICE_UNAVAILABLE', 'BIZERR_NEED_RETRY']);

export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  /** Path and query, as signed. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpReply {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  body: string;
}

/** A non-negative integer amount of fen from WeChat's text or JSON, or null; anything else is refused. */
export function fen(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : /^\d{1,15}$/.test(String(value)) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new WechatPayError('RESPONSE_INVALID', `${field} is not an amount in fen: ${String(value)}`);
  return n;
}

function tradeStateOf(value: unknown): LiveTradeState {
  if (typeof value !== 'string' || !TRADE_STATES.has(value)) throw new WechatPayError('RESPONSE_INVALID', `unknown trade_state ${String(value)}`);
  return value as LiveTradeState;
}

/** The reply must be about the order that was asked for. */
function checkSameOrder(ref: OrderRef, outTradeNo: string, transactionId: string | null): void {
  if (ref.outTradeNo !== undefined ? outTradeNo !== ref.outTradeNo : transactionId !== ref.transactionId) {
    throw new WechatPayError('RESPONSE_INVALID', `the reply is about another order (${outTradeNo} / ${transactionId ?? '—'})`);
  }
}

// ---- APIv3

export interface V3Credentials {
  mchid: string;
  /** Serial number of the merchant API certificate the private key belongs to. */
  certSerialNo: string;
  privateKey: KeyObject | string;
  /** Service provider mode: the provider's and the sub-merchant's ids (partner paths). */
  spMchid?: string | null;
  subMchid?: string | null;
}

export function v3OrderQueryPath(cred: V3Credentials, ref: OrderRef): string {
  const partner = cred.spMchid && cred.subMchid;
  const by = ref.outTradeNo !== undefined ? `out-trade-no/${encodeURIComponent(ref.outTradeNo)}` : `id/${encodeURIComponent(ref.transactionId)}`;
  return partner
    ? `/v3/pay/partner/transactions/${by}?sp_mchid=${encodeURIComponent(cred.spMchid!)}&sub_mchid=${encodeURIComponent(cred.subMchid!)}`
    : `/v3/pay/transactions/${by}?mchid=${encodeURIComponent(cred.mchid)}`;
}

export function buildV3OrderQuery(cred: V3Credentials, ref: OrderRef, timestampSec: number, nonce: string): HttpRequestSpec {
  const path = v3OrderQueryPath(cred, ref);
  const signature = v3Sign(v3RequestMessage('GET', path, timestampSec, nonce, ''), cred.privateKey);
  const mchid = cred.spMchid && cred.subMchid ? cred.spMchid : cred.mchid;
  return {
    method: 'GET',
    path,
    headers: {
      authorization: v3Authorization({ mchid, nonce, timestampSec, serialNo: cred.certSerialNo, signature }),
      accept: 'application/json',
      'user-agent': 'wxrecon/0.1.0',
    },
  };
}

/** Throws RESPONSE_NOT_VERIFIED unless the reply carries WeChat's valid signature over its raw body. */
export function verifyV3Reply(reply: HttpReply, keys: V3VerifierKeys, nowSec: number): void {
  const h = reply.headers;
  const failure = v3VerifyResponse({ timestamp: h['wechatpay-timestamp'], nonce: h['wechatpay-nonce'], signature: h['wechatpay-signature'], serial: h['wechatpay-serial'] }, reply.body, keys, nowSec);
  if (failure !== null) throw new WechatPayError('RESPONSE_NOT_VERIFIED', `the reply's signature does not verify (${failure})`, { httpStatus: reply.status, requestId: h['request-id'] ?? null });
}

/** WeChat's `{code, message}` of a v3 error reply, or empties (an HTML page from a proxy, no body). */
export function v3ErrorBody(reply: HttpReply): { code: string; message: string } {
  let error: { code?: unknown; message?: unknown } = {};
  try {
    error = JSON.parse(reply.body) as typeof error;
  } catch {
    // The status says enough.
  }
  return { code: typeof error?.code === 'string' ? error.code : '', message: typeof error?.message === 'string' ? error.message : '' };
}

/** A 200 reply's JSON object, or RESPONSE_INVALID. */
export function v3JsonObject(reply: HttpReply): Record<string, unknown> {
  let t: unknown;
  try {
    t = JSON.parse(reply.body);
  } catch {
    t = null;
  }
  if (t === null || typeof t !== 'object' || Array.isArray(t)) throw new WechatPayError('RESPONSE_INVALID', 'the reply is not a JSON object', { httpStatus: reply.status, requestId: reply.headers['request-id'] ?? null });
  return t as Record<string, unknown>;
}

/** A v3 failure as a typed error: WeChat's code and message, the Request-ID, and whether to retry or slow down. */
export function v3Failure(reply: HttpReply): WechatPayError {
  const { code, message } = v3ErrorBody(reply);
  return new WechatPayError(code || `HTTP_${reply.status}`, message || `HTTP ${reply.status}`, {
    httpStatus: reply.status,
    requestId: reply.headers['request-id'] ?? null,
    rateLimited: reply.status === 429 || RATE_LIMIT_CODES.has(code),
    retryable: reply.status >= 500 || RETRYABLE_CODES.has(code),
  });
}

/**
 * The reply to a v3 order query. The signature is checked first, for the answers that decide
 * anything (a 200 and a 404 ORDER_NOT_EXIST); other errors become errors either way.
 */
export function interpretV3OrderQuery(ref: OrderRef, reply: HttpReply, keys: V3VerifierKeys, nowSec: number, queriedAt: string): OrderQueryResult {
  const requestId = reply.headers['request-id'] ?? null;
  const error = reply.status === 200 ? { code: '', message: '' } : v3ErrorBody(reply);
  const notFound = reply.status === 404 && error.code === 'ORDER_NOT_EXIST';
  if (reply.status === 200 || notFound) verifyV3Reply(reply, keys, nowSec);
  const base = { api: 'v3' as const, queriedAt, ...(requestId !== null ? { requestId } : {}) };
  if (notFound) {
    return { outTradeNo: ref.outTradeNo ?? '', transactionId: ref.transactionId ?? null, tradeState: 'ORDER_NOT_EXIST', tradeStateDesc: error.message || '订单不存在', totalFen: null, payerTotalFen: null, successTime: null, ...base };
  }
  if (reply.status !== 200) throw v3Failure(reply);
  const t = v3JsonObject(reply);
  if (typeof t.out_trade_no !== 'string') throw new WechatPayError('RESPONSE_INVALID', 'the reply has no out_trade_no', { httpStatus: 200, requestId });
  const transactionId = typeof t.transaction_id === 'string' && t.transaction_id !== '' ? t.transaction_id : null;
  checkSameOrder(ref, t.out_trade_no, transactionId);
  const amount = (t.amount ?? {}) as Record<string, unknown>;
  const successTime = typeof t.success_time === 'string' && t.success_time !== '' ? t.success_time : null;
  return {
    outTradeNo: t.out_trade_no,
    transactionId,
    tradeState: tradeStateOf(t.trade_state),
    tradeStateDesc: typeof t.trade_state_desc === 'string' ? t.trade_state_desc : '',
    totalFen: fen(amount.total, 'amount.total'),
    payerTotalFen: fen(amount.payer_total, 'amount.payer_total'),
    successTime,
    ...base,
  };
}

// ---- APIv2

export interface V2Credentials {
  appid: string;
  mchid: string;
  apiV2Key: string;
  signType?: V2SignType;
  /** Service provider mode: the sub-merchant (and its app id, when it has one). */
  subMchid?: string | null;
  subAppid?: string | null;
}

export function buildV2OrderQuery(cred: V2Credentials, ref: OrderRef, nonce: string): HttpRequestSpec {
  const fields: Record<string, string> = { appid: cred.appid, mch_id: cred.mchid, nonce_str: nonce };
  if (cred.subMchid) fields.sub_mch_id = cred.subMchid;
  if (cred.subAppid) fields.sub_appid = cred.subAppid;
  if (ref.outTradeNo !== undefined) fields.out_trade_no = ref.outTradeNo;
  else fields.transaction_id = ref.transactionId;
  const signType = cred.signType ?? 'MD5';
  if (signType !== 'MD5') fields.sign_type = signType;
  fields.sign = v2Sign(fields, cred.apiV2Key, signType);
  return { method: 'POST', path: '/pay/orderquery', headers: { 'content-type': 'text/xml; charset=utf-8', 'user-agent': 'wxrecon/0.1.0' }, body: v2Xml(fields) };
}

/** `yyyyMMddHHmmss` (Beijing) → `yyyy-MM-ddTHH:mm:ss+08:00`. */
export function v2TimeToIso(text: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  return m === null ? null : `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`;
}

/**
 * A v2 reply's fields, believed: HTTP 200, well-formed XML, `return_code` SUCCESS (a FAIL is a
 * failure of the call and unsigned) and a `sign` that verifies, before any other field is read.
 */
export function v2VerifiedFields(reply: HttpReply, apiV2Key: string): Record<string, string> {
  if (reply.status !== 200) {
    throw new WechatPayError(`HTTP_${reply.status}`, `HTTP ${reply.status}`, { httpStatus: reply.status, retryable: reply.status >= 500, rateLimited: reply.status === 429 });
  }
  let f: Record<string, string>;
  try {
    f = parseV2Xml(reply.body);
  } catch (e) {
    throw new WechatPayError('RESPONSE_INVALID', e instanceof V2XmlError ? e.message : String(e), { httpStatus: 200 });
  }
  if (f.return_code !== 'SUCCESS') {
    const message = f.return_msg ?? 'return_code is not SUCCESS';
    throw new WechatPayError(f.return_code === 'FAIL' ? 'RETURN_FAIL' : 'RESPONSE_INVALID', message, { httpStatus: 200, rateLimited: /频率|FREQUENCY/i.test(message) });
  }
  if (!v2Verify(f, apiV2Key)) throw new WechatPayError('RESPONSE_NOT_VERIFIED', 'the reply\'s sign does not verify', { httpStatus: 200 });
  return f;
}

/** A v2 business failure (`result_code` FAIL) as a typed error with WeChat's `err_code`. */
export function v2ResultFailure(f: Record<string, string>): WechatPayError {
  const code = f.err_code ?? 'RESULT_FAIL';
  return new WechatPayError(code, f.err_code_des ?? f.result_msg ?? code, { httpStatus: 200, retryable: RETRYABLE_CODES.has(code), rateLimited: RATE_LIMIT_CODES.has(code) });
}

/**
 * The reply to a v2 order query. `return_code` FAIL is a failure of the call (unsigned); with
 * `return_code` SUCCESS the sign must verify before `result_code`, `err_code` or any field is read.
 */
export function interpretV2OrderQuery(ref: OrderRef, reply: HttpReply, apiV2Key: string, queriedAt: string): OrderQueryResult {
  const f = v2VerifiedFields(reply, apiV2Key);
  const base = { api: 'v2' as const, queriedAt };
  if (f.result_code !== 'SUCCESS') {
    const code = f.err_code ?? 'RESULT_FAIL';
    if (code === 'ORDERNOTEXIST') {
      return { outTradeNo: ref.outTradeNo ?? '', transactionId: ref.transactionId ?? null, tradeState: 'ORDER_NOT_EXIST', tradeStateDesc: f.err_code_des ?? '订单不存在', totalFen: null, payerTotalFen: null, successTime: null, ...base };
    }
    throw v2ResultFailure(f);
  }
  const outTradeNo = f.out_trade_no ?? '';
  if (outTradeNo === '') throw new WechatPayError('RESPONSE_INVALID', 'the reply has no out_trade_no', { httpStatus: 200 });
  const transactionId = f.transaction_id ? f.transaction_id : null;
  checkSameOrder(ref, outTradeNo, transactionId);
  const tradeState = tradeStateOf(f.trade_state);
  const paid = tradeState === 'SUCCESS' || tradeState === 'REFUND';
  return {
    outTradeNo,
    transactionId,
    tradeState,
    tradeStateDesc: f.trade_state_desc ?? '',
    totalFen: fen(f.total_fee, 'total_fee'),
    payerTotalFen: fen(f.cash_fee, 'cash_fee'),
    successTime: paid && f.time_end ? v2TimeToIso(f.time_end) : null,
    ...base,
  };
}

// ---- Closing an unpaid order (关单)

/** v3 close: POST …/out-trade-no/{no}/close with the merchant (or provider and sub-merchant) in the body. */
export function buildV3Close(cred: V3Credentials, outTradeNo: string, timestampSec: number, nonce: string): HttpRequestSpec {
  const partner = cred.spMchid && cred.subMchid;
  const path = `/v3/pay/${partner ? 'partner/' : ''}transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`;
  const body = JSON.stringify(partner ? { sp_mchid: cred.spMchid, sub_mchid: cred.subMchid } : { mchid: cred.mchid });
  const signature = v3Sign(v3RequestMessage('POST', path, timestampSec, nonce, body), cred.privateKey);
  return {
    method: 'POST',
    path,
    body,
    headers: {
      authorization: v3Authorization({ mchid: partner ? cred.spMchid! : cred.mchid, nonce, timestampSec, serialNo: cred.certSerialNo, signature }),
      accept: 'application/json',
      'content-type': 'application/json',
      'user-agent': 'wxrecon/0.1.0',
    },
  };
}

/** A 204 whose (empty-body) signature verifies is a closed order; anything else is an error with WeChat's code. */
export function interpretV3Close(reply: HttpReply, keys: V3VerifierKeys, nowSec: number): void {
  if (reply.status !== 204 && reply.status !== 200) throw v3Failure(reply);
  verifyV3Reply(reply, keys, nowSec);
}

export function buildV2Close(cred: V2Credentials, outTradeNo: string, nonce: string): HttpRequestSpec {
  const fields: Record<string, string> = { appid: cred.appid, mch_id: cred.mchid, nonce_str: nonce, out_trade_no: outTradeNo };
  if (cred.subMchid) fields.sub_mch_id = cred.subMchid;
  if (cred.subAppid) fields.sub_appid = cred.subAppid;
  const signType = cred.signType ?? 'MD5';
  if (signType !== 'MD5') fields.sign_type = signType;
  fields.sign = v2Sign(fields, cred.apiV2Key, signType);
  return { method: 'POST', path: '/pay/closeorder', headers: { 'content-type': 'text/xml; charset=utf-8', 'user-agent': 'wxrecon/0.1.0' }, body: v2Xml(fields) };
}

/** SUCCESS/SUCCESS with a verified sign is a closed order; ORDERPAID, ORDERCLOSED and the rest are errors with WeChat's code. */
export function interpretV2Close(reply: HttpReply, apiV2Key: string): void {
  const f = v2VerifiedFields(reply, apiV2Key);
  if (f.result_code !== 'SUCCESS') throw v2ResultFailure(f);
}
