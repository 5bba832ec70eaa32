/**
 * 下载交易账单 as pure functions, both protocols (../shared/reference/wechatpay-api.md §2.7, §3.6):
 * - v2 `pay/downloadbill`: the bill is the bare body (text, or gzip with `tar_type=GZIP`), unsigned;
 *   a failure is a small XML (`No Bill Exist`, `Bill Creating`, …), told apart by its `<xml>` start.
 * - v3 `GET /v3/bill/tradebill` answers (signed) a SHA-1 and a download URL valid for 30 s; the
 *   download itself is unsigned, so the SHA-1 of the unzipped bytes is what makes it trustworthy.
 * The bytes are kept exactly as WeChat made them (BOM, CRLF): they are the original file.
 */
import { gunzipSync } from 'node:zlib';
import { parseV2Xml, v2Sign, v2Xml } from './v2.ts';
import { billDigestMatches, v3Authorization, v3RequestMessage, v3Sign, type V3VerifierKeys } from './v3.ts';
import { v3Failure, v3JsonObject, verifyV3Reply, WechatPayError, type HttpReply, type HttpRequestSpec, type V2Credentials, type V3Credentials } from './order-query.ts';

export type TradeBillType = 'ALL' | 'SUCCESS' | 'REFUND';

export interface BillRequest {
  /** `YYYY-MM-DD`, Beijing. */
  date: string;
  billType: TradeBillType;
  /** Ask for the bill gzip-compressed (it is unzipped here; the saved bytes are the original text). */
  gzip: boolean;
}

/** What WeChat says when there is no bill (no trades that day): an answer, not a failure. */
export const NO_BILL = 'NO_BILL_EXIST';
/** The bill is not made yet (WeChat makes it from 09:00 and asks to fetch after 10:00 the next day). */
export const BILL_NOT_READY = 'BILL_CREATING';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function buildV2DownloadBill(cred: V2Credentials, req: BillRequest, nonce: string): HttpRequestSpec {
  const m = DATE.exec(req.date);
  if (m === null) throw new RangeError(`not a date: ${req.date}`);
  const fields: Record<string, string> = { appid: cred.appid, mch_id: cred.mchid, nonce_str: nonce, bill_date: `${m[1]}${m[2]}${m[3]}`, bill_type: req.billType };
  if (cred.subMchid) fields.sub_mch_id = cred.subMchid;
  if (cred.subAppid) fields.sub_appid = cred.subAppid;
  if (req.gzip) fields.tar_type = 'GZIP';
  const signType = cred.signType ?? 'MD5';
  if (signType !== 'MD5') fields.sign_type = signType;
  fields.sign = v2Sign(fields, cred.apiV2Key, signType);
  return { method: 'POST', path: '/pay/downloadbill', headers: { 'content-type': 'text/xml; charset=utf-8', 'user-agent': 'wxrecon/0.1.0' }, body: v2Xml(fields) };
}

/** The failure a v2 bill XML stands for, by its `return_msg`. */
function v2BillFailure(xml: Uint8Array): WechatPayError {
  let f: Record<string, string>;
  try {
    f = parseV2Xml(Buffer.from(xml).toString('utf8'));
  } catch {
    return new WechatPayError('RESPONSE_INVALID', 'the reply is neither a bill nor WeChat\'s error XML', { httpStatus: 200 });
  }
  const msg = f.return_msg ?? f.err_code_des ?? 'FAIL';
  // WeChat's documentation writes "NO Bill Exist"; the real reply says "No Bill Exist".
  if (/^no bill exist/i.test(msg)) return new WechatPayError(NO_BILL, msg, { httpStatus: 200 });
  if (/^bill creating/i.test(msg)) return new WechatPayError(BILL_NOT_READY, msg, { httpStatus: 200 });
  const code = f.err_code ?? (/SYSTEMERROR/i.test(msg) ? 'SYSTEMERROR' : 'RETURN_FAIL');
  return new WechatPayError(code, msg, { httpStatus: 200, retryable: code === 'SYSTEMERROR', rateLimited: /频率|FREQUENCY/i.test(msg) });
}

const startsWithXml = (b: Uint8Array): boolean => {
  let i = 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return b[i] === 0x3c; // '<'
};

/** The bill's original bytes from a v2 reply, or WeChat's failure. */
export function interpretV2DownloadBill(reply: HttpReply & { bytes: Uint8Array }, gzip: boolean): Uint8Array {
  if (reply.status !== 200) throw new WechatPayError(`HTTP_${reply.status}`, `HTTP ${reply.status}`, { httpStatus: reply.status, retryable: reply.status >= 500 });
  const b = reply.bytes;
  if (gzip && !startsWithXml(b)) {
    try {
      return gunzipSync(b);
    } catch {
      throw new WechatPayError('BILL_CORRUPT', 'the GZIP bill does not unzip (cut off on the way?)', { httpStatus: 200, retryable: true });
    }
  }
  if (startsWithXml(b)) throw v2BillFailure(b);
  return b;
}

