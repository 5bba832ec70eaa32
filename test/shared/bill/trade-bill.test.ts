import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { codes, parseBytes } from '../../helpers/parse-bytes.ts';
import { KNOWN_LAYOUTS } from '../../../shared/bill/layouts.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/samples/${name}`, import.meta.url));

const V27 = KNOWN_LAYOUTS.find((l) => l.name === 'v27')!.columns;
const LEGACY24 = KNOWN_LAYOUTS.find((l) => l.name === 'legacy24')!.columns;

/** A v27 detail row; `over` replaces fields by header name. */
function v27Row(over: Record<string, string> = {}): string[] {
  const base: Record<string, string> = {
    交易时间: '2026-11-26 10:00:00', 公众账号ID: 'wx0000000000000001', 商户号: '1900000001', 特约商户号: '0', 设备号: '',
    微信订单号: '4200001234202611260000000001', 商户订单号: 'A0001', 用户标识: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 交易类型: 'JSAPI',
    交易状态: 'SUCCESS', 付款银行: 'CMC', 货币种类: 'CNY', 应结订单金额: '1.00', 代金券金额: '0.00', 微信退款单号: '0',
    商户退款单号: '0', 退款金额: '0.00', 充值券退款金额: '0.00', 退款类型: '', 退款状态: '', 商品名称: '咖啡', 商户数据包: '',
    手续费: '0.00600', 费率: '0.60%', 订单金额: '1.00', 申请退款金额: '0.00', 费率备注: '',
  };
  return V27.map((h) => over[h] ?? base[h] ?? '');
}

function bill(header: readonly string[], rows: string[][], summary?: [string[], string[]], eol = '\r\n'): string {
  const lines = [header.join(','), ...rows.map((r) => r.map((f) => '`' + f).join(','))];
  if (summary) lines.push(summary[0].join(','), summary[1].map((v) => '`' + v).join(','));
  return lines.join(eol) + eol;
}

const SUMMARY7 = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'];

