/**
 * Exact money parsing. Bills state yuan with 2 decimals (fees with 5); ledgers use whatever their
 * system wrote. Everything becomes an integer of minor units at a fixed scale: fen (scale 2) for
 * amounts, 0.001 fen (scale 5, `MilliFen`) for fees. A value that has more significant decimals
 * than the scale is refused, never rounded: rounding would hide a discrepancy.
 */

export const FEN_SCALE = 2;
export const MILLI_FEN_SCALE = 5;

export type MoneyFailure = 'empty' | 'not-a-number' | 'too-precise' | 'too-large';

/** Filled by the byte and code-point parsers when they return NaN, so hot loops allocate nothing. */
export interface MoneyFailureOut {
  reason: MoneyFailure;
}

const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];
/** The largest whole part that still fits a safe integer at each scale. */
const MAX_WHOLE = POW10.map((f) => Math.floor(Number.MAX_SAFE_INTEGER / f));

const C_0 = 48;
const C_9 = 57;
const C_PLUS = 43;
const C_MINUS = 45;
const C_DOT = 46;
const C_COMMA = 44;
const C_LPAREN = 40;
const C_RPAREN = 41;
const C_SPACE = 32;
const C_TAB = 9;

/**
 * The one grammar, over ASCII codes in `codes[start, end)`:
 *   [space] ( '(' number ')' | [+|-] number ) [space]
 *   number = digits with optional thousands groups (`1,234,567`), optional '.' fraction
 * Returns units at `scale`, or NaN with `out.reason` set.
 */
export function parseAsciiUnits(
  codes: Uint8Array | Uint16Array,
  start: number,
  end: number,
  scale: number,
  out: MoneyFailureOut,
): number {
  while (start < end && (codes[start] === C_SPACE || codes[start] === C_TAB)) start++;
  while (end > start && (codes[end - 1] === C_SPACE || codes[end - 1] === C_TAB)) end--;
  if (start === end) {
    out.reason = 'empty';
    return Number.NaN;
  }
  let negative = false;
  if (codes[start] === C_LPAREN && codes[end - 1] === C_RPAREN) {
    // Accounting style: (1,234.50) is a negative amount.
    negative = true;
    start++;
    end--;
  } else if (codes[start] === C_MINUS || codes[start] === C_PLUS) {
    negative = codes[start] === C_MINUS;
    start++;
  }
  if (start === end) {
    out.reason = 'not-a-number';
    return Number.NaN;
  }
  const scaleFactor = POW10[scale];
  if (scaleFactor === undefined) throw new RangeError(`unsupported scale ${scale}`);
  const maxWhole = MAX_WHOLE[scale]!;

  let whole = 0;
  let digitsInGroup = 0;
  let sawComma = false;
  let sawDigit = false;
  let i = start;
  for (; i < end; i++) {
    const c = codes[i]!;
    if (c >= C_0 && c <= C_9) {
      whole = whole * 10 + (c - C_0);
      if (whole > maxWhole) {
        out.reason = 'too-large';
        return Number.NaN;
      }
      digitsInGroup++;
      sawDigit = true;
    } else if (c === C_COMMA) {
      // A thousands separator must follow 1-3 digits (first group) or exactly 3 (later groups).
      if (digitsInGroup === 0 || digitsInGroup > 3 || (sawComma && digitsInGroup !== 3)) {
        out.reason = 'not-a-number';
        return Number.NaN;
      }
      sawComma = true;
      digitsInGroup = 0;
    } else {
      break;
    }
  }
  if (sawComma && digitsInGroup !== 3) {
    out.reason = 'not-a-number';
    return Number.NaN;
  }
  let fraction = 0;
  if (i < end && codes[i] === C_DOT) {
    i++;
    let fractionDigits = 0;
    for (; i < end; i++) {
      const c = codes[i]!;
      if (c < C_0 || c > C_9) break;
      sawDigit = true;
      if (fractionDigits < scale) {
        fraction = fraction * 10 + (c - C_0);
      } else if (c !== C_0) {
        out.reason = 'too-precise';
        return Number.NaN;
      }
      fractionDigits++;
    }
    if (fractionDigits < scale) fraction *= POW10[scale - fractionDigits]!;
  }
  if (i !== end || !sawDigit) {
    out.reason = 'not-a-number';
    return Number.NaN;
  }
  const units = whole * scaleFactor + fraction;
  if (!Number.isSafeInteger(units)) {
    out.reason = 'too-large';
    return Number.NaN;
  }
  // `-0` would print as 0 but compare oddly in Object.is; normalise it.
  return negative && units !== 0 ? -units : units;
}

