/**
 * Integer minor units back to decimal text, without ever dividing a float. Used for messages,
 * reports and tests; display formatting with locale grouping belongs to the renderer.
 */
function formatUnits(units: number, scale: number, grouping: boolean): string {
  if (!Number.isSafeInteger(units)) throw new RangeError(`not an integer amount: ${units}`);
  const negative = units < 0;
  const digits = String(Math.abs(units)).padStart(scale + 1, '0');
  let whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  if (grouping) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (negative ? '-' : '') + whole + (scale > 0 ? '.' + fraction : '');
}

/** 123456 → "1234.56" */
export function fenToYuanText(fen: number): string {
  return formatUnits(fen, 2, false);
}

/** 123456 → "1,234.56" */
export function fenToYuanGrouped(fen: number): string {
  return formatUnits(fen, 2, true);
}

/** Fees: 4000 (0.001 fen) → "0.04000", as bills print them. */
export function milliFenToYuanText(milliFen: number): string {
  return formatUnits(milliFen, 5, false);
}
