/**
 * The built-in WeChat Pay simulator (first part: 订单查询 in both protocols). A real HTTP server on
 * 127.0.0.1 that checks request signatures as WeChat does and refuses bad ones with WeChat's
 * codes, and signs its replies with its own key (public key mode, `PUB_KEY_ID_…`). Fault knobs
 * make it tamper with a signed body or skew its clock, so clients prove they refuse both.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createVerify, randomBytes, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { LiveTradeState } from '../../shared/recon/types.ts';
import { parseV2Xml, v2Sign, v2Verify, v2Xml, type V2SignType } from '../wechatpay/v2.ts';
import { v3RequestMessage, v3Sign, V3_MAX_SKEW_SEC } from '../wechatpay/v3.ts';

export interface SimOrder {
  outTradeNo: string;
  transactionId: string | null;
  tradeState: Exclude<LiveTradeState, 'ORDER_NOT_EXIST'>;
  totalFen: number;
  payerTotalFen?: number;
  /** ISO 8601 with +08:00, for paid orders. */
  successTime: string | null;
}

export interface SimMerchant {
  mchid: string;
  appid: string;
  apiV2Key: string;
  /** Verifies the merchant's v3 requests. */
  publicKey: KeyObject;
  certSerialNo: string;
}

export interface SimFaults {
  /** Change the body after signing it. */
  tamper?: boolean;
  /** Seconds added to the reply's Wechatpay-Timestamp. */
  skewSec?: number;
  /** Added before every reply. */
  latencyMs?: number;
  /** Share of requests answered with a 500 SYSTEM_ERROR (v2: SYSTEMERROR). */
  errorRate?: number;
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
  /** The simulator's own signing key, announced as WeChat Pay public key `id`. */
  wechatpay: { id: string; privateKey: KeyObject };
  faults?: SimFaults;
  now?: () => Date;
  port?: number;
}

export interface Simulator {
  baseUrl: string;
  faults: SimFaults;
  /** Requests answered, by outcome, for tests and the bench. */
  stats: { v2: number; v3: number; refused: number; faults: number };
  close(): Promise<void>;
}

const DESC: Record<string, string> = {
  SUCCESS: '支付成功', REFUND: '转入退款', NOTPAY: '订单未支付', CLOSED: '已关闭', REVOKED: '已撤销（刷卡支付）',
  USERPAYING: '用户支付中', PAYERROR: '支付失败', ACCEPT: '已接收，等待扣款',
};