describe('trade bills', () => {
  it('reads the gunsluo v3 ALL bill: rows, ids as strings, exact money, integrity ok', () => {
    const t = parseBytes(fixture('wxpay-v3-tradebill-ALL-27col-2021-testmerchant.gunsluo.txt'));
    expect(t).toMatchObject({ kind: 'trade-bill', billType: 'ALL', layout: 'v27', rows: 3, integrity: 'ok', dateRange: ['2021-01-28', '2021-01-28'] });
    expect(t.warnings).toEqual([]);
    const r = t.tradeRows![0]!;
    expect(r.transactionId).toBe('4200000925202101284997714292');
    expect(r.outTradeNo).toBe('S20210128170702357723');
    expect(r).toMatchObject({ settlementFen: 1, orderFen: 1, feeMilliFen: 0, rate: '1.00%', tradeState: 'SUCCESS', body: 'for testing', refundId: null });
  });

  it('reports truncated samples as mismatch, naming the figures', () => {
    const t = parseBytes(fixture('wxpay-tradebill-ALL-27col-2019-redacted.WxJava.txt'));
    expect(t.integrity).toBe('mismatch');
    expect(t.declared).toEqual({ count: 48, settlementTotalFen: 576, refundTotalFen: 142, rechargeCouponRefundTotalFen: 0, feeTotalMilliFen: 1000, orderTotalFen: 576, refundRequestTotalFen: 142 });
    expect(t.computed).toMatchObject({ count: 1, settlementTotalFen: 600, feeTotalMilliFen: 4000 });
    expect(t.warnings.filter((w) => w.code === 'summary-mismatch').map((w) => w.params!.field)).toContain('count');
    const refund = parseBytes(fixture('wxpay-tradebill-REFUND-29col-2019-redacted.WxJava.txt'));
    expect(refund).toMatchObject({ billType: 'REFUND', layout: 'v29', rows: 1, integrity: 'mismatch' });
    expect(refund.declared!.feeTotalMilliFen).toBe(-2000);
    expect(refund.tradeRows![0]).toMatchObject({ refundAppliedAt: '2019-07-23 20:53:36', refundSucceededAt: '2019-07-23 20:53:40', refundFen: 1, refundStatus: 'SUCCESS' });
    expect(parseBytes(fixture('wxpay-tradebill-SUCCESS-20col-2019-redacted.WxJava.txt'))).toMatchObject({ billType: 'SUCCESS', layout: 'v20', rows: 1, integrity: 'mismatch' });
  });

  it('reads the legacy 24-column layout and its 5-field summary', () => {
    const row = LEGACY24.map((h) => ({ 交易时间: '2016-05-01 12:00:00', 子商户号: '1511458511', 商户号: '1510598081', 微信订单号: '4000001234201605010000000001', 商户订单号: 'L1', 交易状态: 'SUCCESS', 总金额: '10.00', 代金券或立减优惠金额: '0.00', 退款金额: '0.00', 代金券或立减优惠退款金额: '0.00', 手续费: '0.06000', 费率: '0.60%', 微信退款单号: '0', 商户退款单号: '0' })[h] ?? '');
    const t = parseBytes(bill(LEGACY24, [row, row.map((v, i) => (LEGACY24[i] === '商户订单号' ? 'L2' : v))], [['总交易单数', '总交易额', '总退款金额', '总代金券或立减优惠退款金额', '手续费总金额'], ['2', '20.00', '0.00', '0.00', '0.12000']]));
    expect(t).toMatchObject({ billType: 'ALL', layout: 'legacy24', rows: 2, integrity: 'ok', merchants: ['1510598081/1511458511'] });
    expect(t.declared).toEqual({ count: 2, orderTotalFen: 2000, refundTotalFen: 0, couponRefundTotalFen: 0, feeTotalMilliFen: 12000 });
    expect(t.tradeRows![0]).toMatchObject({ settlementFen: null, orderFen: 1000, subMchId: '1511458511' });
  });

  it('recognises the 企业红包 naming', () => {
    const header = KNOWN_LAYOUTS.find((l) => l.name === 'legacy18-redpacket')!.columns;
    const row = header.map((h) => ({ 交易时间: '2017-01-01 00:00:01', 商户订单号: 'R1', 交易状态: 'SUCCESS', 总金额: '1.00', 企业红包金额: '0.50', 手续费: '0.00000' })[h] ?? '');
    expect(parseBytes(bill(header, [row]))).toMatchObject({ layout: 'legacy18-redpacket', billType: 'SUCCESS', rows: 1, integrity: 'no-summary' });
  });

  it('takes full-width colons, LF endings and a missing final newline', () => {
    const text = bill(V27, [v27Row({ 交易时间: '2026-11-26 13：35：25' })], [SUMMARY7, ['1', '1.00', '0.00', '0.00', '0.00600', '1.00', '0.00']], '\n').trimEnd();
    const t = parseBytes(text, { chunkSizes: [7] });
    expect(t).toMatchObject({ rows: 1, integrity: 'ok', dateRange: ['2026-11-26', '2026-11-26'] });
    expect(t.tradeRows![0]!.tradeTime).toBe('2026-11-26 13:35:25');
  });

  it('keeps and warns about unknown states and extra columns', () => {
    const header = [...V27, '新字段'];
    const row = [...v27Row({ 交易状态: 'PARTIAL_PAID' }), 'x'];
    const t = parseBytes(bill(header, [row]));
    expect(t.rows).toBe(1);
    expect(t.layout).toBe('v-custom-28');
    expect(codes(t.warnings)).toEqual(expect.arrayContaining(['unknown-column', 'unknown-layout', 'unknown-trade-state']));
    expect(t.tradeRows![0]!.tradeState).toBe('PARTIAL_PAID');
    expect(t.tradeRows![0]!.extra).toEqual({ 新字段: 'x' });
  });

  it('names the row and column of an unreadable amount and leaves the row out of the totals', () => {
    const t = parseBytes(bill(V27, [v27Row(), v27Row({ 商户订单号: 'A0002', 订单金额: '1.0O' })], [SUMMARY7, ['2', '2.00', '0.00', '0.00', '0.01200', '2.00', '0.00']]));
    const w = t.warnings.find((x) => x.code === 'invalid-amount')!;
    expect(w).toMatchObject({ row: 3, column: '订单金额', params: { value: '1.0O', reason: 'not-a-number' } });
    expect(t).toMatchObject({ rows: 1, rejectedRows: 1, integrity: 'mismatch' });
  });

  it('refuses rows whose field count differs, naming the line, never shifting', () => {
    const short = v27Row().slice(0, 26);
    const t = parseBytes(bill(V27, [v27Row(), short]));
    expect(t.warnings.find((x) => x.code === 'field-count')).toMatchObject({ row: 3, params: { expected: 27, found: 26 } });
    expect(t.rows).toBe(1);
  });

  it('flags ids a spreadsheet damaged and never keeps them for matching', () => {
    const rows = [
      v27Row({ 商户订单号: '00012345' }),
      v27Row({ 商户订单号: '00012346', 微信订单号: '4.20000123420261E+27' }),
      v27Row({ 商户订单号: '00012347', 微信订单号: '4200001234202610000000000000' }),
    ];
    const text = bill(V27, rows).split('\r\n');
    // A fourth row that lost its backticks and, with them, its leading zeros.
    text.splice(4, 0, v27Row({ 商户订单号: '12348', 微信订单号: '4200001234202611260000000004' }).join(','));
    const t = parseBytes(text.join('\r\n'));
    const mangled = t.warnings.filter((w) => w.code === 'excel-mangled-id');
    expect(mangled.map((w) => [w.row, w.column, w.params!.damage])).toEqual(
      expect.arrayContaining([
        [3, '微信订单号', 'scientific'],
        [4, '微信订单号', 'precision-lost'],
        [5, '商户订单号', 'leading-zeros-lost'],
      ]),
    );
    expect(codes(t.warnings)).toContain('backticks-missing');
    const byLine = new Map(t.tradeRows!.map((r) => [r.line, r]));
    expect(byLine.get(3)!.transactionId).toBeNull();
    expect(byLine.get(4)!.transactionId).toBeNull();
    expect(byLine.get(5)!.outTradeNo).toBeNull();
    expect(byLine.get(2)!.outTradeNo).toBe('00012345');
  });

  it('keeps several days in one file apart', () => {
    const t = parseBytes(bill(V27, [v27Row({ 交易时间: '2026-11-25 23:59:59' }), v27Row({ 交易时间: '2026-11-26 00:00:00' }), v27Row({ 交易时间: '2026-11-26 08:00:00' })]), { keepRows: false });
    expect(t.days).toEqual({ '2026-11-25': 1, '2026-11-26': 2 });
    expect(t.tradeRows).toBeUndefined();
  });

  it('reports content after the summary', () => {
    const text = bill(V27, [v27Row()], [SUMMARY7, ['1', '1.00', '0.00', '0.00', '0.00600', '1.00', '0.00']]) + 'garbage,row\r\n';
    expect(codes(parseBytes(text).warnings)).toContain('content-after-summary');
  });
});

