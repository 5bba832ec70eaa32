import { describe, expect, it } from 'vitest';
import { createPrivateKey, createVerify, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildV2OrderQuery, buildV3OrderQuery, interpretV2OrderQuery, interpretV3OrderQuery, v2TimeToIso, WechatPayError, type HttpReply } from '../../../electron/wechatpay/order-query.ts';
import { parseV2Xml, v2Sign, v2Verify, v2Xml } from '../../../electron/wechatpay/v2.ts';
import { v3RequestMessage, v3Sign } from '../../../electron/wechatpay/v3.ts';

const MERCHANT_KEY = createPrivateKey(readFileSync(new URL('../../fixtures/wechatpay/public-test-rsa2048.pem', import.meta.url)));
const WECHAT = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUB_ID = 'PUB_KEY_ID_0119000000012026112700000000000001';
const KEYS = { publicKey: { id: PUB_ID, key: WECHAT.publicKey } };
const NOW = 1_795_000_000;
const QUERIED = '2026-11-27T09:30:00+08:00';
const TXN = '4200001234202611270000000001';

/** A reply as WeChat signs it. */
function v3Reply(status: number, body: unknown, over: Record<string, string> = {}): HttpReply {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const nonce = 'Z8k1';
  return {
    status,
    body: text,
    headers: { 'request-id': 'req-42', 'wechatpay-timestamp': String(NOW), 'wechatpay-nonce': nonce, 'wechatpay-serial': PUB_ID, 'wechatpay-signature': v3Sign(`${NOW}\n${nonce}\n${text}\n`, WECHAT.privateKey), ...over },
  };
}

