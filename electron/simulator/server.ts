/**
 * The built-in WeChat Pay simulator: a real HTTP server on 127.0.0.1 that behaves like WeChat Pay
 * for every call the clients make, in both protocols — order query, close, refund query, trade
 * bill download (v2 downloadbill; v3 tradebill + billdownload), and v3 platform certificates — as
 * a direct merchant or a service provider's sub-merchant (partner paths, sub_mch_id). It checks
 * request signatures as WeChat does and refuses bad ones with WeChat's codes, and signs its replies
 * with its own key: the WeChat Pay public key (`PUB_KEY_ID_…`) or a platform certificate, switchable
 * at run time as during a real switch. Fault knobs make it slow, failing, rate-limited, tampered,
 * skewed or truncated, so clients prove they cope with each.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { LiveRefund, LiveTradeState } from '../../shared/recon/types.ts';
import { parseV2Xml, v2Sign, v2Verify, v2Xml, type V2SignType } from '../wechatpay/v2.ts';
import { aeadEncrypt, v3RequestMessage, v3Sign, V3_MAX_SKEW_SEC } from '../wechatpay/v3.ts';
import { simTradeBill, type SimBillType } from './bill.ts';

export interface SimRefund extends LiveRefund {
  /** When the refund was applied for (ISO, +08:00); the bill lists it on that day. Default: successTime. */
  createTime?: string | null;
}

export interface SimOrder {
  outTradeNo: string;
  transactionId: string | null;
  tradeState: Exclude<LiveTradeState, 'ORDER_NOT_EXIST'>;
  totalFen: number;
  payerTotalFen?: number;
  /** ISO 8601 with +08:00, for paid orders. */
  successTime: string | null;
  refunds?: SimRefund[];
}

export interface SimMerchant {
  /** The merchant whose orders these are (the sub-merchant, for a service provider). */
  mchid: string;
  appid: string;
  apiV2Key: string;
  /** Encrypts the platform certificates it hands out. */
  apiV3Key?: string;
  /** Verifies the merchant's v3 requests. */
  publicKey: KeyObject;
  certSerialNo: string;
  /** A service provider acting for `mchid`: requests must come as the provider, on partner paths. */
  partner?: { spMchid: string } | null;
}

export interface SimPlatformCertificate {
  serialNo: string;
  pem: string;
  privateKey: KeyObject;
  effectiveTime: string;
  expireTime: string;
}

export interface SimFaults {
  /** Change the body after signing it. */
  tamper?: boolean;
  /** Seconds added to the reply's Wechatpay-Timestamp. */
  skewSec?: number;
  /** Sign replies with a key and serial no merchant was given (neither the public key nor a listed certificate). */
  foreignSigner?: boolean;
  /** Added before every reply. */
  latencyMs?: number;
  /** Share of requests answered with WeChat's SYSTEM_ERROR (v3: HTTP 500; v2: SYSTEMERROR). */
  errorRate?: number;
  /** Share of requests answered by a gateway's bare 502 page, as a proxy in front of WeChat would. */
  gatewayErrorRate?: number;
  /** Share of replies cut off midway (the connection closes after half the body). */
  truncateRate?: number;
  /** Requests per second above which the answer is FREQUENCY_LIMITED. */
  qps?: number;
  /** Seed of the fault dice, so a test run is repeatable. */
  seed?: number;
}

export interface SimulatorOptions {
  orders: readonly SimOrder[];
  merchant: SimMerchant;
  /** Public key mode: the simulator's signing key, announced as WeChat Pay public key `id`. */
  wechatpay?: { id: string; privateKey: KeyObject };
  /** Certificate mode: platform certificates, served at /v3/certificates; the newest signs. */
  platformCertificates?: readonly SimPlatformCertificate[];
  faults?: SimFaults;
  now?: () => Date;
  port?: number;
}

