/**
 * 退款查询 as pure functions, for both protocols: what an order's refunds are now, so that a live
 * trade state REFUND (转入退款) becomes a state update with an amount rather than a guess.
 * - v2 `pay/refundquery` lists an order's refunds by `out_trade_no` (pages through `offset`).
 * - v3 `GET /v3/refund/domestic/refunds/{out_refund_no}` answers one refund; v3 has no query by
 *   order, so the refund numbers come from the bill (or v2 is asked when the merchant has its key).
 * Every reply is verified before a field is believed; amounts are integer fen, ids stay text.
 */
import { v2Sign, v2Xml } from './v2.ts';
import { v3Authorization, v3RequestMessage, v3Sign, type V3VerifierKeys } from './v3.ts';
import {
  fen, v2ResultFailure, v2VerifiedFields, v3ErrorBody, v3Failure, v3JsonObject, verifyV3Reply, WechatPayError,
  type HttpReply, type HttpRequestSpec, type V2Credentials, type V3Credentials,
} from './order-query.ts';

/** One refund as WeChat reports it now. */
export interface RefundInfo {
  outRefundNo: string;
  refundId: string | null;
  refundFen: number;
  /**
   * WeChat's status as given: v3 SUCCESS | PROCESSING | CLOSED | ABNORMAL; v2 SUCCESS |
   * PROCESSING | REFUNDCLOSE | CHANGE (failed to the card: handle it in the merchant platform).
   */
  status: string;
  /** ISO 8601 with +08:00, when it succeeded. */
  successTime: string | null;
}

/** An order's refunds (v2), or the refunds asked for by number (v3). */
export interface RefundQueryResult {
  outTradeNo: string;
  transactionId: string | null;
  /** The order's amount, as the refund reply gives it. */
  totalFen: number | null;
  refunds: RefundInfo[];
  api: 'v2' | 'v3';
  queriedAt: string;
  requestId?: string;
}

/** Only refunds that succeeded have left the merchant's account; PROCESSING may still fail. */
export function refundedFen(refunds: readonly RefundInfo[]): number {
  let sum = 0;
  for (const r of refunds) if (r.status === 'SUCCESS') sum += r.refundFen;
  return sum;
}

/** `2026-11-27 10:00:03` (Beijing, v2) → `2026-11-27T10:00:03+08:00`; ISO passes through. */
function isoTime(text: string | undefined): string | null {
  if (text === undefined || text === '') return null;
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) return `${text.replace(' ', 'T')}+08:00`;
  return text;
}

// ---- APIv2 pay/refundquery

export type V2RefundRef = { outTradeNo: string } | { transactionId: string } | { outRefundNo: string } | { refundId: string };

export function buildV2RefundQuery(cred: V2Credentials, ref: V2RefundRef, nonce: string, offset = 0): HttpRequestSpec {
  const fields: Record<string, string> = { appid: cred.appid, mch_id: cred.mchid, nonce_str: nonce };
  if (cred.subMchid) fields.sub_mch_id = cred.subMchid;
  if (cred.subAppid) fields.sub_appid = cred.subAppid;
  if ('outTradeNo' in ref) fields.out_trade_no = ref.outTradeNo;
  else if ('transactionId' in ref) fields.transaction_id = ref.transactionId;
  else if ('outRefundNo' in ref) fields.out_refund_no = ref.outRefundNo;
  else fields.refund_id = ref.refundId;
  if (offset > 0) fields.offset = String(offset);
  const signType = cred.signType ?? 'MD5';
  if (signType !== 'MD5') fields.sign_type = signType;
  fields.sign = v2Sign(fields, cred.apiV2Key, signType);
  return { method: 'POST', path: '/pay/refundquery', headers: { 'content-type': 'text/xml; charset=utf-8', 'user-agent': 'wxrecon/0.1.0' }, body: v2Xml(fields) };
}

/** One page of a v2 refund query, with the count of refunds in all (`total_refund_count`, when WeChat gives it). */
export interface V2RefundPage extends RefundQueryResult {
  totalRefundCount: number;
}

/**
 * The reply to a v2 refund query. REFUNDNOTEXIST is an answer (no refunds), not a failure; the
 * per-refund fields are `field_$n` from 0.
 */