describe('v3 order query', () => {
  const cred = { mchid: '1900000001', certSerialNo: 'F5765756002FDD77', privateKey: MERCHANT_KEY };

  it('signs a GET by out_trade_no (direct and service-provider paths) that WeChat can verify', () => {
    const req = buildV3OrderQuery(cred, { outTradeNo: 'A 1001/x' }, NOW, 'nonce1');
    expect(req.path).toBe('/v3/pay/transactions/out-trade-no/A%201001%2Fx?mchid=1900000001');
    const auth = req.headers.authorization!;
    expect(auth).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="nonce1",timestamp="1795000000",serial_no="F5765756002FDD77",signature="[A-Za-z0-9+/=]{344}"$/);
    const signature = /signature="([^"]+)"/.exec(auth)![1]!;
    expect(createVerify('RSA-SHA256').update(v3RequestMessage('GET', req.path, NOW, 'nonce1', '')).verify(MERCHANT_KEY, signature, 'base64')).toBe(true);
    const sp = buildV3OrderQuery({ ...cred, spMchid: '1900000100', subMchid: '1900000109' }, { transactionId: TXN }, NOW, 'n2');
    expect(sp.path).toBe(`/v3/pay/partner/transactions/id/${TXN}?sp_mchid=1900000100&sub_mchid=1900000109`);
    expect(sp.headers.authorization).toContain('mchid="1900000100"');
  });

  it('reads a verified SUCCESS reply into the contract\'s result, ids as text and money in fen', () => {
    const r = interpretV3OrderQuery({ outTradeNo: 'A1001' }, v3Reply(200, { out_trade_no: 'A1001', transaction_id: TXN, trade_state: 'SUCCESS', trade_state_desc: '支付成功', success_time: '2026-11-27T00:00:03+08:00', amount: { total: 1999, payer_total: 1899, currency: 'CNY' } }), KEYS, NOW, QUERIED);
    expect(r).toEqual({ outTradeNo: 'A1001', transactionId: TXN, tradeState: 'SUCCESS', tradeStateDesc: '支付成功', totalFen: 1999, payerTotalFen: 1899, successTime: '2026-11-27T00:00:03+08:00', api: 'v3', queriedAt: QUERIED, requestId: 'req-42' });
    const unpaid = interpretV3OrderQuery({ outTradeNo: 'A1002' }, v3Reply(200, { out_trade_no: 'A1002', trade_state: 'NOTPAY', trade_state_desc: '订单未支付', amount: { total: 500 } }), KEYS, NOW, QUERIED);
    expect([unpaid.tradeState, unpaid.transactionId, unpaid.successTime, unpaid.payerTotalFen]).toEqual(['NOTPAY', null, null, null]);
  });

  it('a verified 404 ORDER_NOT_EXIST is an answer; a tampered one, a forged SUCCESS or a skewed clock is an error', () => {
    const gone = interpretV3OrderQuery({ outTradeNo: 'A404' }, v3Reply(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' }), KEYS, NOW, QUERIED);
    expect([gone.tradeState, gone.outTradeNo]).toEqual(['ORDER_NOT_EXIST', 'A404']);
    const notVerified = (reply: HttpReply) => {
      try {
        interpretV3OrderQuery({ outTradeNo: 'A1001' }, reply, KEYS, NOW, QUERIED);
      } catch (e) {
        return (e as WechatPayError).code;
      }
      return 'accepted';
    };
    const ok = v3Reply(200, { out_trade_no: 'A1001', trade_state: 'NOTPAY', amount: { total: 1 } });
    expect(notVerified({ ...ok, body: ok.body.replace('NOTPAY', 'SUCCESS') })).toBe('RESPONSE_NOT_VERIFIED');
    expect(notVerified({ ...v3Reply(404, { code: 'ORDER_NOT_EXIST', message: 'x' }), body: '{"code":"ORDER_NOT_EXIST","message":"y"}' })).toBe('RESPONSE_NOT_VERIFIED');
    expect(notVerified(v3Reply(200, { out_trade_no: 'A1001', trade_state: 'NOTPAY' }, { 'wechatpay-timestamp': String(NOW - 400) }))).toBe('RESPONSE_NOT_VERIFIED');
    expect(notVerified({ ...ok, headers: { ...ok.headers, 'wechatpay-signature': undefined } })).toBe('RESPONSE_NOT_VERIFIED');
    expect(notVerified(v3Reply(200, { out_trade_no: 'B2', trade_state: 'SUCCESS' }))).toBe('RESPONSE_INVALID');
    expect(notVerified(v3Reply(200, { out_trade_no: 'A1001', trade_state: 'PAID_MAYBE' }))).toBe('RESPONSE_INVALID');
    expect(notVerified(v3Reply(200, { out_trade_no: 'A1001', trade_state: 'SUCCESS', amount: { total: 19.99 } }))).toBe('RESPONSE_INVALID');
  });

  it('other errors carry WeChat\'s code, the Request-ID, and whether to retry or slow down', () => {
    const err = (status: number, body: string) => {
      try {
        interpretV3OrderQuery({ outTradeNo: 'A1' }, { status, body, headers: { 'request-id': 'r9' } }, KEYS, NOW, QUERIED);
      } catch (e) {
        const w = e as WechatPayError;
        return [w.code, w.httpStatus, w.requestId, w.retryable, w.rateLimited];
      }
      return null;
    };
    expect(err(429, '{"code":"FREQUENCY_LIMITED","message":"频率超限"}')).toEqual(['FREQUENCY_LIMITED', 429, 'r9', false, true]);
    expect(err(500, '{"code":"SYSTEM_ERROR","message":"系统错误"}')).toEqual(['SYSTEM_ERROR', 500, 'r9', true, false]);
    expect(err(502, '<html>bad gateway</html>')).toEqual(['HTTP_502', 502, 'r9', true, false]);
    expect(err(401, '{"code":"SIGN_ERROR","message":"签名错误"}')).toEqual(['SIGN_ERROR', 401, 'r9', false, false]);
  });
});

