import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatTradeBill,
  generateTradeBill,
  tradeBillHeader,
  tradeBillRecords,
  tradeBillSheetRows,
  writeTradeBillFile,
  type CurrentSummaryTotals,
  type LegacySummaryTotals,
  type TradeBillOptions,
  type TradeBillRecord,
} from './trade-bill.ts';
import { parseBytes } from '../helpers/parse-bytes.ts';

// Column lists copied from ../shared/reference/wechatpay-api.md §4.2, not from the generator.
const REF_ALL_27 =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const REF_SUCCESS_20 =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注';
const REF_REFUND_29 =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const LEGACY_HEAD = '交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类';
const REF_LEGACY_ALL_24 = `${LEGACY_HEAD},总金额,代金券或立减优惠金额,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率`;
const REF_LEGACY_SUCCESS_18 = `${LEGACY_HEAD},总金额,代金券或立减优惠金额,商品名称,商户数据包,手续费,费率`;
const REF_LEGACY_REFUND_26 = `${LEGACY_HEAD},总金额,代金券或立减优惠金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率`;
const REF_SUMMARY_7 = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
const REF_SUMMARY_5 = '总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额';

/** Yuan text with exactly `scale` decimals to integer minor units, by string surgery. */
function units(text: string, scale: number): number {
  const m = /^(-?)(\d+)\.(\d+)$/.exec(text);
  if (!m || m[3]!.length !== scale) throw new Error(`not a ${scale}-decimal amount: ${text}`);
  const value = Number(m[2]) * 10 ** scale + Number(m[3]);
  return m[1] === '-' ? -value : value;
}

interface SplitBill {
  bom: boolean;
  lines: string[];
  header: string[];
  details: string[][];
  summaryHeader: string[] | null;
  summary: string[] | null;
}

/** Splits a bill by the documented rules, checking the backtick rules on the way. */
function splitBill(bytes: Uint8Array, eol = '\r\n'): SplitBill {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).replace(/^\uFEFF/, '');
  const lines = text.split(eol);
  if (lines.at(-1) === '') lines.pop();
  const header = lines[0]!.split(',');
  const summaryAt = lines.findIndex((l) => l.startsWith('总交易单数'));
  const detailLines = lines.slice(1, summaryAt === -1 ? undefined : summaryAt);
  const unbacktick = (line: string): string[] =>
    line.split(',').map((f) => {
      expect(f.startsWith('`'), `field without backtick in ${line}`).toBe(true);
      return f.slice(1);
    });
  return {
    bom,
    lines,
    header,
    details: detailLines.map(unbacktick),
    summaryHeader: summaryAt === -1 ? null : lines[summaryAt]!.split(','),
    summary: summaryAt === -1 ? null : unbacktick(lines[summaryAt + 1]!),
  };
}

