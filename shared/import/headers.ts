/**
 * Header cells compared by meaning, not spelling: BOM, backticks, spaces, case and full-width
 * parentheses do not matter (`收支金额(元)` = `收支金额（元）`).
 */
export function normalizeHeader(text: string): string {
  return text
    .replace(/^\ufeff/, '')
    .replace(/[`\s\u3000]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .toLowerCase();
}

/** A header name with an optional `(元)` unit suffix removed, for ledger columns. */
export function stripYuanSuffix(normalized: string): string {
  return normalized.replace(/\(元\)$/, '');
}

/** Index of the first header whose normalized form is one of `names`, or -1. */
export function findColumn(normalizedHeader: readonly string[], names: readonly string[]): number {
  for (const name of names) {
    const i = normalizedHeader.indexOf(normalizeHeader(name));
    if (i >= 0) return i;
  }
  return -1;
}
