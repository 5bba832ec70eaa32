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

const SCIENTIFIC = /^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$/;
const DIGITS = /^\d+$/;

/** Excel keeps 15 significant digits; anything past them in a number is gone. */
const EXCEL_SIGNIFICANT_DIGITS = 15;

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
  if (raw === '' || raw === '/') return { value: null, raw, damage: null, converted: false };
  if (SCIENTIFIC.test(raw)) return { value: null, raw, damage: 'scientific', converted: true };
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
  const converted = expectBacktick && !hadBacktick && DIGITS.test(raw);
  if (DIGITS.test(raw) && raw.length > EXCEL_SIGNIFICANT_DIGITS && looksRounded(raw)) {
    return { value: null, raw, damage: 'precision-lost', converted: true };
  }
  return { value: raw, raw, damage: null, converted };
}

/**
 * A long digit string whose digits after the 15th are all zeros is how Excel writes a number it
 * rounded. For a 28-digit WeChat id the chance that a real one ends in 13 zeros is nil.
 */
function looksRounded(digits: string): boolean {
  const tail = digits.slice(EXCEL_SIGNIFICANT_DIGITS);
  return tail.length >= 3 && /^0+$/.test(tail);
}

/**
 * Finds ids that lost leading zeros. Within a column the merchant's ids usually share one width;
 * a converted all-digit id shorter than that width lost its zeros. Fed every id of a column,
 * it answers, at the end, which converted widths are short.
 */
export class IdWidthTracker {
  private readonly widths = new Map<number, number>();
  private total = 0;

  note(value: string): void {
    this.total++;
    this.widths.set(value.length, (this.widths.get(value.length) ?? 0) + 1);
  }

  /** The common width, when at least half of the ids have it; otherwise null (free-form ids). */
  dominantWidth(): number | null {
    let best = 0;
    let bestCount = 0;
    for (const [w, c] of this.widths) {
      if (c > bestCount || (c === bestCount && w > best)) {
        best = w;
        bestCount = c;
      }
    }
    return bestCount * 2 >= this.total && this.total > 0 ? best : null;
  }
}