async function readBody(req: IncomingMessage, maxBytes = 1 << 20): Promise<string> {
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

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const now = options.now ?? (() => new Date());
  // Copies: closing an order changes its state here, never the caller's list.
  const orders = options.orders.map((o) => ({ ...o }));
  const byOutTradeNo = new Map(orders.map((o) => [o.outTradeNo, o]));
  const byTransactionId = new Map(orders.filter((o) => o.transactionId !== null).map((o) => [o.transactionId!, o]));
  /** Why an order cannot be closed (WeChat's code), or null when it can. */
  const closeRefusal = (o: SimOrder | undefined): string | null =>
    o === undefined ? 'ORDERNOTEXIST' : o.tradeState === 'SUCCESS' || o.tradeState === 'REFUND' ? 'ORDERPAID' : o.tradeState === 'CLOSED' || o.tradeState === 'REVOKED' ? 'ORDERCLOSED' : null;
  const m = options.merchant;
  const sim: Simulator = { baseUrl: '', faults: { ...options.faults }, stats: { v2: 0, v3: 0, refused: 0, faults: 0 }, close: async () => undefined };
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
  const sendBody = (res: ServerResponse, body: string) => {
    const rate = sim.faults.truncateRate ?? 0;
    if (rate > 0 && dice() < rate) {
      sim.stats.faults++;
      // The full length was announced with the headers; half of it arrives.
      const bytes = Buffer.from(body, 'utf8');
      res.write(bytes.subarray(0, bytes.length >> 1), () => res.destroy());
      return;
    }
    res.end(body);
  };

  const replyV3 = (res: ServerResponse, status: number, payload: unknown) => {
    let body = payload === null ? '' : JSON.stringify(payload);
    const timestamp = String(Math.floor(now().getTime() / 1000) + (sim.faults.skewSec ?? 0));
    const nonce = randomBytes(16).toString('hex');
    const signature = v3Sign(`${timestamp}\n${nonce}\n${body}\n`, options.wechatpay.privateKey);
    if (sim.faults.tamper === true) body = body.replace(/"trade_state":"[A-Z_]+"/, '"trade_state":"SUCCESS"').replace('ORDER_NOT_EXIST', 'ORDER_NOT_EXIST ');
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'request-id': randomBytes(8).toString('hex'),
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': options.wechatpay.id,
      'wechatpay-signature': signature,
      'content-length': Buffer.byteLength(body, 'utf8'),
    });
    sendBody(res, body);
  };

  const replyV2 = (res: ServerResponse, fields: Record<string, string>, signType: V2SignType | null) => {
    const out = signType === null ? fields : { ...fields, sign: v2Sign(fields, m.apiV2Key, signType) };
    let body = v2Xml(out);
    if (sim.faults.tamper === true) body = body.replace(/<trade_state><!\[CDATA\[[A-Z]+\]\]>/, '<trade_state><![CDATA[SUCCESS]]>');
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body, 'utf8') });
    sendBody(res, body);
  };

  /** WeChat's check of a v3 request: scheme, merchant, certificate serial, clock, signature. */
  const v3Refusal = (req: IncomingMessage, path: string, body: string): string | null => {
    const auth = req.headers.authorization ?? '';
    const m3 = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(auth);
    if (m3 === null) return 'Authorization 头缺失或格式错误';
    const parts = Object.fromEntries([...m3[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (parts.mchid !== m.mchid) return '商户号与证书不匹配';
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
   * WeChat's checks of a v2 request (XML, merchant and app, sign); refuses with its answer and
   * returns null, or returns the fields, the sign type to answer with and the reply's head.
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
    const refusal = f.mch_id !== m.mchid ? '商户号不存在' : f.appid !== m.appid ? 'appid和mch_id不匹配' : !v2Verify(f, m.apiV2Key) ? '签名错误' : null;
    if (refusal !== null) {
      sim.stats.refused++;
      replyV2(res, { return_code: 'FAIL', return_msg: refusal }, null);
      return null;
    }
    const signType: V2SignType = f.sign_type === 'HMAC-SHA256' ? 'HMAC-SHA256' : 'MD5';
    return { f, signType, head: { return_code: 'SUCCESS', return_msg: 'OK', appid: m.appid, mch_id: m.mchid, nonce_str: randomBytes(8).toString('hex') } };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const url = new URL(path, 'http://127.0.0.1');
    const body = await readBody(req);
    if ((sim.faults.latencyMs ?? 0) > 0) await new Promise((r) => setTimeout(r, sim.faults.latencyMs));
    const isV2 = req.method === 'POST' && (url.pathname === '/pay/orderquery' || url.pathname === '/pay/closeorder');
    if (overQps()) {
      sim.stats.faults++;
      if (isV2) return replyV2(res, { return_code: 'FAIL', return_msg: '请求频率过高，请降低频率（FREQUENCY_LIMITED）' }, null);
      return replyV3(res, 429, { code: 'FREQUENCY_LIMITED', message: '请求频率超限' });
    }
    if ((sim.faults.errorRate ?? 0) > 0 && dice() < sim.faults.errorRate!) {
      sim.stats.faults++;
      if (isV2) return replyV2(res, { return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'SYSTEMERROR', err_code_des: '系统错误', appid: m.appid, mch_id: m.mchid, nonce_str: randomBytes(8).toString('hex') }, 'MD5');
      return replyV3(res, 500, { code: 'SYSTEM_ERROR', message: '系统错误' });
    }
    if (req.method === 'POST' && url.pathname === '/pay/closeorder') {
      const accepted = acceptV2(res, body);
      if (accepted === null) return;
      const { f, signType, head } = accepted;
      const order = byOutTradeNo.get(f.out_trade_no ?? '');
      const refusal = closeRefusal(order);
      if (refusal !== null) {
        const des: Record<string, string> = { ORDERNOTEXIST: '订单不存在', ORDERPAID: '订单已支付，不能发起关单', ORDERCLOSED: '订单已关闭，无法重复关闭' };
        return replyV2(res, { ...head, result_code: 'FAIL', err_code: refusal, err_code_des: des[refusal]! }, signType);
      }
      order!.tradeState = 'CLOSED';
      return replyV2(res, { ...head, result_code: 'SUCCESS', result_msg: 'OK' }, signType);
    }
    if (req.method === 'POST' && url.pathname === '/pay/orderquery') {
      const accepted = acceptV2(res, body);
      if (accepted === null) return;
      const { f, signType, head } = accepted;
      const order = f.transaction_id ? byTransactionId.get(f.transaction_id) : f.out_trade_no ? byOutTradeNo.get(f.out_trade_no) : undefined;
      if (order === undefined) return replyV2(res, { ...head, result_code: 'FAIL', err_code: 'ORDERNOTEXIST', err_code_des: '此交易订单号不存在' }, signType);
      const paid = order.tradeState === 'SUCCESS' || order.tradeState === 'REFUND';
      return replyV2(res, {
        ...head,
        result_code: 'SUCCESS',
        trade_state: order.tradeState,
        trade_state_desc: DESC[order.tradeState] ?? '',
        out_trade_no: order.outTradeNo,
        ...(order.transactionId !== null ? { transaction_id: order.transactionId } : {}),
        total_fee: String(order.totalFen),
        ...(paid ? { cash_fee: String(order.payerTotalFen ?? order.totalFen), time_end: order.successTime ? v2Time(order.successTime) : '' } : {}),
        trade_type: 'NATIVE',
        fee_type: 'CNY',
      }, signType);
    }
    const v3close = /^\/v3\/pay\/transactions\/out-trade-no\/([^/?]+)\/close$/.exec(url.pathname);
    if (req.method === 'POST' && v3close !== null) {
      sim.stats.v3++;
      const refusal = v3Refusal(req, path, body);
      if (refusal !== null) {
        sim.stats.refused++;
        return replyV3(res, 401, { code: 'SIGN_ERROR', message: refusal });
      }
      let mchid: unknown;
      try {
        mchid = (JSON.parse(body) as { mchid?: unknown }).mchid;
      } catch {
        return replyV3(res, 400, { code: 'PARAM_ERROR', message: '请求体不是 JSON' });
      }
      if (mchid !== m.mchid) return replyV3(res, 400, { code: 'PARAM_ERROR', message: 'mchid 与请求方不一致' });
      const order = byOutTradeNo.get(decodeURIComponent(v3close[1]!));
      const closeError = closeRefusal(order);
      if (closeError === 'ORDERNOTEXIST') return replyV3(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      if (closeError !== null) return replyV3(res, 400, { code: 'INVALID_REQUEST', message: closeError === 'ORDERPAID' ? '订单已支付，不能关单' : '订单已关闭' });
      order!.tradeState = 'CLOSED';
      return replyV3(res, 204, null);
    }
    const v3 = /^\/v3\/pay\/transactions\/(out-trade-no|id)\/([^/?]+)$/.exec(url.pathname);
    if (req.method === 'GET' && v3 !== null) {
      sim.stats.v3++;
      const refusal = v3Refusal(req, path, body);
      if (refusal !== null) {
        sim.stats.refused++;
        return replyV3(res, 401, { code: 'SIGN_ERROR', message: refusal });
      }
      if (url.searchParams.get('mchid') !== m.mchid) return replyV3(res, 400, { code: 'PARAM_ERROR', message: 'mchid 与请求方不一致' });
      const key = decodeURIComponent(v3[2]!);
      const order = v3[1] === 'id' ? byTransactionId.get(key) : byOutTradeNo.get(key);
      if (order === undefined) return replyV3(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      const paid = order.tradeState === 'SUCCESS' || order.tradeState === 'REFUND';
      return replyV3(res, 200, {
        appid: m.appid,
        mchid: m.mchid,
        out_trade_no: order.outTradeNo,
        ...(order.transactionId !== null ? { transaction_id: order.transactionId } : {}),
        trade_type: 'NATIVE',
        trade_state: order.tradeState,
        trade_state_desc: DESC[order.tradeState] ?? '',
        ...(paid && order.successTime ? { success_time: order.successTime } : {}),
        amount: { total: order.totalFen, ...(paid ? { payer_total: order.payerTotalFen ?? order.totalFen } : {}), currency: 'CNY', payer_currency: 'CNY' },
        promotion_detail: [],
      });
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'NOT_FOUND', message: `the simulator does not serve ${req.method} ${url.pathname} yet` }));
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