describe('other WeChat files', () => {
  it('recognises the fund-flow bill and its truncated summary', () => {
    const t = parseBytes(fixture('wxpay-v3-fundflowbill-Basic-11col-2021-testmerchant.gunsluo.txt'));
    expect(t).toMatchObject({ kind: 'fund-flow-bill', rows: 2, integrity: 'mismatch', declared: { count: 3, incomeCount: 1, incomeFen: 1, expenseCount: 2, expenseFen: 2 } });
    expect(t.fundFlowRows![0]).toMatchObject({ businessId: '50300806962021020105978994968', direction: '支出', amountFen: 1, balanceFen: 22 });
  });

  it('recognises the personal statement, with its preamble totals', () => {
    const t = parseBytes(fixture('wechat-personal-bill-2019-csv.double-entry-generator.csv'));
    expect(t).toMatchObject({ kind: 'personal-bill', headerRow: 17, integrity: 'mismatch' });
    expect(t.declared).toEqual({ count: 43, incomeCount: 1, incomeFen: 35, expenseCount: 1, expenseFen: 2816, neutralCount: 0, neutralFen: 0 });
    const first = t.personalRows![0]!;
    expect(first).toMatchObject({ amountFen: 2816, direction: '支出', transactionId: '3985734', merchantOrderNo: '129847129', tradeTime: '2019-09-26 12:45:27' });
    expect(t.rows + t.rejectedRows).toBe(27);
  });

  it('says a file without a recognisable header is unknown', () => {
    const t = parseBytes('hello,world\n'.repeat(100));
    expect(t.kind).toBe('unknown');
    expect(codes(t.warnings)).toEqual(['no-header']);
  });
});

describe('lean rows for reconciliation', () => {
  it('leave out the texts reconciliation never reads, and keep everything it does', async () => {
    const { TableImporter } = await import('../../../shared/import/importer.ts');
    const { CsvReader } = await import('../../../shared/table/csv.ts');
    const { nodeByteDecoder } = await import('../../../electron/import/byte-decoder.ts');
    const read = (rowDetail: 'full' | 'lean') => {
      const importer = new TableImporter({ keepRows: true, rowDetail, strictFieldCount: true });
      const reader = new CsvReader((r) => importer.row(r), { decoder: nodeByteDecoder, encoding: 'utf-8' });
      reader.push(fixture('wxpay-v3-tradebill-ALL-27col-2021-testmerchant.gunsluo.txt'));
      reader.end();
      return importer.finish().tradeRows![0]!;
    };
    const full = read('full');
    const lean = read('lean');
    expect(full).toMatchObject({ body: 'for testing', attach: 'cipher code', openId: 'ofyak5qR_1wYsC99CsWA6R9MJazA' });
    expect(lean).toMatchObject({ body: '', attach: '', openId: '' });
    expect({ ...lean, body: full.body, attach: full.attach, openId: full.openId }).toEqual(full);
  });
});
