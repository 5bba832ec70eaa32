/**
 * The columns reconciliation imports (rowDetail 'columns') hold exactly what the row objects
 * hold, for intact bills, Excel-damaged bills (ids flagged and cleared after the fact) and ledgers.
 */
import { describe, expect, it } from 'vitest';
import { generateTradeBill, tradeBillLines } from '../../generators/trade-bill.ts';
import { generateLedger } from '../../generators/ledger.ts';
import { excelDamagedCsv } from '../../generators/excel-damage.ts';
import { parseBytes } from '../../helpers/parse-bytes.ts';
import { idAt, type IdColumn } from '../../../shared/import/id-column.ts';
import { billColumnsFromRows, billRowAt, type BillColumns, ledgerColumnsFromRows, ledgerRowAt } from '../../../shared/import/columns.ts';

const billOptions = { rows: 2000, seed: 11, refundRatio: 0.1, couponRatio: 0.1, outTradeNoFormat: 'mixed', date: '2026-11-26' } as const;

describe.each([
  ['an intact bill', () => generateTradeBill(billOptions).bytes],
  ['a bill Excel re-saved (ids damaged)', () => excelDamagedCsv(tradeBillLines(billOptions))],
])('%s', (_name, bytes) => {
  const data = bytes();
  const rows = parseBytes(data, { rowDetail: 'full', chunkSizes: [4093, 7] });
  const columns = parseBytes(data, { rowDetail: 'columns', chunkSizes: [4093, 7] });

  it('as columns holds what the rows hold, with the same warnings', () => {
    expect(columns.warnings).toEqual(rows.warnings);
    expect(columns.tradeRows).toBeUndefined();
    const { outTradeNo, transactionId, refundId, outRefundNo, ...rest } = columns.tradeColumns!;
    const expected = billColumnsFromRows(rows.tradeRows!);
    const { outTradeNo: eo, transactionId: et, refundId: er, outRefundNo: eon, ...expectedRest } = expected;
    expect(rest).toEqual(expectedRest);
    // Cleared ids keep their bytes in the arena; compare what they say.
    const ids = (c: IdColumn) => Array.from({ length: c.starts.length }, (_, i) => idAt(c, i));
    expect([outTradeNo, transactionId, refundId, outRefundNo].map(ids)).toEqual([eo, et, er, eon].map(ids));
    expect(Array.from(outTradeNo.hashes!)).toEqual(Array.from(eo.hashes!));
  });

  it('gives each row back with every field reconciliation reads', () => {
    const c = columns.tradeColumns!;
    expect(c.length).toBe(rows.tradeRows!.length);
    rows.tradeRows!.forEach((r, i) => {
      const back = billRowAt(c, i);
      for (const k of ['line', 'tradeTime', 'transactionId', 'outTradeNo', 'tradeState', 'settlementFen', 'orderFen', 'couponFen', 'refundId', 'outRefundNo', 'refundFen', 'refundStatus', 'refundSucceededAt', 'feeMilliFen', 'rate', 'refundRequestFen'] as const) {
        expect(back[k], `${k} of line ${r.line}`).toEqual(r[k]);
      }
    });
  });
});

it('an Excel-damaged bill has ids cleared in the columns exactly where the rows have null', () => {
  const data = excelDamagedCsv(tradeBillLines(billOptions));
  const rows = parseBytes(data, { rowDetail: 'full' }).tradeRows!;
  expect(rows.some((r) => r.outTradeNo === null)).toBe(true);
  expect(rows.some((r) => r.transactionId === null)).toBe(true);
});

describe('a ledger', () => {
  const bill = generateTradeBill({ rows: 1500, seed: 4, date: '2026-11-26' });
  const ledger = generateLedger({ rows: bill.truth.rows, date: '2026-11-26' }, { discrepancies: { duplicate: 2, 'missing-in-bill': 3 }, unpaidOrders: 4 });
  const rows = parseBytes(ledger.bytes, { rowDetail: 'full', chunkSizes: [511] });
  const columns = parseBytes(ledger.bytes, { rowDetail: 'columns', chunkSizes: [511] });

  it('as columns holds what the rows hold', () => {
    expect(columns.warnings).toEqual(rows.warnings);
    expect(columns.ledgerColumns).toEqual(ledgerColumnsFromRows(rows.ledgerRows!));
    rows.ledgerRows!.forEach((r, i) => {
      const { extra: _extra, ...kept } = r;
      expect(ledgerRowAt(columns.ledgerColumns!, i)).toEqual(kept);
    });
  });
});

