/**
 * Order ids as strings, and the damage spreadsheet programs do to them.
 *
 * WeChat prefixes every bill field with a backtick precisely so that Excel keeps ids as text.
 * When a user strips the backticks, or an ERP exports ids as numbers, Excel keeps only 15
 * significant digits and shows long numbers in scientific notation; saving writes that back:
 * `4200000925202101284997714292` becomes `4.20000092520210E+27` or `4200000925202100000000000000`,
 * and `0012345` becomes `12345`. A damaged id must never be matched: it would pair the wrong
 * orders, or none.
 */
import { CellType } from '../table/cells.ts';

export type IdDamage = 'scientific' | 'precision-lost' | 'leading-zeros-lost';

export interface IdReading {
  /** The id to match on, or null when it is damaged or empty. */
  value: string | null;
  /** The text as found, for messages. */
  raw: string;
  damage: IdDamage | null;
  /** The id went through a number (numeric cell, or a bill field without its backtick). */
  converted: boolean;
}

/** Excel keeps 15 significant digits; anything past them in a number is gone. */
const EXCEL_SIGNIFICANT_DIGITS = 15;

export const IdShape = {
  Empty: 0,
  /** Letters, punctuation: a merchant's own format. */
  Plain: 1,
  Digits: 2,
  /** `4.2E+27`: what Excel shows and saves for a long number. */
  Scientific: 3,
  /**
   * A long digit string whose digits after the 15th are all zeros: how Excel writes a number it
   * rounded. For a 28-digit WeChat id the chance that a real one ends like this is nil.
   */
  Rounded: 4,
} as const;
export type IdShape = (typeof IdShape)[keyof typeof IdShape];

/** The shape of an id from its character codes, without making a string (hot path). */
export function classifyIdCodes(codes: Uint8Array | Uint16Array, start: number, end: number): IdShape {
  const n = end - start;
  if (n === 0 || (n === 1 && codes[start] === 47)) return IdShape.Empty; // '' or '/'
  let i = start;
  while (i < end && codes[i]! >= 48 && codes[i]! <= 57) i++;
  if (i === end) {
    if (n - EXCEL_SIGNIFICANT_DIGITS < 3) return IdShape.Digits;
    for (let k = start + EXCEL_SIGNIFICANT_DIGITS; k < end; k++) if (codes[k] !== 48) return IdShape.Digits;
    return IdShape.Rounded;
  }
  // Scientific as a spreadsheet writes it: one digit, optional decimals, E, a sign, 1-3 digits
  // (`4.2E+27`, `4.20000092520210E+27`). Requiring all of that keeps hex order numbers such as
  // `76794078368359603449e77696995400` intact.
  let k = start;
  if (codes[k]! < 48 || codes[k]! > 57) return IdShape.Plain;
  k++;
  if (codes[k] === 46) {
    k++;
    const fracStart = k;
    while (k < end && codes[k]! >= 48 && codes[k]! <= 57) k++;
    if (k === fracStart) return IdShape.Plain;
  }
  if (codes[k] !== 69 && codes[k] !== 101) return IdShape.Plain;
  k++;
  if (codes[k] !== 43 && codes[k] !== 45) return IdShape.Plain;
  k++;
  const expStart = k;
  while (k < end && codes[k]! >= 48 && codes[k]! <= 57) k++;
  return k === end && k > expStart && k - expStart <= 3 ? IdShape.Scientific : IdShape.Plain;
}

const scratch = new Uint16Array(128);

export function classifyId(text: string): IdShape {
  const n = text.length;
  if (n > scratch.length) return IdShape.Plain;
  for (let i = 0; i < n; i++) scratch[i] = text.charCodeAt(i);
  return classifyIdCodes(scratch, 0, n);
}

/**
 * Ids are compared as normalised strings: trimmed, backtick and tabs removed (personal bills end
 * id cells with a tab so Excel keeps them as text).
 */
export function normalizeIdText(text: string): string {
  let s = text.replace(/\t/g, '').trim();
  if (s.charCodeAt(0) === 96) s = s.slice(1).trim();
  return s;
}

/**
 * Reads an id cell. `expectBacktick`: the file is a WeChat bill, where a detail field without
 * its backtick has been through a spreadsheet.
 */
export function readId(text: string, cellType: CellType, hadBacktick: boolean, expectBacktick: boolean): IdReading {
  const raw = text;
  const shape = classifyId(raw);
  if (shape === IdShape.Empty) return { value: null, raw, damage: null, converted: false };
  if (shape === IdShape.Scientific) return { value: null, raw, damage: 'scientific', converted: true };
  if (cellType === CellType.Number) {
    // Numeric cell: the raw text is the double the spreadsheet held.
    const n = Number(raw);
    if (!Number.isFinite(n) || !Number.isInteger(n) || n < 0) {
      return { value: null, raw, damage: 'precision-lost', converted: true };
    }
    const digits = BigInt(n).toString();
    if (digits.length > EXCEL_SIGNIFICANT_DIGITS) return { value: null, raw, damage: 'precision-lost', converted: true };
    return { value: digits, raw, damage: null, converted: true };
  }
  if (shape === IdShape.Rounded) return { value: null, raw, damage: 'precision-lost', converted: true };
  const converted = expectBacktick && !hadBacktick && shape === IdShape.Digits;
  return { value: raw, raw, damage: null, converted };
}

/**
 * Finds ids that lost leading zeros. Within a column the merchant's ids usually share one width;
 * a converted all-digit id shorter than that width lost its zeros. Fed every id of a column,
 * it answers, at the end, which converted widths are short.
 */
export class IdWidthTracker {
  /** Ids are at most 64 characters in WeChat's APIs; longer ones share the last slot. */
  private readonly widths = new Float64Array(129);
  private total = 0;

  note(length: number): void {
    this.total++;
    this.widths[length < 128 ? length : 128]!++;
  }

  /** The common width, when at least half of the ids have it; otherwise null (free-form ids). */
  dominantWidth(): number | null {
    let best = 0;
    for (let w = 1; w < 128; w++) if (this.widths[w]! >= this.widths[best]!) best = w;
    const bestCount = this.widths[best]!;
    return bestCount * 2 >= this.total && this.total > 0 && bestCount > 0 ? best : null;
  }
}