// ---- APIv3

export function v3TradeBillPath(cred: V3Credentials, req: BillRequest): string {
  if (!DATE.test(req.date)) throw new RangeError(`not a date: ${req.date}`);
  let path = `/v3/bill/tradebill?bill_date=${req.date}&bill_type=${req.billType}`;
  if (req.gzip) path += '&tar_type=GZIP';
  if (cred.spMchid && cred.subMchid) path += `&sub_mchid=${encodeURIComponent(cred.subMchid)}`;
  return path;
}

function v3Get(cred: V3Credentials, path: string, timestampSec: number, nonce: string): HttpRequestSpec {
  const signature = v3Sign(v3RequestMessage('GET', path, timestampSec, nonce, ''), cred.privateKey);
  const mchid = cred.spMchid && cred.subMchid ? cred.spMchid : cred.mchid;
  return { method: 'GET', path, headers: { authorization: v3Authorization({ mchid, nonce, timestampSec, serialNo: cred.certSerialNo, signature }), accept: 'application/json', 'user-agent': 'wxrecon/0.1.0' } };
}

export function buildV3TradeBill(cred: V3Credentials, req: BillRequest, timestampSec: number, nonce: string): HttpRequestSpec {
  return v3Get(cred, v3TradeBillPath(cred, req), timestampSec, nonce);
}

export interface V3BillTicket {
  hashType: string;
  hashValue: string;
  downloadUrl: string;
}

/** The signed answer to tradebill: where to fetch the bill and the SHA-1 it must have. */
export function interpretV3TradeBill(reply: HttpReply, keys: V3VerifierKeys, nowSec: number): V3BillTicket {
  const requestId = reply.headers['request-id'] ?? null;
  if (reply.status !== 200) {
    const e = v3Failure(reply);
    const message = e.message.replace(/^[^:]*: /, '');
    if (e.code === 'NO_STATEMENT_EXIST') throw new WechatPayError(NO_BILL, message, { httpStatus: reply.status, requestId });
    // "The bill is being generated" comes as a plain INVALID_REQUEST; only its message tells.
    if (e.code === 'INVALID_REQUEST' && /生成|generat/i.test(message)) throw new WechatPayError(BILL_NOT_READY, message, { httpStatus: reply.status, requestId });
    throw e;
  }
  verifyV3Reply(reply, keys, nowSec);
  const t = v3JsonObject(reply);
  if (typeof t.download_url !== 'string' || typeof t.hash_type !== 'string' || typeof t.hash_value !== 'string') {
    throw new WechatPayError('RESPONSE_INVALID', 'the reply lacks download_url, hash_type or hash_value', { httpStatus: 200, requestId });
  }
  return { hashType: t.hash_type, hashValue: t.hash_value, downloadUrl: t.download_url };
}

/**
 * The signed GET of the download URL. It must point at the same host as the profile's base URL:
 * the Authorization header is never sent anywhere else.
 */
export function buildV3BillDownload(cred: V3Credentials, ticket: V3BillTicket, baseUrl: string, timestampSec: number, nonce: string): HttpRequestSpec {
  let url: URL;
  try {
    url = new URL(ticket.downloadUrl);
  } catch {
    throw new WechatPayError('RESPONSE_INVALID', `download_url is not a URL: ${ticket.downloadUrl}`);
  }
  if (url.origin !== new URL(baseUrl).origin) throw new WechatPayError('RESPONSE_INVALID', `download_url points at another host (${url.origin}); not following it`);
  return v3Get(cred, url.pathname + url.search, timestampSec, nonce);
}

/** The downloaded bill, unzipped and checked against the ticket's SHA-1 (the download is unsigned). */
export function interpretV3BillDownload(reply: HttpReply & { bytes: Uint8Array }, ticket: V3BillTicket, gzip: boolean): Uint8Array {
  if (reply.status !== 200) throw v3Failure(reply);
  let bytes: Uint8Array = reply.bytes;
  if (gzip) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new WechatPayError('BILL_CORRUPT', 'the GZIP bill does not unzip (cut off on the way?)', { httpStatus: 200, retryable: true });
    }
  }
  if (!billDigestMatches(bytes, ticket.hashType, ticket.hashValue)) {
    throw new WechatPayError('BILL_HASH_MISMATCH', `the bill's ${ticket.hashType} is not the ${ticket.hashValue} WeChat Pay announced`, { httpStatus: 200, retryable: true });
  }
  return bytes;
}