export function interpretV2RefundQuery(ref: V2RefundRef, reply: HttpReply, apiV2Key: string, queriedAt: string): V2RefundPage {
  const f = v2VerifiedFields(reply, apiV2Key);
  if (f.result_code !== 'SUCCESS') {
    if (f.err_code === 'REFUNDNOTEXIST') {
      return { outTradeNo: 'outTradeNo' in ref ? ref.outTradeNo : '', transactionId: 'transactionId' in ref ? ref.transactionId : null, totalFen: null, refunds: [], totalRefundCount: 0, api: 'v2', queriedAt };
    }
    throw v2ResultFailure(f);
  }
  const outTradeNo = f.out_trade_no ?? '';
  if ('outTradeNo' in ref && outTradeNo !== ref.outTradeNo) throw new WechatPayError('RESPONSE_INVALID', `the reply is about another order (${outTradeNo})`, { httpStatus: 200 });
  const count = Number(f.refund_count ?? '0');
  if (!Number.isSafeInteger(count) || count < 0 || count > 1000) throw new WechatPayError('RESPONSE_INVALID', `refund_count is not a count: ${f.refund_count}`, { httpStatus: 200 });
  const refunds: RefundInfo[] = [];
  for (let n = 0; n < count; n++) {
    const outRefundNo = f[`out_refund_no_${n}`];
    const amount = fen(f[`refund_fee_${n}`], `refund_fee_${n}`);
    const status = f[`refund_status_${n}`];
    if (outRefundNo === undefined || amount === null || status === undefined) throw new WechatPayError('RESPONSE_INVALID', `refund ${n} is incomplete`, { httpStatus: 200 });
    refunds.push({ outRefundNo, refundId: f[`refund_id_${n}`] || null, refundFen: amount, status, successTime: isoTime(f[`refund_success_time_${n}`]) });
  }
  const total = f.total_refund_count === undefined ? count : Number(f.total_refund_count);
  return {
    outTradeNo,
    transactionId: f.transaction_id || null,
    totalFen: fen(f.total_fee, 'total_fee'),
    refunds,
    totalRefundCount: Number.isSafeInteger(total) && total >= count ? total : count,
    api: 'v2',
    queriedAt,
  };
}

// ---- APIv3 GET /v3/refund/domestic/refunds/{out_refund_no}

export function buildV3RefundQuery(cred: V3Credentials, outRefundNo: string, timestampSec: number, nonce: string): HttpRequestSpec {
  const partner = cred.spMchid && cred.subMchid;
  const path = `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}${partner ? `?sub_mchid=${encodeURIComponent(cred.subMchid!)}` : ''}`;
  const signature = v3Sign(v3RequestMessage('GET', path, timestampSec, nonce, ''), cred.privateKey);
  return {
    method: 'GET',
    path,
    headers: {
      authorization: v3Authorization({ mchid: partner ? cred.spMchid! : cred.mchid, nonce, timestampSec, serialNo: cred.certSerialNo, signature }),
      accept: 'application/json',
      'user-agent': 'wxrecon/0.1.0',
    },
  };
}

/** One v3 refund, or null when WeChat (verifiably) has no refund of that number. */
export function interpretV3RefundQuery(outRefundNo: string, reply: HttpReply, keys: V3VerifierKeys, nowSec: number): { refund: RefundInfo; outTradeNo: string; transactionId: string | null; totalFen: number | null } | null {
  const requestId = reply.headers['request-id'] ?? null;
  const error = reply.status === 200 ? { code: '', message: '' } : v3ErrorBody(reply);
  const notFound = reply.status === 404 && error.code === 'RESOURCE_NOT_EXISTS';
  if (reply.status === 200 || notFound) verifyV3Reply(reply, keys, nowSec);
  if (notFound) return null;
  if (reply.status !== 200) throw v3Failure(reply);
  const t = v3JsonObject(reply);
  if (t.out_refund_no !== outRefundNo || typeof t.out_trade_no !== 'string') {
    throw new WechatPayError('RESPONSE_INVALID', `the reply is not about refund ${outRefundNo}`, { httpStatus: 200, requestId });
  }
  const amount = (t.amount ?? {}) as Record<string, unknown>;
  const refundFen = fen(amount.refund, 'amount.refund');
  if (refundFen === null || typeof t.status !== 'string') throw new WechatPayError('RESPONSE_INVALID', 'the refund has no amount or status', { httpStatus: 200, requestId });
  return {
    refund: {
      outRefundNo,
      refundId: typeof t.refund_id === 'string' && t.refund_id !== '' ? t.refund_id : null,
      refundFen,
      status: t.status,
      successTime: typeof t.success_time === 'string' && t.success_time !== '' ? t.success_time : null,
    },
    outTradeNo: t.out_trade_no,
    transactionId: typeof t.transaction_id === 'string' && t.transaction_id !== '' ? t.transaction_id : null,
    totalFen: fen(amount.total, 'amount.total'),
  };
}