function column(bill: SplitBill, name: string): string[] {
  const i = bill.header.indexOf(name);
  expect(i, `column ${name}`).toBeGreaterThanOrEqual(0);
  return bill.details.map((r) => r[i]!);
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const fenSum = (bill: SplitBill, name: string): number => sum(column(bill, name).map((t) => units(t, 2)));

describe('trade bill headers match the reference exactly', () => {
  it.each([
    ['current', 'ALL', REF_ALL_27, 27],
    ['current', 'SUCCESS', REF_SUCCESS_20, 20],
    ['current', 'REFUND', REF_REFUND_29, 29],
    ['legacy', 'ALL', REF_LEGACY_ALL_24, 24],
    ['legacy', 'SUCCESS', REF_LEGACY_SUCCESS_18, 18],
    ['legacy', 'REFUND', REF_LEGACY_REFUND_26, 26],
  ] as const)('%s %s', (layout, billType, reference, width) => {
    expect(tradeBillHeader(layout, billType).join(',')).toBe(reference);
    const bill = splitBill(generateTradeBill({ layout, billType, rows: 50, seed: 5 }).bytes);
    expect(bill.lines[0]).toBe(reference);
    expect(bill.header).toHaveLength(width);
    for (const row of bill.details) expect(row).toHaveLength(width);
    expect(bill.summaryHeader!.join(',')).toBe(layout === 'current' ? REF_SUMMARY_7 : REF_SUMMARY_5);
  });

  it('legacy-redpacket names the coupon columns and the summary after 企业红包', () => {
    const bill = splitBill(generateTradeBill({ layout: 'legacy-redpacket', rows: 10 }).bytes);
    expect(bill.lines[0]).toBe(REF_LEGACY_ALL_24.replace('代金券或立减优惠金额', '企业红包金额').replace('代金券或立减优惠退款金额', '企业红包退款金额'));
    expect(bill.summaryHeader!.join(',')).toBe('总交易单数,总交易额,总退款金额,总企业红包退款金额,手续费总金额');
  });
});

describe('byte format', () => {
  const gunsluoRow = (time: string, transactionId: string, outTradeNo: string): TradeBillRecord => ({
    state: 'SUCCESS', time, paidAt: time, refundRequestedAt: null, refundSucceededAt: null,
    appId: 'wx81be3101902f7cb2', mchId: '1601959334', subMchId: '0', deviceInfo: '', transactionId, outTradeNo,
    openId: 'ofyak5qR_1wYsC99CsWA6R9MJazA', tradeType: 'NATIVE', bank: 'OTHERS', currency: 'CNY',
    orderFen: 1, settlementFen: 1, couponFen: 0, couponKind: 'none', refundId: null, outRefundNo: null,
    refundRequestFen: 0, refundFen: 0, rechargeCouponRefundFen: 0, couponRefundFen: 0, refundType: '', refundStatus: '',
    body: 'for testing', attach: 'cipher code', feeMilliFen: 0, rate: '1.00%', rateNote: '',
  });
  const gunsluoRows = [
    gunsluoRow('2021-01-28 17:07:11', '4200000925202101284997714292', 'S20210128170702357723'),
    gunsluoRow('2021-01-28 15:35:18', '4200000910202101282955148400', 'S20210128153505214586'),
    gunsluoRow('2021-01-28 16:59:46', '4200000926202101281412639609', 'S20210128165824499930'),
  ];

  it('reproduces the gunsluo v3 bill byte for byte, as downloaded (BOM + CRLF, SHA-1 from its hash_value)', () => {
    const { bytes, truth } = formatTradeBill(gunsluoRows, { bom: true, lineEnding: '\r\n' });
    expect(createHash('sha1').update(bytes).digest('hex')).toBe('dcd7ceb3d382a1181798368bb15d8437de46c00f');
    const fixture = readFileSync(new URL('../fixtures/samples/DERIVED_wxpay-v3-tradebill-ALL-2021-bom-crlf-reconstruction.txt', import.meta.url));
    expect(Buffer.from(bytes).equals(fixture)).toBe(true);
    expect(truth.declared).toEqual({
      count: 3, settlementTotalFen: 3, refundTotalFen: 0, rechargeCouponRefundTotalFen: 0, feeTotalMilliFen: 0, orderTotalFen: 3, refundRequestTotalFen: 0,
    });
  });

  it('reproduces the same bill as stored by the test author (LF, no BOM)', () => {
    const { bytes } = formatTradeBill(gunsluoRows, { bom: false, lineEnding: '\n' });
    const fixture = readFileSync(new URL('../fixtures/samples/wxpay-v3-tradebill-ALL-27col-2021-testmerchant.gunsluo.txt', import.meta.url));
    expect(Buffer.from(bytes).equals(fixture)).toBe(true);
  });

  it('writes a BOM and CRLF by default, with a final CRLF; options change each', () => {
    const crlf = generateTradeBill({ rows: 20 }).bytes;
    expect([...crlf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = Buffer.from(crlf).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    expect(text.split('\r\n')).toHaveLength(20 + 3 + 1);

    const lf = Buffer.from(generateTradeBill({ rows: 20, bom: false, lineEnding: '\n', finalNewline: false }).bytes).toString('utf8');
    expect(lf.startsWith('交易时间')).toBe(true);
    expect(lf).not.toContain('\r');
    expect(lf.endsWith('\n')).toBe(false);
    expect(lf).toBe(text.slice(1).replaceAll('\r\n', '\n').slice(0, -1));
  });

  it('gb18030 bytes decode back to the same text', () => {
    const utf8 = generateTradeBill({ rows: 200, seed: 9, bom: false });
    const gb = generateTradeBill({ rows: 200, seed: 9, encoding: 'gb18030' });
    expect(gb.text).toBe(utf8.text);
    expect(new TextDecoder('gb18030').decode(gb.bytes)).toBe(utf8.text);
    expect(gb.bytes.length).toBeLessThan(utf8.bytes.length);
    expect(gb.truth.encoding).toBe('gb18030');
    expect(() => generateTradeBill({ encoding: 'gb18030', bom: true })).toThrow(RangeError);
  });

  it('is deterministic in the seed', () => {
    expect(generateTradeBill({ rows: 300, seed: 4 }).bytes).toEqual(generateTradeBill({ rows: 300, seed: 4 }).bytes);
    expect(generateTradeBill({ rows: 300, seed: 4 }).text).not.toBe(generateTradeBill({ rows: 300, seed: 5 }).text);
  });
});

describe('ALL bill content', () => {
  const options: TradeBillOptions = { rows: 3000, seed: 11, refundRatio: 0.1, couponRatio: 0.2, date: '2024-02-11' };
  const generated = generateTradeBill(options);
  const bill = splitBill(generated.bytes);
  const truth = generated.truth;

  it('has 27 backticked fields on every detail line and the 7-field summary equal to the sum of the rows', () => {
    expect(bill.details).toHaveLength(3000);
    for (const row of bill.details) expect(row).toHaveLength(27);
    const s = bill.summary!;
    expect(Number(s[0])).toBe(3000);
    expect(units(s[1]!, 2)).toBe(fenSum(bill, '应结订单金额'));
    expect(units(s[2]!, 2)).toBe(fenSum(bill, '退款金额'));
    expect(units(s[3]!, 2)).toBe(fenSum(bill, '充值券退款金额'));
    expect(units(s[4]!, 5)).toBe(sum(column(bill, '手续费').map((t) => units(t, 5))));
    expect(units(s[5]!, 2)).toBe(fenSum(bill, '订单金额'));
    expect(units(s[6]!, 2)).toBe(fenSum(bill, '申请退款金额'));
    const declared = truth.declared as CurrentSummaryTotals;
    expect(declared).toEqual({
      count: 3000,
      settlementTotalFen: units(s[1]!, 2),
      refundTotalFen: units(s[2]!, 2),
      rechargeCouponRefundTotalFen: units(s[3]!, 2),
      feeTotalMilliFen: units(s[4]!, 5),
      orderTotalFen: units(s[5]!, 2),
      refundRequestTotalFen: units(s[6]!, 2),
    });
    expect(truth.computed).toEqual(declared);
    expect(truth.integrity).toBe('ok');
    expect(truth.rowCount).toBe(3000);
    expect(truth.byteLength).toBe(generated.bytes.length);
  });

  it('keeps every time inside the bill day, in yyyy-MM-dd HH:mm:ss', () => {
    for (const t of column(bill, '交易时间')) expect(t).toMatch(/^2024-02-11 ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/);
    expect(truth.dateRange).toEqual(['2024-02-11', '2024-02-11']);
  });

  it('formats ids, amounts, fees and rates as WeChat does', () => {
    for (const row of bill.details) {
      const get = (name: string): string => row[bill.header.indexOf(name)]!;
      expect(get('微信订单号')).toMatch(/^42000\d{23}$/);
      expect(get('商户订单号')).toMatch(/^[0-9a-f]{32}$/);
      expect(get('用户标识')).toMatch(/^o[A-Za-z0-9_-]{27}$/);
      expect(get('公众账号ID')).toMatch(/^wx[0-9a-f]{16}$/);
      expect(get('商户号')).toMatch(/^\d{10}$/);
      expect(get('特约商户号')).toBe('0');
      expect(get('货币种类')).toBe('CNY');
      for (const name of ['应结订单金额', '代金券金额', '退款金额', '充值券退款金额', '订单金额', '申请退款金额']) {
        expect(get(name)).toMatch(/^\d+\.\d\d$/);
      }
      expect(get('手续费')).toMatch(/^-?\d+\.\d{5}$/);
      expect(get('费率')).toMatch(/^\d\.\d\d%$/);
      expect(get('商品名称')).not.toMatch(/[,`\r\n]/);
      expect(get('商品名称')).toMatch(/\p{Script=Han}/u);
    }
    const ids = column(bill, '微信订单号').filter((_, i) => bill.details[i]![9] === 'SUCCESS');
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('writes refunds as their own REFUND rows: amounts 0.00, refund fields filled, fee returned', () => {
    const refunds = truth.rows.filter((r) => r.state === 'REFUND');
    expect(refunds.length).toBe(300);
    expect(refunds.some((r) => r.paidAt.slice(0, 10) < '2024-02-11')).toBe(true);
    expect(refunds.some((r) => r.paidAt.slice(0, 10) === '2024-02-11')).toBe(true);
    const get = (row: string[], name: string): string => row[bill.header.indexOf(name)]!;
    const rows = bill.details.filter((row) => get(row, '交易状态') === 'REFUND');
    for (const row of rows) {
      expect(get(row, '应结订单金额')).toBe('0.00');
      expect(get(row, '订单金额')).toBe('0.00');
      expect(get(row, '微信退款单号')).toMatch(/^50\d{27}$/);
      expect(get(row, '商户退款单号')).not.toBe('0');
      expect(units(get(row, '申请退款金额'), 2)).toBeGreaterThan(0);
      expect(units(get(row, '手续费'), 5)).toBeLessThanOrEqual(0);
      expect(get(row, '退款类型')).toMatch(/^(ORIGINAL|BALANCE)$/);
      expect(get(row, '退款状态')).toBe('SUCCESS');
    }
    expect(rows.some((row) => units(get(row, '手续费'), 5) < 0)).toBe(true);
    for (const row of bill.details.filter((r) => get(r, '交易状态') === 'SUCCESS')) {
      expect([get(row, '微信退款单号'), get(row, '商户退款单号'), get(row, '退款金额'), get(row, '退款类型')]).toEqual(['0', '0', '0.00', '']);
    }
  });

  it('never refunds more than an order, and refunds a same-day order only after it was paid', () => {
    const paid = new Map<string, TradeBillRecord>();
    const refunded = new Map<string, number>();
    for (const r of truth.rows) {
      if (r.state === 'SUCCESS') paid.set(r.outTradeNo, r);
      else {
        refunded.set(r.outTradeNo, (refunded.get(r.outTradeNo) ?? 0) + r.refundRequestFen);
        expect(r.refundSucceededAt! > r.paidAt).toBe(true);
        expect(r.time).toBe(r.refundSucceededAt);
        const p = paid.get(r.outTradeNo);
        if (p) expect(r.transactionId).toBe(p.transactionId);
      }
    }
    for (const [outTradeNo, fen] of refunded) {
      const order = truth.rows.find((r) => r.outTradeNo === outTradeNo)!;
      expect(fen).toBeLessThanOrEqual(order.orderFen);
    }
  });

  it('gives 免充值券 orders a settlement below the order amount', () => {
    const noRecharge = truth.rows.filter((r) => r.state === 'SUCCESS' && r.couponKind === 'no-recharge');
    const recharge = truth.rows.filter((r) => r.state === 'SUCCESS' && r.couponKind === 'recharge');
    expect(noRecharge.length).toBeGreaterThan(10);
    expect(recharge.length).toBeGreaterThan(10);
    for (const r of noRecharge) expect(r.settlementFen).toBe(r.orderFen - r.couponFen);
    for (const r of recharge) expect(r.settlementFen).toBe(r.orderFen);
    const declared = truth.declared as CurrentSummaryTotals;
    expect(declared.settlementTotalFen).toBeLessThan(declared.orderTotalFen);
  });
});

describe('bill types, layouts and options', () => {
  it('REFUND bills date rows at the original payment and carry 退款申请时间/退款成功时间', () => {
    const { bytes, truth } = generateTradeBill({ billType: 'REFUND', rows: 400, seed: 2, date: '2021-06-23' });
    const bill = splitBill(bytes);
    const get = (row: string[], name: string): string => row[bill.header.indexOf(name)]!;
    for (const [i, row] of bill.details.entries()) {
      expect(get(row, '交易状态')).toBe('REFUND');
      expect(get(row, '交易时间')).toBe(truth.rows[i]!.paidAt);
      expect(get(row, '退款成功时间').slice(0, 10)).toBe('2021-06-23');
      expect(get(row, '退款申请时间') <= get(row, '退款成功时间')).toBe(true);
      expect(get(row, '交易时间') < get(row, '退款成功时间')).toBe(true);
    }
    expect(truth.dateRange![0] < '2021-06-23').toBe(true);
    expect(truth.dateRange![1]).toBe('2021-06-23');
    expect((truth.declared as CurrentSummaryTotals).feeTotalMilliFen).toBeLessThan(0);
  });

  it('SUCCESS bills hold payments only', () => {
    const { truth } = generateTradeBill({ billType: 'SUCCESS', rows: 200 });
    expect(truth.rows.every((r) => r.state === 'SUCCESS')).toBe(true);
    expect((truth.declared as CurrentSummaryTotals).refundRequestTotalFen).toBe(0);
  });

  it('legacy summaries add up to their own columns', () => {
    for (const layout of ['legacy', 'legacy-redpacket'] as const) {
      const { bytes, truth } = generateTradeBill({ layout, rows: 1000, seed: 8, refundRatio: 0.1, couponRatio: 0.3 });
      const bill = splitBill(bytes);
      const couponRefund = layout === 'legacy' ? '代金券或立减优惠退款金额' : '企业红包退款金额';
      const expected: LegacySummaryTotals = {
        count: 1000,
        orderTotalFen: fenSum(bill, '总金额'),
        refundTotalFen: fenSum(bill, '退款金额'),
        couponRefundTotalFen: fenSum(bill, couponRefund),
        feeTotalMilliFen: sum(column(bill, '手续费').map((t) => units(t, 5))),
      };
      expect(truth.declared).toEqual(expected);
      expect(expected.couponRefundTotalFen).toBeGreaterThan(0);
      expect(bill.summary).toHaveLength(5);
    }
  });

  it('service-provider bills name the provider in 商户号 and sub-merchants in 特约商户号', () => {
    const { truth } = generateTradeBill({ serviceProvider: true, rows: 200 });
    expect(new Set(truth.rows.map((r) => r.mchId)).size).toBe(1);
    const subs = new Set(truth.rows.map((r) => r.subMchId));
    expect(subs.size).toBeGreaterThan(1);
    for (const s of subs) expect(s).toMatch(/^\d{10}$/);
  });

  it('merchant order-number formats are distinct per order', () => {
    const patterns = { timestamp: /^S\d{21}$/, digits: /^\d{18}$/, 'zero-padded': /^000\d{9}$/, hex32: /^[0-9a-f]{32}$/ } as const;
    for (const [format, pattern] of Object.entries(patterns)) {
      const { truth } = generateTradeBill({ outTradeNoFormat: format as keyof typeof patterns, rows: 2000, refundRatio: 0 });
      const ids = truth.rows.map((r) => r.outTradeNo);
      for (const id of ids) expect(id).toMatch(pattern);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('a missing summary and a truncated file are told apart in the truth', () => {
    const none = generateTradeBill({ rows: 50, summary: 'none' });
    expect(none.text).not.toContain('总交易单数');
    expect(none.truth).toMatchObject({ declared: null, integrity: 'no-summary', lineCount: 51 });

    const cut = generateTradeBill({ rows: 50, summary: 'truncated' });
    expect(cut.truth.integrity).toBe('mismatch');
    expect(cut.truth.declared!.count).toBeGreaterThan(50);
    expect(cut.truth.computed.count).toBe(50);
    expect(splitBill(cut.bytes).summary![0]).toBe(String(cut.truth.declared!.count));
    // The rows present are the same rows the untruncated bill of the larger size starts with.
    expect([...tradeBillRecords({ rows: 50, summary: 'truncated' })]).toEqual(cut.truth.rows);
  });

  it('sub-fen fees keep five significant decimals', () => {
    const { truth } = generateTradeBill({ rows: 300, subFenFees: true, refundRatio: 0 });
    expect(truth.rows.some((r) => r.feeMilliFen % 1000 !== 0)).toBe(true);
  });

  it('sheet rows hold the same text, backticks included', () => {
    let sheetTruth: unknown;
    const rows = [...tradeBillSheetRows({ rows: 30, seed: 3 }, (t) => (sheetTruth = t))];
    const { text, truth } = generateTradeBill({ rows: 30, seed: 3 });
    expect(rows.map((r) => r.join(',')).join('\r\n') + '\r\n').toBe(text);
    const { rows: _rows, byteLength: _bytes, ...rest } = truth;
    expect(sheetTruth).toMatchObject(rest);
  });
});

describe('writeTradeBillFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wxrecon-gen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each<TradeBillOptions>([
    { rows: 40_000, seed: 42 },
    { rows: 1234, seed: 1, encoding: 'gb18030', lineEnding: '\n', finalNewline: false },
    { rows: 0 },
    { rows: 500, billType: 'REFUND', layout: 'legacy', summary: 'truncated' },
  ])('streams the same bytes and truth as the in-memory bill: %o', async (options) => {
    const path = join(dir, 'bill.csv');
    const fileTruth = await writeTradeBillFile(path, options);
    const { bytes, truth } = generateTradeBill(options);
    expect(readFileSync(path).equals(Buffer.from(bytes))).toBe(true);
    const { rows: _rows, ...rest } = truth;
    expect(fileTruth).toEqual(rest);
  });
});

describe('the project importer reads generated bills to their truth', () => {
  it.each<TradeBillOptions>([
    { billType: 'ALL', rows: 2000, refundRatio: 0.1, couponRatio: 0.2 },
    { billType: 'SUCCESS', rows: 300 },
    { billType: 'REFUND', rows: 300 },
    { layout: 'legacy', rows: 300, refundRatio: 0.2 },
    { layout: 'legacy-redpacket', billType: 'REFUND', rows: 100 },
    { rows: 500, serviceProvider: true, encoding: 'gb18030' },
    { rows: 300, summary: 'truncated' },
  ])('%o', (options) => {
    const { bytes, truth } = generateTradeBill({ seed: 21, ...options });
    const parsed = parseBytes(bytes, { encoding: options.encoding === 'gb18030' ? 'gb18030' : 'utf-8', chunkSizes: [65_537] });
    expect(parsed).toMatchObject({
      kind: 'trade-bill',
      billType: truth.billType,
      rows: truth.rowCount,
      integrity: truth.integrity,
      dateRange: truth.dateRange,
    });
    expect(parsed.computed).toMatchObject(truth.computed);
    expect(parsed.declared).toMatchObject(truth.declared!);
  });
});
