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
import { billColumnsFromRows, billRowAt, ledgerColumnsFromRows, ledgerRowAt } from '../../../shared/import/columns.ts';

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