describe('v2 order query', () => {
  const KEY = '192006250b4c09247ec02edce69f6a2d';
  const cred = { appid: 'wxd930ea5d5a258f4f', mchid: '10000100', apiV2Key: KEY };
  const reply = (fields: Record<string, string>, signType: 'MD5' | 'HMAC-SHA256' = 'MD5'): HttpReply => ({ status: 200, headers: {}, body: v2Xml({ ...fields, sign: v2Sign(fields, KEY, signType) }) });
  const common = { return_code: 'SUCCESS', return_msg: 'OK', appid: cred.appid, mch_id: cred.mchid, nonce_str: 'r1', result_code: 'SUCCESS' };

  it('posts a signed request WeChat can verify, by out_trade_no or transaction_id, with sub-merchant fields', () => {
    const req = buildV2OrderQuery({ ...cred, signType: 'HMAC-SHA256', subMchid: '1900000109' }, { transactionId: TXN }, 'n0nce');
    expect([req.method, req.path]).toEqual(['POST', '/pay/orderquery']);
    const sent = parseV2Xml(req.body!);
    expect(sent).toMatchObject({ appid: cred.appid, mch_id: '10000100', sub_mch_id: '1900000109', transaction_id: TXN, nonce_str: 'n0nce', sign_type: 'HMAC-SHA256' });
    expect(sent.sign).toHaveLength(64);
    expect(v2Verify(sent, KEY)).toBe(true);
    expect(parseV2Xml(buildV2OrderQuery(cred, { outTradeNo: '0012' }, 'n').body!).out_trade_no).toBe('0012');
  });

  it('reads a verified reply: money in fen, time_end as +08:00, a 28-digit id as text', () => {
    const r = interpretV2OrderQuery({ outTradeNo: '0012' }, reply({ ...common, trade_state: 'SUCCESS', trade_state_desc: '支付成功', out_trade_no: '0012', transaction_id: TXN, total_fee: '1999', cash_fee: '1899', time_end: '20261127000003' }, 'HMAC-SHA256'), KEY, QUERIED);
    expect(r).toEqual({ outTradeNo: '0012', transactionId: TXN, tradeState: 'SUCCESS', tradeStateDesc: '支付成功', totalFen: 1999, payerTotalFen: 1899, successTime: '2026-11-27T00:00:03+08:00', api: 'v2', queriedAt: QUERIED });
    expect(v2TimeToIso('2026112700000')).toBeNull();
  });

  it('ORDERNOTEXIST is an answer once verified; FAIL, a bad sign, SYSTEMERROR and odd values are errors', () => {
    expect(interpretV2OrderQuery({ outTradeNo: 'X' }, reply({ ...common, result_code: 'FAIL', err_code: 'ORDERNOTEXIST', err_code_des: '此交易订单号不存在' }), KEY, QUERIED).tradeState).toBe('ORDER_NOT_EXIST');
    const code = (r: HttpReply) => {
      try {
        interpretV2OrderQuery({ outTradeNo: 'X' }, r, KEY, QUERIED);
      } catch (e) {
        return [(e as WechatPayError).code, (e as WechatPayError).retryable];
      }
      return null;
    };
    const forged = reply({ ...common, result_code: 'FAIL', err_code: 'ORDERNOTEXIST' });
    expect(code({ ...forged, body: forged.body.replace('ORDERNOTEXIST', 'SYSTEMERROR') })).toEqual(['RESPONSE_NOT_VERIFIED', false]);
    expect(code(reply({ ...common, result_code: 'FAIL', err_code: 'SYSTEMERROR', err_code_des: '系统错误' }))).toEqual(['SYSTEMERROR', true]);
    expect(code({ status: 200, headers: {}, body: '<xml><return_code>FAIL</return_code><return_msg>签名错误</return_msg></xml>' })).toEqual(['RETURN_FAIL', false]);
    expect(code({ status: 200, headers: {}, body: 'not xml at all' })).toEqual(['RESPONSE_INVALID', false]);
    expect(code(reply({ ...common, trade_state: 'SUCCESS', out_trade_no: 'X', total_fee: '19.99' }))).toEqual(['RESPONSE_INVALID', false]);
    expect(code(reply({ ...common, trade_state: 'SUCCESS', out_trade_no: 'Y', total_fee: '1' }))).toEqual(['RESPONSE_INVALID', false]);
    expect(code({ status: 503, headers: {}, body: '' })).toEqual(['HTTP_503', true]);
  });
});
