import { describe, expect, it } from 'vitest';
import { categoryTotals } from '../../../shared/recon/category-totals.ts';
import { CATEGORIES, type ReconcileItem } from '../../../shared/recon/types.ts';

const item = (category: string, billFen: number | null, ledgerFen: number | null) =>
  ({ category, bill: billFen === null ? null : { amountFen: billFen }, ledger: ledgerFen === null ? null : { amountFen: ledgerFen } }) as unknown as ReconcileItem;

describe('categoryTotals', () => {
  it('counts and sums each side exactly, every category in order, one never met after them', () => {
    const totals = categoryTotals([item('amount-mismatch', 8800, 8000), item('amount-mismatch', 1, 2), item('missing-in-bill', null, 12000), item('odd-one', 5, null)]);
    expect([...totals.keys()]).toEqual([...CATEGORIES, 'odd-one']);
    expect(totals.get('amount-mismatch')).toEqual({ count: 2, billFen: 8801, ledgerFen: 8002 });
    expect(totals.get('missing-in-bill')).toEqual({ count: 1, billFen: 0, ledgerFen: 12000 });
    expect(totals.get('duplicate')).toEqual({ count: 0, billFen: 0, ledgerFen: 0 });
  });
});