describe('a bill handed over in parts while it is read', () => {
  const partsOf = (data: Uint8Array, rows: number) => {
    const parts: BillColumns[] = [];
    const table = parseBytes(data, { rowDetail: 'columns', chunkSizes: [997], billBatches: { rows, onBatch: (c, billType) => (expect(billType).toBe('ALL'), parts.push(c)) } });
    return { parts, table };
  };
  const rowsOf = (cs: BillColumns[]) => cs.flatMap((c) => Array.from({ length: c.length }, (_, i) => billRowAt(c, i)));

  it('comes in parts that, with the rest, are exactly the whole; totals still count the whole file', () => {
    const data = generateTradeBill(billOptions).bytes;
    const whole = parseBytes(data, { rowDetail: 'columns' });
    const { parts, table } = partsOf(data, 64);
    expect(parts.length).toBe(Math.floor(whole.tradeColumns!.length / 64));
    expect(parts.every((p) => p.length === 64)).toBe(true);
    expect(rowsOf([...parts, table.tradeColumns!])).toEqual(rowsOf([whole.tradeColumns!]));
    expect(table.rows).toBe(whole.rows);
    expect(table.computed).toEqual(whole.computed);
    expect(table.integrity).toBe('ok');
    expect(table.warnings).toEqual(whole.warnings);
  });

  it('stops handing over once an id needed converting, so ids found damaged at the end are still cleared', () => {
    const data = excelDamagedCsv(tradeBillLines(billOptions));
    const whole = parseBytes(data, { rowDetail: 'columns' });
    const { parts, table } = partsOf(data, 16);
    const all = rowsOf([...parts, table.tradeColumns!]);
    expect(all).toEqual(rowsOf([whole.tradeColumns!]));
    expect(all.some((r) => r.outTradeNo === null)).toBe(true);
    expect(parts.length).toBeLessThan(whole.tradeColumns!.length / 16 - 1);
  });
});

it('a bill whose later rows lost their backticks: parts stop there, and ids found short at the end are cleared in the rest', () => {
  const header = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
  const row = (i: number, ticked: boolean) => {
    // Ten-digit order numbers; row 45 lost its leading zeros on the way through a spreadsheet.
    const key = i === 45 ? String(Number(`00${1000 + i}`.padStart(10, '0'))) : String(1000 + i).padStart(10, '0');
    const fields = ['2026-11-26 12:00:00', 'wx81be3101902f7cb2', '1601959334', '0', '', `42000009252026112600000${String(1000 + i)}0`, key, 'o', 'NATIVE', 'SUCCESS', 'OTHERS', 'CNY', '1.00', '0.00', '0', '0', '0.00', '0.00', '', '', 'x', '', '0.01000', '1.00%', '1.00', '0.00', ''];
    return fields.map((f) => (ticked ? '`' + f : f)).join(',');
  };
  const lines = [header, ...Array.from({ length: 50 }, (_, i) => row(i, i < 40))];
  const data = new TextEncoder().encode(lines.join('\n') + '\n');
  const whole = parseBytes(data, { rowDetail: 'columns' });
  const parts: BillColumns[] = [];
  const table = parseBytes(data, { rowDetail: 'columns', billBatches: { rows: 8, onBatch: (c) => parts.push(c) } });
  expect(parts.map((p) => p.length)).toEqual([8, 8, 8, 8, 8]);
  const rowsOf = (cs: BillColumns[]) => cs.flatMap((c) => Array.from({ length: c.length }, (_, i) => billRowAt(c, i)));
  const all = rowsOf([...parts, table.tradeColumns!]);
  expect(all).toEqual(rowsOf([whole.tradeColumns!]));
  expect(all[45]!.outTradeNo).toBeNull();
  expect(all[44]!.outTradeNo).toBe('0000001044');
  expect(table.warnings.some((w) => w.code === 'excel-mangled-id' && (w.params as { damage?: string }).damage === 'leading-zeros-lost')).toBe(true);
});