export interface Simulator {
  baseUrl: string;
  faults: SimFaults;
  /** Which key signs replies now (both may be configured: a switch in progress). */
  signWith: 'public-key' | 'platform';
  /** The platform certificates served and signed with; add one to roll over to a new certificate. */
  platformCertificates: SimPlatformCertificate[];
  /** Requests answered, by outcome, for tests and the bench. */
  stats: { v2: number; v3: number; refused: number; faults: number; bills: number; certificates: number };
  close(): Promise<void>;
}

const DESC: Record<string, string> = {
  SUCCESS: '支付成功', REFUND: '转入退款', NOTPAY: '订单未支付', CLOSED: '已关闭', REVOKED: '已撤销（刷卡支付）',
  USERPAYING: '用户支付中', PAYERROR: '支付失败', ACCEPT: '已接收，等待扣款',
};

/** v3 refund statuses as v2 names them. */
const V2_REFUND_STATUS: Record<string, string> = { SUCCESS: 'SUCCESS', PROCESSING: 'PROCESSING', CLOSED: 'REFUNDCLOSE', ABNORMAL: 'CHANGE' };

/** A v3 bill download link lives this long, as WeChat's does. */
const DOWNLOAD_TOKEN_MS = 30_000;

/** A request's body as text, refusing one larger than `maxBytes` (the loopback bridge uses it too). */
export async function readBody(req: IncomingMessage, maxBytes = 1 << 20): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new Error('body too large');
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** `2026-11-27T00:00:03+08:00` → `20261127000003` */
function v2Time(iso: string): string {
  return iso.slice(0, 19).replace(/[-T:]/g, '');
}

/** `2026-11-27T00:00:03+08:00` → `2026-11-27 00:00:03` (v2 refund times). */
function v2WallTime(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}

