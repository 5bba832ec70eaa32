/**
 * Money for display. The renderer shows amounts; it never computes them. Integer fen in, text
 * out, grouped the way Chinese finance staff read figures (1,234.50), without a float division.
 */
export function formatFen(fen: number, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const negative = fen < 0;
  const digits = String(Math.abs(fen)).padStart(3, '0');
  const whole = BigInt(digits.slice(0, -2));
  const grouped = new Intl.NumberFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-US').format(whole);
  return `${negative ? '-' : ''}${grouped}.${digits.slice(-2)}`;
}
