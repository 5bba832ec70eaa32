/**
 * 退款查询 in both protocols: against the simulator (paging, partner paths, tampering) and as pure
 * interpretation of replies WeChat could send (hostile ones included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closePools, queryOrderForRecon, queryRefunds } from '../../../electron/wechatpay/client.ts';
import { readProfile, type MerchantProfile } from '../../../electron/wechatpay/profile.ts';
import { startSimulator, type SimOrder, type Simulator } from '../../../electron/simulator/server.ts';
import { newDemoMerchant, writeDemoProfile } from '../../../electron/simulator/demo-merchant.ts';
import { interpretV2RefundQuery } from '../../../electron/wechatpay/refund-query.ts';
import { v2Sign, v2Xml } from '../../../electron/wechatpay/v2.ts';
import { WechatPayError } from '../../../electron/wechatpay/order-query.ts';

const TXN = '4200000001202611260000000042';
const many = Array.from({ length: 23 }, (_, i) => ({ outRefundNo: `RM-${i}`, refundId: `50300000012026112600000${String(i).padStart(5, '0')}`, refundFen: 10, status: i === 22 ? 'PROCESSING' : 'SUCCESS', successTime: i === 22 ? null : '2026-11-26T13:00:00+08:00' }));
const orders: SimOrder[] = [
  { outTradeNo: 'PART', transactionId: TXN, tradeState: 'REFUND', totalFen: 1000, successTime: '2026-11-26T12:00:00+08:00', refunds: [
    { outRefundNo: 'R-1', refundId: '50300000012026112600000000001', refundFen: 300, status: 'SUCCESS', successTime: '2026-11-26T12:30:00+08:00' },
    { outRefundNo: 'R-2', refundId: '50300000012026112600000000002', refundFen: 200, status: 'CLOSED', successTime: null },
  ] },
  { outTradeNo: 'MANY', transactionId: '4200000001202611260000000043', tradeState: 'REFUND', totalFen: 1000, successTime: '2026-11-26T12:00:00+08:00', refunds: many },
  { outTradeNo: 'PAID', transactionId: '4200000001202611260000000044', tradeState: 'SUCCESS', totalFen: 500, successTime: '2026-11-26T12:00:00+08:00' },
];

const setups: { name: string; sim: Simulator; v3: MerchantProfile; v2: MerchantProfile; dir: string }[] = [];

beforeAll(async () => {
  for (const partner of [false, true]) {
    const demo = newDemoMerchant({ partner });
    const sim = await startSimulator({ orders, merchant: demo.merchant, wechatpay: demo.wechatpay! });
    const dir = mkdtempSync(join(tmpdir(), 'wxrecon-refund-'));
    const v3 = await readProfile(await writeDemoProfile(join(dir, 'v3'), demo, sim.baseUrl, 'v3'));
    const v2 = await readProfile(await writeDemoProfile(join(dir, 'v2'), demo, sim.baseUrl, 'v2'));
    setups.push({ name: partner ? 'service provider' : 'direct merchant', sim, v3, v2, dir });
  }
});

afterAll(async () => {
  await closePools();
  for (const s of setups) {
    await s.sim.close();
    rmSync(s.dir, { recursive: true, force: true });
  }
});

describe.each([0, 1])('refund queries against the simulator (setup %i)', (n) => {
  const s = () => setups[n]!;

  it('v2 lists every refund of an order with its final status; only SUCCESS counts as refunded', async () => {
    const r = await queryRefunds(s().v2, 'PART', []);
    expect(r).toEqual({
      complete: true,
      refundFen: 300,
      refunds: [
        { outRefundNo: 'R-1', refundId: '50300000012026112600000000001', refundFen: 300, status: 'SUCCESS', successTime: '2026-11-26T12:30:00+08:00' },
        { outRefundNo: 'R-2', refundId: '50300000012026112600000000002', refundFen: 200, status: 'REFUNDCLOSE', successTime: null },
      ],
    });
    // A v3 profile with the APIv2 key still lists them all through v2.
    expect((await queryRefunds(s().v3, 'PART', []))?.refundFen).toBe(300);
  });

  it('v2 pages through an order with many refunds (offset), each refund once', async () => {
    const r = await queryRefunds(s().v2, 'MANY', []);
    expect(r!.refunds.map((x) => x.outRefundNo)).toEqual(many.map((x) => x.outRefundNo));
    expect(r!.refundFen).toBe(220);
  });

  it('an order with no refund is an answer with none (REFUNDNOTEXIST), not a failure', async () => {
    expect(await queryRefunds(s().v2, 'PAID', [])).toEqual({ complete: true, refundFen: 0, refunds: [] });
  });

  it('v3 asks about each refund number it knows; without the APIv2 key and without numbers it cannot', async () => {
    const v3Only = { ...s().v3, v2: null };
    expect(await queryRefunds(v3Only, 'PART', ['R-1', 'R-2', 'R-404'])).toEqual({
      complete: false,
      refundFen: 300,
      refunds: [
        { outRefundNo: 'R-1', refundId: '50300000012026112600000000001', refundFen: 300, status: 'SUCCESS', successTime: '2026-11-26T12:30:00+08:00' },
        { outRefundNo: 'R-2', refundId: '50300000012026112600000000002', refundFen: 200, status: 'CLOSED', successTime: null },
      ],
    });
    expect(await queryRefunds(v3Only, 'PART', [])).toBeNull();
  });

  it('a reconciliation query of a REFUND order brings its refunds along; other states do not ask', async () => {
    const before = s().sim.stats.v2;
    const paid = await queryOrderForRecon(s().v3, 'PAID', []);
    expect(paid.refunds).toBeUndefined();
    expect(s().sim.stats.v2).toBe(before);
    const refunded = await queryOrderForRecon(s().v3, 'PART', []);
    expect(refunded).toMatchObject({ tradeState: 'REFUND', refunds: { refundFen: 300, complete: true } });
  });

  it('a refund reply changed after signing is refused, in both protocols', async () => {
    s().sim.faults.tamper = true;
    try {
      const code = async (p: Promise<unknown>) => p.then(() => 'answered', (e: WechatPayError) => e.code);
      expect(await code(queryRefunds(s().v2, 'PART', []))).toBe('RESPONSE_NOT_VERIFIED');
      expect(await code(queryRefunds({ ...s().v3, v2: null }, 'PART', ['R-1']))).toBe('RESPONSE_NOT_VERIFIED');
    } finally {
      s().sim.faults.tamper = false;
    }
  });
});

describe('interpreting v2 refund replies', () => {
  const key = 'k'.repeat(32);
  const reply = (fields: Record<string, string>) => ({ status: 200, headers: {}, body: v2Xml({ ...fields, sign: v2Sign(fields, key) }) });
  const head = { return_code: 'SUCCESS', result_code: 'SUCCESS', out_trade_no: 'A1', transaction_id: TXN, total_fee: '1000' };

  it('keeps 28-digit ids as text and amounts as integer fen', () => {
    const r = interpretV2RefundQuery({ outTradeNo: 'A1' }, reply({ ...head, refund_count: '1', out_refund_no_0: '007', refund_id_0: '50300000012026112600000000001', refund_fee_0: '1', refund_status_0: 'SUCCESS', refund_success_time_0: '2026-11-26 12:30:00' }), key, 'now');
    expect(r.refunds).toEqual([{ outRefundNo: '007', refundId: '50300000012026112600000000001', refundFen: 1, status: 'SUCCESS', successTime: '2026-11-26T12:30:00+08:00' }]);
    expect(r.transactionId).toBe(TXN);
  });

  it.each([
    ['an amount that is not whole fen', { refund_count: '1', out_refund_no_0: 'R', refund_fee_0: '1.5', refund_status_0: 'SUCCESS' }, 'RESPONSE_INVALID'],
    ['a refund that is not there', { refund_count: '2', out_refund_no_0: 'R', refund_fee_0: '1', refund_status_0: 'SUCCESS' }, 'RESPONSE_INVALID'],
    ['an absurd count', { refund_count: '1e9' }, 'RESPONSE_INVALID'],
    ['another order', { out_trade_no: 'B2', refund_count: '0' }, 'RESPONSE_INVALID'],
  ])('refuses %s', (_, extra, code) => {
    expect(() => interpretV2RefundQuery({ outTradeNo: 'A1' }, reply({ ...head, ...extra }), key, 'now')).toThrow(expect.objectContaining({ code }));
  });
});