/** Beijing date of an instant, `YYYY-MM-DD`. */
function beijingDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** WeChat makes a day's bill from 09:00 the next day and says to fetch it after 10:00. */
function billReady(date: string, now: Date): boolean {
  const next = new Date(`${date}T10:00:00+08:00`).getTime() + 86_400_000;
  return now.getTime() >= next;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const now = options.now ?? (() => new Date());
  if (options.wechatpay === undefined && (options.platformCertificates ?? []).length === 0) throw new Error('the simulator needs a WeChat Pay public key or platform certificates to sign with');
  // Copies: closing an order changes its state here, never the caller's list.
  const orders = options.orders.map((o) => ({ ...o, refunds: (o.refunds ?? []).map((r) => ({ ...r })) }));
  const byOutTradeNo = new Map(orders.map((o) => [o.outTradeNo, o]));
  const byTransactionId = new Map(orders.filter((o) => o.transactionId !== null).map((o) => [o.transactionId!, o]));
  const byOutRefundNo = new Map(orders.flatMap((o) => o.refunds.map((r) => [r.outRefundNo, { order: o, refund: r }] as const)));
  const byRefundId = new Map(orders.flatMap((o) => o.refunds.filter((r) => r.refundId !== null).map((r) => [r.refundId!, o] as const)));
  /** Why an order cannot be closed (WeChat's code), or null when it can. */
  const closeRefusal = (o: SimOrder | undefined): string | null =>
    o === undefined ? 'ORDERNOTEXIST' : o.tradeState === 'SUCCESS' || o.tradeState === 'REFUND' ? 'ORDERPAID' : o.tradeState === 'CLOSED' || o.tradeState === 'REVOKED' ? 'ORDERCLOSED' : null;
  const m = options.merchant;
  const partner = m.partner ?? null;
  /** The merchant id WeChat sees on requests: the provider's in partner mode. */
  const callerMchid = partner?.spMchid ?? m.mchid;
  const certificates = [...(options.platformCertificates ?? [])];
  const sim: Simulator = {
    baseUrl: '',
    faults: { ...options.faults },
    signWith: options.wechatpay !== undefined ? 'public-key' : 'platform',
    platformCertificates: certificates,
    stats: { v2: 0, v3: 0, refused: 0, faults: 0, bills: 0, certificates: 0 },
    close: async () => undefined,
  };
  // Fault dice (mulberry32): repeatable for a given seed.
  let seed = (options.faults?.seed ?? 1) >>> 0;
  const dice = (): number => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Requests in the current second, for the QPS limit.
  let windowStart = 0;
  let windowCount = 0;
  const overQps = (): boolean => {
    const qps = sim.faults.qps;
    if (qps === undefined) return false;
    const t = now().getTime();
    if (t - windowStart >= 1000) {
      windowStart = t;
      windowCount = 0;
    }
    return ++windowCount > qps;
  };
  /** Sends a body, or (truncateRate) half of it with the full length announced, then drops the connection. */
  const sendBody = (res: ServerResponse, body: string | Buffer) => {
    const rate = sim.faults.truncateRate ?? 0;
    if (rate > 0 && dice() < rate) {
      sim.stats.faults++;
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      res.write(bytes.subarray(0, bytes.length >> 1), () => res.destroy());
      return;
    }
    res.end(body);
  };

  /** The key and serial that sign now: the public key, or the newest platform certificate in force. */
  let foreign: { serial: string; key: KeyObject } | null = null;
  const signer = (): { serial: string; key: KeyObject } => {
    if (sim.faults.foreignSigner === true) return (foreign ??= { serial: '7E57000000000000000000000000000000000001', key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey });
    if (sim.signWith === 'public-key' && options.wechatpay !== undefined) return { serial: options.wechatpay.id, key: options.wechatpay.privateKey };
    // The newest certificate in force signs, as WeChat rolls to a new one.
    const t = now().getTime();
    const valid = certificates.filter((c) => Date.parse(c.effectiveTime) <= t && t < Date.parse(c.expireTime));
    const pick = (valid.length > 0 ? valid : certificates).reduce((a, b) => (Date.parse(b.effectiveTime) >= Date.parse(a.effectiveTime) ? b : a));
    return { serial: pick.serialNo, key: pick.privateKey };
  };

  const replyV3 = (res: ServerResponse, status: number, payload: unknown) => {
    let body = payload === null ? '' : JSON.stringify(payload);
    const timestamp = String(Math.floor(now().getTime() / 1000) + (sim.faults.skewSec ?? 0));
    const nonce = randomBytes(16).toString('hex');
    const { serial, key } = signer();
    const signature = v3Sign(`${timestamp}\n${nonce}\n${body}\n`, key);
    if (sim.faults.tamper === true) {
      body = body.replace(/"trade_state":"[A-Z_]+"/, '"trade_state":"SUCCESS"').replace(/"refund":\d+/, '"refund":1').replace('_NOT_EXIST', '_NOT_EXIST ').replace(/"hash_value":"./, '"hash_value":"0').replace('"expire_time":"2', '"expire_time":"3');
    }
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'request-id': randomBytes(8).toString('hex'),
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': serial,
      'wechatpay-signature': signature,
      'content-length': Buffer.byteLength(body, 'utf8'),
    });
    sendBody(res, body);
  };

  const replyV2 = (res: ServerResponse, fields: Record<string, string>, signType: V2SignType | null) => {
    const out = signType === null ? fields : { ...fields, sign: v2Sign(fields, m.apiV2Key, signType) };
    let body = v2Xml(out);
    if (sim.faults.tamper === true) body = body.replace(/<trade_state><!\[CDATA\[[A-Z]+\]\]>/, '<trade_state><![CDATA[SUCCESS]]>').replace(/<refund_fee_0><!\[CDATA\[\d+/, '<refund_fee_0><![CDATA[1');
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body, 'utf8') });
    sendBody(res, body);
  };

  /** A bill's bytes, plain or gzip, unsigned (as WeChat sends bills). */
  const replyBill = (res: ServerResponse, text: string, gzip: boolean) => {
    const bytes = gzip ? gzipSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8');
    sim.stats.bills++;
    res.writeHead(200, { 'content-type': gzip ? 'application/octet-stream' : 'text/plain; charset=utf-8', 'content-length': bytes.length });
    sendBody(res, bytes);
  };

  /** WeChat's check of a v3 request: scheme, merchant, certificate serial, clock, signature. */
  const v3Refusal = (req: IncomingMessage, path: string, body: string): string | null => {
    const auth = req.headers.authorization ?? '';
    const m3 = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(auth);
    if (m3 === null) return 'Authorization 头缺失或格式错误';
    const parts = Object.fromEntries([...m3[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (parts.mchid !== callerMchid) return '商户号与证书不匹配';
    if ((parts.serial_no ?? '').toUpperCase() !== m.certSerialNo.toUpperCase()) return '商户证书序列号有误';
    const ts = Number(parts.timestamp);
    if (!Number.isFinite(ts) || Math.abs(now().getTime() / 1000 - ts) >= V3_MAX_SKEW_SEC) return '请求时间与系统时间相差过大';
    const message = v3RequestMessage(req.method ?? 'GET', path, ts, parts.nonce_str ?? '', body);
    const ok = (() => {
      try {
        return createVerify('RSA-SHA256').update(message, 'utf8').verify(m.publicKey, parts.signature ?? '', 'base64');
      } catch {
        return false;
      }
    })();
    return ok ? null : '签名错误';
  };

  /**
   * WeChat's checks of a v2 request (XML, merchant and app, sub-merchant, sign); refuses with its
   * answer and returns null, or returns the fields, the sign type to answer with and the reply's head.
   */
  const acceptV2 = (res: ServerResponse, body: string) => {
    sim.stats.v2++;
    let f: Record<string, string>;
    try {
      f = parseV2Xml(body);
    } catch {
      sim.stats.refused++;
      replyV2(res, { return_code: 'FAIL', return_msg: 'XML格式错误' }, null);
      return null;
    }
    const refusal =
      f.mch_id !== callerMchid ? '商户号不存在'
      : f.appid !== m.appid ? 'appid和mch_id不匹配'
      : partner !== null && f.sub_mch_id !== m.mchid ? 'sub_mch_id与sub_appid不匹配'
      : partner === null && f.sub_mch_id !== undefined ? '商户号不是服务商'
      : !v2Verify(f, m.apiV2Key) ? '签名错误'
      : null;
    if (refusal !== null) {
      sim.stats.refused++;
      replyV2(res, { return_code: 'FAIL', return_msg: refusal }, null);
      return null;
    }
    const signType: V2SignType = f.sign_type === 'HMAC-SHA256' ? 'HMAC-SHA256' : 'MD5';
    const head: Record<string, string> = { return_code: 'SUCCESS', return_msg: 'OK', appid: m.appid, mch_id: callerMchid, nonce_str: randomBytes(8).toString('hex') };
    if (partner !== null) head.sub_mch_id = m.mchid;
    return { f, signType, head };
  };

  /** A v3 request's merchant in the query string: `mchid`, or `sp_mchid` and `sub_mchid` on partner paths. */
  const v3MerchantProblem = (url: URL, isPartnerPath: boolean): string | null => {
    if (isPartnerPath !== (partner !== null)) return partner !== null ? '服务商请使用服务商（partner）接口' : '商户号不是服务商';
    if (partner !== null) return url.searchParams.get('sp_mchid') !== partner.spMchid || url.searchParams.get('sub_mchid') !== m.mchid ? 'sp_mchid 或 sub_mchid 与请求方不一致' : null;
    return url.searchParams.get('mchid') !== m.mchid ? 'mchid 与请求方不一致' : null;
  };

  const v2Order = (o: SimOrder, head: Record<string, string>): Record<string, string> => {
    const paid = o.tradeState === 'SUCCESS' || o.tradeState === 'REFUND';
    return {
      ...head,
      result_code: 'SUCCESS',
      trade_state: o.tradeState,
      trade_state_desc: DESC[o.tradeState] ?? '',
      out_trade_no: o.outTradeNo,
      ...(o.transactionId !== null ? { transaction_id: o.transactionId } : {}),
      total_fee: String(o.totalFen),
      ...(paid ? { cash_fee: String(o.payerTotalFen ?? o.totalFen), time_end: o.successTime ? v2Time(o.successTime) : '' } : {}),
      trade_type: 'NATIVE',
      fee_type: 'CNY',
    };
  };

  const v3Order = (o: SimOrder) => {
    const paid = o.tradeState === 'SUCCESS' || o.tradeState === 'REFUND';
    return {
      ...(partner !== null ? { sp_appid: m.appid, sp_mchid: partner.spMchid, sub_mchid: m.mchid } : { appid: m.appid, mchid: m.mchid }),
      out_trade_no: o.outTradeNo,
      ...(o.transactionId !== null ? { transaction_id: o.transactionId } : {}),
      trade_type: 'NATIVE',
      trade_state: o.tradeState,
      trade_state_desc: DESC[o.tradeState] ?? '',
      ...(paid && o.successTime ? { success_time: o.successTime } : {}),
      ...(paid ? { payer: { [partner !== null ? 'sp_openid' : 'openid']: 'oDemoUser0000000000000000001' } } : {}),
      amount: { total: o.totalFen, ...(paid ? { payer_total: o.payerTotalFen ?? o.totalFen } : {}), currency: 'CNY', payer_currency: 'CNY' },
      promotion_detail: [],
    };
  };

  // v3 bill download links: token → bytes, until they expire.
  const downloads = new Map<string, { text: string; gzip: boolean; expiresMs: number }>();

  const handleV2 = (res: ServerResponse, pathname: string, body: string): void => {
    const accepted = acceptV2(res, body);
    if (accepted === null) return;
    const { f, signType, head } = accepted;
    const fail = (code: string, des: string) => replyV2(res, { ...head, result_code: 'FAIL', err_code: code, err_code_des: des }, signType);
    switch (pathname) {
      case '/pay/orderquery': {
        const order = f.transaction_id ? byTransactionId.get(f.transaction_id) : f.out_trade_no ? byOutTradeNo.get(f.out_trade_no) : undefined;
        if (order === undefined) return fail('ORDERNOTEXIST', '此交易订单号不存在');
        return replyV2(res, v2Order(order, head), signType);
      }
      case '/pay/closeorder': {
        const order = byOutTradeNo.get(f.out_trade_no ?? '');
        const refusal = closeRefusal(order);
        if (refusal !== null) {
          const des: Record<string, string> = { ORDERNOTEXIST: '订单不存在', ORDERPAID: '订单已支付，不能发起关单', ORDERCLOSED: '订单已关闭，无法重复关闭' };
          return fail(refusal, des[refusal]!);
        }
        order!.tradeState = 'CLOSED';
        return replyV2(res, { ...head, result_code: 'SUCCESS', result_msg: 'OK' }, signType);
      }
      case '/pay/refundquery': {
        const order =
          f.out_trade_no ? byOutTradeNo.get(f.out_trade_no)
          : f.transaction_id ? byTransactionId.get(f.transaction_id)
          : f.out_refund_no ? byOutRefundNo.get(f.out_refund_no)?.order
          : f.refund_id ? byRefundId.get(f.refund_id)
          : undefined;
        const all = order === undefined ? [] : f.out_refund_no ? order.refunds.filter((r) => r.outRefundNo === f.out_refund_no) : f.refund_id ? order.refunds.filter((r) => r.refundId === f.refund_id) : order.refunds;
        if (order === undefined || all.length === 0) return fail('REFUNDNOTEXIST', '退款订单查询失败');
        const offset = f.offset === undefined ? 0 : Number(f.offset);
        if (!Number.isInteger(offset) || offset < 0 || offset >= all.length) return fail('INVALID_REQUEST', 'offset 超出退款笔数');
        // Pages of ten, as WeChat pages an order's refunds once it has many.
        const page = all.slice(offset, offset + 10);
        const fields: Record<string, string> = {
          ...head, result_code: 'SUCCESS', out_trade_no: order.outTradeNo, ...(order.transactionId !== null ? { transaction_id: order.transactionId } : {}),
          total_fee: String(order.totalFen), cash_fee: String(order.payerTotalFen ?? order.totalFen), refund_count: String(page.length),
        };
        if (f.offset !== undefined || all.length > 10) fields.total_refund_count = String(all.length);
        page.forEach((r, n) => {
          fields[`out_refund_no_${n}`] = r.outRefundNo;
          if (r.refundId !== null) fields[`refund_id_${n}`] = r.refundId;
          fields[`refund_channel_${n}`] = 'ORIGINAL';
          fields[`refund_fee_${n}`] = String(r.refundFen);
          fields[`settlement_refund_fee_${n}`] = String(r.refundFen);
          fields[`refund_status_${n}`] = V2_REFUND_STATUS[r.status] ?? r.status;
          fields[`refund_recv_accout_${n}`] = '支付用户的零钱';
          if (r.successTime) fields[`refund_success_time_${n}`] = v2WallTime(r.successTime);
        });
        return replyV2(res, fields, signType);
      }
      case '/pay/downloadbill': {
        // Errors are an unsigned XML; a bill is the bare text (or gzip), also unsigned.
        const billFail = (msg: string) => replyV2(res, { return_code: 'FAIL', return_msg: msg, error_code: '20002' }, null);
        const m8 = /^(\d{4})(\d{2})(\d{2})$/.exec(f.bill_date ?? '');
        if (m8 === null) return billFail('invalid bill_date');
        const billType = f.bill_type ?? 'ALL';
        if (billType !== 'ALL' && billType !== 'SUCCESS' && billType !== 'REFUND') return billFail('invalid bill_type');
        if (f.tar_type !== undefined && f.tar_type !== 'GZIP') return billFail('invalid tar_type');
        const date = `${m8[1]}-${m8[2]}-${m8[3]}`;
        if (!billReady(date, now())) return billFail('Bill Creating');
        const text = simTradeBill(orders, { date, billType, appid: m.appid, mchid: callerMchid, subMchid: partner !== null ? m.mchid : null });
        if (text === null) return billFail('No Bill Exist');
        return replyBill(res, text, f.tar_type === 'GZIP');
      }
      default:
        return replyV2(res, { return_code: 'FAIL', return_msg: '接口不存在' }, null);
    }
  };

  const handleV3 = (req: IncomingMessage, res: ServerResponse, path: string, url: URL, body: string): void => {
    sim.stats.v3++;
    const refusal = v3Refusal(req, path, body);
    if (refusal !== null) {
      sim.stats.refused++;
      return replyV3(res, 401, { code: 'SIGN_ERROR', message: refusal });
    }
    const p = url.pathname;
    const method = req.method ?? 'GET';
    const query = /^\/v3\/pay\/(partner\/)?transactions\/(out-trade-no|id)\/([^/?]+)$/.exec(p);
    if (method === 'GET' && query !== null) {
      const problem = v3MerchantProblem(url, query[1] !== undefined);
      if (problem !== null) return replyV3(res, 400, { code: 'PARAM_ERROR', message: problem });
      const key = decodeURIComponent(query[3]!);
      const order = query[2] === 'id' ? byTransactionId.get(key) : byOutTradeNo.get(key);
      if (order === undefined) return replyV3(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      return replyV3(res, 200, v3Order(order));
    }
    const close = /^\/v3\/pay\/(partner\/)?transactions\/out-trade-no\/([^/?]+)\/close$/.exec(p);
    if (method === 'POST' && close !== null) {
      let b: Record<string, unknown>;
      try {
        b = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return replyV3(res, 400, { code: 'PARAM_ERROR', message: '请求体不是 JSON' });
      }
      if ((close[1] !== undefined) !== (partner !== null)) return replyV3(res, 400, { code: 'PARAM_ERROR', message: partner !== null ? '服务商请使用服务商（partner）接口' : '商户号不是服务商' });
      const sameMerchant = partner !== null ? b.sp_mchid === partner.spMchid && b.sub_mchid === m.mchid : b.mchid === m.mchid;
      if (!sameMerchant) return replyV3(res, 400, { code: 'PARAM_ERROR', message: '商户号与请求方不一致' });
      const order = byOutTradeNo.get(decodeURIComponent(close[2]!));
      const closeError = closeRefusal(order);
      if (closeError === 'ORDERNOTEXIST') return replyV3(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      if (closeError !== null) return replyV3(res, 400, { code: 'INVALID_REQUEST', message: closeError === 'ORDERPAID' ? '订单已支付，不能关单' : '订单已关闭' });
      order!.tradeState = 'CLOSED';
      return replyV3(res, 204, null);
    }
    const refund = /^\/v3\/refund\/domestic\/refunds\/([^/?]+)$/.exec(p);
    if (method === 'GET' && refund !== null) {
      if (partner !== null && url.searchParams.get('sub_mchid') !== m.mchid) return replyV3(res, 400, { code: 'PARAM_ERROR', message: '服务商查询退款需要 sub_mchid' });
      const found = byOutRefundNo.get(decodeURIComponent(refund[1]!));
      if (found === undefined) return replyV3(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
      const { order, refund: r } = found;
      return replyV3(res, 200, {
        refund_id: r.refundId, out_refund_no: r.outRefundNo, transaction_id: order.transactionId, out_trade_no: order.outTradeNo,
        channel: 'ORIGINAL', user_received_account: '支付用户零钱', ...(r.successTime ? { success_time: r.successTime } : {}),
        create_time: r.createTime ?? r.successTime, status: r.status, funds_account: 'AVAILABLE',
        amount: { total: order.totalFen, refund: r.refundFen, payer_total: order.payerTotalFen ?? order.totalFen, payer_refund: r.refundFen, settlement_refund: r.refundFen, settlement_total: order.totalFen, discount_refund: 0, currency: 'CNY', from: [] },
        promotion_detail: [],
      });
    }
    if (method === 'GET' && p === '/v3/bill/tradebill') {
      if (partner !== null && url.searchParams.get('sub_mchid') !== m.mchid) return replyV3(res, 400, { code: 'PARAM_ERROR', message: '服务商下载特约商户账单需要 sub_mchid' });
      const date = url.searchParams.get('bill_date') ?? '';
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return replyV3(res, 400, { code: 'PARAM_ERROR', message: 'bill_date 格式应为 yyyy-MM-dd' });
      const billType = (url.searchParams.get('bill_type') ?? 'ALL') as SimBillType;
      if (billType !== 'ALL' && billType !== 'SUCCESS' && billType !== 'REFUND') return replyV3(res, 400, { code: 'PARAM_ERROR', message: 'bill_type 无效' });
      const tar = url.searchParams.get('tar_type');
      if (tar !== null && tar !== 'GZIP') return replyV3(res, 400, { code: 'PARAM_ERROR', message: 'tar_type 无效' });
      if (!billReady(date, now())) return replyV3(res, 400, { code: 'INVALID_REQUEST', message: '账单正在生成中，请稍后再试' });
      const text = simTradeBill(orders, { date, billType, appid: m.appid, mchid: callerMchid, subMchid: partner !== null ? m.mchid : null, bom: true });
      if (text === null) return replyV3(res, 400, { code: 'NO_STATEMENT_EXIST', message: '该日期无账单' });
      const token = randomBytes(18).toString('base64url');
      downloads.set(token, { text, gzip: tar === 'GZIP', expiresMs: now().getTime() + DOWNLOAD_TOKEN_MS });
      return replyV3(res, 200, {
        hash_type: 'SHA1',
        hash_value: createHash('sha1').update(text, 'utf8').digest('hex'),
        download_url: `${sim.baseUrl}/v3/billdownload/file?token=${token}`,
      });
    }
    if (method === 'GET' && p === '/v3/billdownload/file') {
      const d = downloads.get(url.searchParams.get('token') ?? '');
      if (d === undefined || d.expiresMs < now().getTime()) return replyV3(res, 400, { code: 'INVALID_REQUEST', message: '下载链接已过期，请重新申请账单' });
      return replyBill(res, d.text, d.gzip);
    }
    if (method === 'GET' && p === '/v3/certificates') {
      sim.stats.certificates++;
      if (certificates.length === 0) return replyV3(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥' });
      if (m.apiV3Key === undefined) return replyV3(res, 400, { code: 'INVALID_REQUEST', message: '商户未设置 APIv3 密钥' });
      const apiV3Key = m.apiV3Key;
      return replyV3(res, 200, {
        data: certificates.map((c) => {
          const nonce = randomBytes(6).toString('hex');
          return { serial_no: c.serialNo, effective_time: c.effectiveTime, expire_time: c.expireTime, encrypt_certificate: { algorithm: 'AEAD_AES_256_GCM', nonce, associated_data: 'certificate', ciphertext: aeadEncrypt(apiV3Key, nonce, 'certificate', c.pem) } };
        }),
      });
    }
    return replyV3(res, 404, { code: 'NOT_FOUND', message: `the simulator does not serve ${method} ${p}` });
  };

  const V2_PATHS = new Set(['/pay/orderquery', '/pay/closeorder', '/pay/refundquery', '/pay/downloadbill']);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const url = new URL(path, 'http://127.0.0.1');
    const body = await readBody(req);
    if ((sim.faults.latencyMs ?? 0) > 0) await new Promise((r) => setTimeout(r, sim.faults.latencyMs));
    const isV2 = req.method === 'POST' && V2_PATHS.has(url.pathname);
    // A bill download is not signed and not a business call; faults stop at the API calls.
    const isDownload = url.pathname === '/v3/billdownload/file';
    if (!isDownload && overQps()) {
      sim.stats.faults++;
      if (isV2) return replyV2(res, { return_code: 'FAIL', return_msg: '请求频率过高，请降低频率（FREQUENCY_LIMITED）' }, null);
      return replyV3(res, 429, { code: 'FREQUENCY_LIMITED', message: '请求频率超限' });
    }
    if ((sim.faults.gatewayErrorRate ?? 0) > 0 && dice() < sim.faults.gatewayErrorRate!) {
      sim.stats.faults++;
      res.writeHead(502, { 'content-type': 'text/html' });
      return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    }
    if (!isDownload && (sim.faults.errorRate ?? 0) > 0 && dice() < sim.faults.errorRate!) {
      sim.stats.faults++;
      if (isV2) return replyV2(res, { return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'SYSTEMERROR', err_code_des: '系统错误', appid: m.appid, mch_id: callerMchid, nonce_str: randomBytes(8).toString('hex') }, 'MD5');
      return replyV3(res, 500, { code: 'SYSTEM_ERROR', message: '系统错误' });
    }
    if (isV2) return handleV2(res, url.pathname, body);
    if (url.pathname.startsWith('/v3/')) return handleV3(req, res, path, url, body);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'NOT_FOUND', message: `the simulator does not serve ${req.method} ${url.pathname}` }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'SYSTEM_ERROR', message: (e as Error).message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  sim.baseUrl = `http://127.0.0.1:${port}`;
  sim.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return sim;
}

