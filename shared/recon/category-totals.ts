/** Items per category with both sides' amounts: the report's summary sheet and the app's summary. */
import { CATEGORIES, type Category, type ReconcileItem } from './types.ts';

export interface CategoryTotals {
  count: number;
  /** Sum of the bill side's order amounts (integer fen: exact). */
  billFen: number;
  ledgerFen: number;
}

/** Every category in the report's order (those without items at zero), then any other met. */
export function categoryTotals(items: Iterable<ReconcileItem>): Map<Category, CategoryTotals> {
  const totals = new Map<Category, CategoryTotals>(CATEGORIES.map((c) => [c, { count: 0, billFen: 0, ledgerFen: 0 }]));
  for (const item of items) {
    let t = totals.get(item.category);
    if (t === undefined) totals.set(item.category, (t = { count: 0, billFen: 0, ledgerFen: 0 }));
    t.count++;
    t.billFen += item.bill?.amountFen ?? 0;
    t.ledgerFen += item.ledger?.amountFen ?? 0;
  }
  return totals;
}
