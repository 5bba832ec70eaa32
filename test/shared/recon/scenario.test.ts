/**
 * Generated scenarios that know the truth: a WeChat-realistic day (coupons, partial refunds,
 * refunds of earlier orders, midnight payments) and a ledger with every category planted. The
 * engine must find exactly the planted items, no more and no fewer.
 */
import { describe, expect, it } from 'vitest';
import { generateTradeBill } from '../../generators/trade-bill.ts';
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
