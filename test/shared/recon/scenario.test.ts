/**
 * Generated scenarios that know the truth: a WeChat-realistic day (coupons, partial refunds,
 * refunds of earlier orders, midnight payments) and a ledger with every category planted. The
 * engine must find exactly the planted items, no more and no fewer.
 */
import { describe, expect, it } from 'vitest';
import { generateTradeBill, tradeBillLines } from '../../generators/trade-bill.ts';
import { excelDamagedCsv } from '../../generators/excel-damage.ts';
import { generateLedger, type LedgerCategory } from '../../generators/ledger.ts';
import { parseBytes } from '../../helpers/parse-bytes.ts';
import { reconcile } from '../../../shared/recon/engine.ts';

describe.each([3, 29])('scenario seed %i', (seed) => {
  const bill = generateTradeBill({ rows: 3000, seed, refundRatio: 0.08, couponRatio: 0.1, date: '2026-11-26' });
  const discrepancies: Record<LedgerCategory, number> = {
    'missing-in-ledger': 5, 'missing-in-bill': 4, 'amount-mismatch': 6, 'status-mismatch': 3, 'refund-mismatch': 7, duplicate: 2, 'cross-day': 4,
  };
  const ledger = generateLedger({ rows: bill.truth.rows, date: '2026-11-26' }, { discrepancies, unpaidOrders: 6 });
  const billTable = parseBytes(bill.bytes);
  const ledgerTable = parseBytes(ledger.bytes);
  const report = reconcile({
    bills: [{ file: 'bill.csv', billType: 'ALL', rows: billTable.tradeRows! }],
    ledgers: [{ file: 'ledger.csv', rows: ledgerTable.ledgerRows! }],
  });

  it('parses both files cleanly', () => {
    expect(billTable.integrity).toBe('ok');
    expect(ledgerTable.rejectedRows).toBe(0);
  });

  it('finds exactly the planted discrepancies', () => {
    const found = report.items.map((i) => `${i.category} ${i.outTradeNo}`).sort();
    const planted = ledger.truth.planted.map((p) => `${p.category} ${p.outTradeNo}`).sort();
    expect(found).toEqual(planted);
    for (const category of Object.keys(discrepancies) as LedgerCategory[]) {
      expect(report.summary.counts[category], category).toBe(ledger.truth.counts[category]);
    }
  });

  it('gives the same report from columns (as the command imports) and without the fast path', () => {
    const billColumns = parseBytes(bill.bytes, { rowDetail: 'columns' });
    const ledgerColumns = parseBytes(ledger.bytes, { rowDetail: 'columns' });
    expect(billColumns.tradeRows).toBeUndefined();
    expect(billColumns.warnings).toEqual(billTable.warnings);
    expect(ledgerColumns.warnings).toEqual(ledgerTable.warnings);
    const input = {
      bills: [{ file: 'bill.csv', billType: 'ALL' as const, columns: billColumns.tradeColumns! }],
      ledgers: [{ file: 'ledger.csv', columns: ledgerColumns.ledgerColumns! }],
    };
    expect(reconcile(input)).toEqual(report);
    expect(reconcile(input, 'en', { fastPath: false })).toEqual(report);
  });

  it('every item explains itself with figures and suggests an action', () => {
    for (const item of report.items) {
      expect(item.explanations['zh-CN'].length).toBeGreaterThan(8);
      expect(item.explanations.en.length).toBeGreaterThan(8);
      expect(item.suggestedAction).toMatch(/^[a-z-]+$/);
    }
  });
});

describe('scenario: the bill went through Excel before it was given', () => {
  const options = { rows: 2000, seed: 17, refundRatio: 0.08, couponRatio: 0.1, outTradeNoFormat: 'mixed', date: '2026-11-26' } as const;
  const clean = generateTradeBill(options);
  const ledger = generateLedger({ rows: clean.truth.rows, date: '2026-11-26' }, { discrepancies: {} });
  const damaged = parseBytes(excelDamagedCsv(tradeBillLines(options)));
  const report = reconcile({
    bills: [{ file: 'bill-excel.csv', billType: 'ALL', rows: damaged.tradeRows! }],
    ledgers: [{ file: 'ledger.csv', rows: parseBytes(ledger.bytes).ledgerRows! }],
  });

  it('reports every row whose order number Excel damaged, once, asking for the original file', () => {
    const lost = damaged.tradeRows!.filter((r) => r.outTradeNo === null);
    expect(lost.length).toBeGreaterThan(10);
    const redownload = report.items.filter((i) => i.suggestedAction === 'redownload-original-file');
    expect(redownload.map((i) => i.bill!.line).sort((a, b) => a - b)).toEqual(lost.map((r) => r.line));
    expect(redownload.every((i) => i.outTradeNo === null && /重新下载|again/.test(i.explanation))).toBe(true);
  });

  it('calls the ledger side of those orders missing from the bill, and matches every other order', () => {
    const lostKeys = new Set(clean.truth.rows.filter((r, i) => damaged.tradeRows![i]!.outTradeNo === null).map((r) => r.outTradeNo));
    const missing = report.items.filter((i) => i.category === 'missing-in-bill' && i.outTradeNo !== null);
    expect(missing.length).toBeGreaterThan(0);
    for (const item of missing) expect(lostKeys.has(item.outTradeNo!)).toBe(true);
    const other = report.items.filter((i) => i.suggestedAction !== 'redownload-original-file' && !(i.category === 'missing-in-bill' && lostKeys.has(i.outTradeNo!)));
    expect(other.filter((i) => !lostKeys.has(i.outTradeNo ?? ''))).toEqual([]);
  });
});