/** Characters a person or a spreadsheet adds to a number: currency signs, 元, a stray backtick. */
const DECORATION = /[¥￥元`]/gu;
/** Full-width digits, signs and separators, as typed on a Chinese IME. */
const FULL_WIDTH = /[\uff10-\uff19\uff0b\uff0d\uff0c\uff0e\uff08\uff09\u2212]/gu;

function toHalfWidth(ch: string): string {
  if (ch === '\u2212') return '-';
  return String.fromCharCode(ch.charCodeAt(0) - 0xfee0);
}

const scratch = new Uint16Array(64);

/**
 * Parses a money text as found in bills and ledgers: `6.00`, `0.0`, `0`, `-0.27000`, `¥28.16`,
 * `￥-1.00`, `1,234.50`, `12.00元`, `(3.00)`. Returns units at `scale` or NaN with `out.reason`.
 */
export function parseMoneyText(text: string, scale: number, out: MoneyFailureOut): number {
  // Fast path: plain ASCII (with an optional backtick), as spreadsheet cells of a bill hold it.
  const len = text.length;
  if (len > 0 && len <= 40) {
    let plain = true;
    const from = text.charCodeAt(0) === 96 ? 1 : 0;
    for (let i = from; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) {
        plain = false;
        break;
      }
      scratch[i - from] = c;
    }
    if (plain) return parseAsciiUnits(scratch, 0, len - from, scale, out);
  }
  let s = text;
  if (s.length > scale + 40) {
    out.reason = s.trim() === '' ? 'empty' : 'not-a-number';
    return Number.NaN;
  }
  // trim() also removes NBSP and the ideographic space; spaces inside stay and are refused.
  s = s.replace(FULL_WIDTH, toHalfWidth).replace(DECORATION, '').trim();
  // A sign may stand before the currency symbol (`-¥1.00`) or after it (`¥-1.00`); both are
  // plain after the decoration is removed.
  if (s.length === 0) {
    out.reason = text.length === 0 || text.trim() === '' ? 'empty' : 'not-a-number';
    return Number.NaN;
  }
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) {
      out.reason = 'not-a-number';
      return Number.NaN;
    }
    scratch[i] = c;
  }
  return parseAsciiUnits(scratch, 0, n, scale, out);
}

/**
 * A numeric spreadsheet cell holds a binary double (28.16 is really 28.159999…). Take the
 * decimal the spreadsheet displayed: the nearest value at `scale`, but only when the double is
 * that value up to float noise. 28.165 at scale 2 is refused, not rounded.
 */
export function numberToUnits(value: number, scale: number, out: MoneyFailureOut): number {
  if (!Number.isFinite(value)) {
    out.reason = 'not-a-number';
    return Number.NaN;
  }
  const factor = POW10[scale];
  if (factor === undefined) throw new RangeError(`unsupported scale ${scale}`);
  const scaled = value * factor;
  const units = Math.round(scaled);
  if (!Number.isSafeInteger(units)) {
    out.reason = 'too-large';
    return Number.NaN;
  }
  // A double carries ~15.9 significant digits; allow error a few ulps wide around the value.
  const tolerance = Math.max(Math.abs(scaled), 1) * 4 * Number.EPSILON;
  if (Math.abs(scaled - units) > tolerance) {
    out.reason = 'too-precise';
    return Number.NaN;
  }
  return units === 0 ? 0 : units;
}

/**
 * The raw text of a numeric spreadsheet cell (`28.16`, `1E-3`, `1.2345678E+5`). Plain decimals
 * go through the exact grammar; exponent forms through the double, as the spreadsheet held it.
 */
export function parseNumericCellUnits(raw: string, scale: number, out: MoneyFailureOut): number {
  const direct = parseMoneyText(raw, scale, out);
  if (!Number.isNaN(direct) || out.reason === 'empty') return direct;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim())) {
    out.reason = 'not-a-number';
    return Number.NaN;
  }
  return numberToUnits(Number(raw), scale, out);
}

/** Convenience for callers outside hot loops: throws a MoneyParseError. */
export class MoneyParseError extends Error {
  readonly reason: MoneyFailure;
  readonly text: string;
  constructor(text: string, reason: MoneyFailure) {
    super(`cannot read ${JSON.stringify(text)} as money: ${reason}`);
    this.name = 'MoneyParseError';
    this.reason = reason;
    this.text = text;
  }
}

export function yuanToFen(text: string): number {
  const out: MoneyFailureOut = { reason: 'empty' };
  const units = parseMoneyText(text, FEN_SCALE, out);
  if (Number.isNaN(units)) throw new MoneyParseError(text, out.reason);
  return units;
}

export function yuanToMilliFen(text: string): number {
  const out: MoneyFailureOut = { reason: 'empty' };
  const units = parseMoneyText(text, MILLI_FEN_SCALE, out);
  if (Number.isNaN(units)) throw new MoneyParseError(text, out.reason);
  return units;
}
