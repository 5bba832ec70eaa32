import { describe, expect, it } from 'vitest';
import { codes, parseBytes } from '../../helpers/parse-bytes.ts';
import { MappingError, parseLedgerMapping } from '../../../shared/ledger/mapping.ts';

describe('ledgers', () => {
  it('finds the header below title rows and maps the contract states', () => {
    const text = [
      'XX商城订单导出,,,,,',
      '导出时间：2026-11-27 09:00,,,,,',
      ',,,,,',
      '订单编号,实付金额（元）,订单状态,付款时间,退款金额,微信订单号',
      'A0001,19.99,已支付,2026/11/26 23:59:58,,4200001234202611260000000001',
      'A0002,5.00,待支付,,,',
      'A0003,1.00,已退款,2026-11-26T15:00:00Z,1.00,',
      'A0004,2.00,部分退款,2026-11-26 10:00:00,0.50,',
      'A0005,3.00,CLOSED,,,',
      'A0006,4.00,SUCCESS,20261126120000,,',
    ].join('\r\n');
    const t = parseBytes(text);
    expect(t).toMatchObject({ kind: 'ledger', headerRow: 4, rows: 6, integrity: 'no-summary' });
    expect(codes(t.warnings)).toEqual(['title-rows-skipped']);
    const rows = t.ledgerRows!;
    expect(rows.map((r) => r.state)).toEqual(['paid', 'unpaid', 'refunded', 'partially_refunded', 'closed', 'paid']);
    expect(rows[0]).toMatchObject({ outTradeNo: 'A0001', amountFen: 1999, paidAt: '2026-11-26 23:59:58', transactionId: '4200001234202611260000000001' });
    // An explicit UTC time is converted to Beijing time.
    expect(rows[2]!.paidAt).toBe('2026-11-26 23:00:00');
    expect(rows[3]!.refundFen).toBe(50);
    expect(rows[5]!.paidAt).toBe('2026-11-26 12:00:00');
    expect(t.computed).toEqual({ count: 6, amountTotalFen: 3499, paidCount: 4, paidFen: 2699, refundTotalFen: 150 });
  });

  it('reads English headers, a fen column, and checks a total row', () => {
    const text = 'out_trade_no,amount_fen,status,paid_at\nB1,1999,paid,2026-11-26 10:00:00\nB2,1,unpaid,\n合计,2000,,\n';
    const t = parseBytes(text);
    expect(t.ledgerRows!.map((r) => r.amountFen)).toEqual([1999, 1]);
    expect(t).toMatchObject({ declared: { amountTotalFen: 2000 }, integrity: 'ok' });
    expect(codes(t.warnings)).toContain('ledger-total-row');
  });

  it('keeps and warns about unknown states, and reads them with a mapping file', () => {
    const text = '单据号,应收,单据状态\nC1,1.00,交易完成\nC2,2.00,作废\n';
    const plain = parseBytes('订单号,金额,状态\nC1,1.00,交易完成\n');
    expect(plain.ledgerRows![0]!.state).toBe('unknown');
    expect(plain.warnings.find((w) => w.code === 'unknown-ledger-state')).toMatchObject({ params: { value: '交易完成' }, row: 2 });
    const mapping = parseLedgerMapping({ columns: { outTradeNo: '单据号', amount: '应收', state: '单据状态' }, states: { 交易完成: 'paid', 作废: 'closed' } });
    const t = parseBytes(text, { mapping });
    expect(t.ledgerRows!.map((r) => [r.outTradeNo, r.amountFen, r.state, r.stateRaw])).toEqual([['C1', 100, 'paid', '交易完成'], ['C2', 200, 'closed', '作废']]);
  });

  it('uses the mapping header row when given', () => {
    const mapping = parseLedgerMapping({ headerRow: 2, columns: { outTradeNo: 'No', amount: 'Sum' } });
    const t = parseBytes('title\nNo,Sum\nD1,3.50\n', { mapping });
    expect(t.ledgerRows![0]).toMatchObject({ outTradeNo: 'D1', amountFen: 350, state: 'paid' });
    expect(codes(t.warnings)).toContain('ledger-no-state');
  });

  it('flags damaged order numbers and rows without a key', () => {
    const text = '商户订单号,订单金额,订单状态\n2021012817070200001,1.00,已支付\n2.02101281707E+18,1.00,已支付\n,1.00,已支付\n';
    const t = parseBytes(text);
    expect(t.ledgerRows!.map((r) => r.outTradeNo)).toEqual(['2021012817070200001', null]);
    expect(t.warnings.find((w) => w.code === 'excel-mangled-id')).toMatchObject({ row: 3, params: { damage: 'scientific' } });
    expect(t.warnings.find((w) => w.code === 'ledger-missing-key')).toMatchObject({ row: 4 });
  });

  it('refuses an amount that would lose precision, naming row and column', () => {
    const t = parseBytes('订单号,金额(元),状态\nE1,1.005,已支付\n');
    expect(t.warnings.find((w) => w.code === 'invalid-amount')).toMatchObject({ row: 2, column: '金额(元)', params: { reason: 'too-precise' } });
    expect(t.rejectedRows).toBe(1);
  });
});

describe('parseLedgerMapping', () => {
  it.each([
    [[], /JSON object/],
    [{ colums: {} }, /unknown key "colums"/],
    [{ columns: { orderNo: 'x' } }, /columns.orderNo: unknown field/],
    [{ columns: { amount: '' } }, /columns.amount/],
    [{ states: { 完成: 'done' } }, /states.完成: must be one of/],
    [{ headerRow: 0 }, /headerRow/],
    [{ encoding: 'latin1' }, /encoding/],
  ])('refuses %j with a specific reason', (value, message) => {
    expect(() => parseLedgerMapping(value)).toThrow(MappingError);
    expect(() => parseLedgerMapping(value)).toThrow(message);
  });
  it('normalises encodings', () => {
    expect(parseLedgerMapping({ encoding: 'GBK' }).encoding).toBe('gb18030');
  });
});
