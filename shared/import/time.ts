/**
 * Times in bills and ledgers. WeChat writes Beijing time as `yyyy-MM-dd HH:mm:ss` (the 2014
 * documentation even uses full-width colons); ledgers write whatever their system likes, and a
 * spreadsheet re-save turns times into `2021/1/28 17:07` (seconds gone) or date serials. All
 * become Beijing wall time `YYYY-MM-DD HH:mm:ss`, compared as strings. Nothing here reads the
 * machine's time zone: a finance PC set to another zone must reconcile the same.
 */

export type TimePrecision = 'second' | 'minute' | 'day';

export interface TimeReading {
  /** `YYYY-MM-DD HH:mm:ss` in Beijing time. */
  text: string;
  precision: TimePrecision;
}

const BEIJING_OFFSET_MINUTES = 8 * 60;

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

function valid(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return (
    y >= 1970 && y <= 2100 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) &&
    h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59
  );
}

function format(y: number, mo: number, d: number, h: number, mi: number, s: number): string {
  return `${y}-${pad2(mo)}-${pad2(d)} ${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
}

const C0 = 48;

/**
 * The exact WeChat form `YYYY-MM-DD HH:mm:ss` over character codes, as a number
 * YYYYMMDDHHmmss (ordered like the time; 14 digits fit a double exactly), or -1.
 * 1M bill rows pass through here, straight from the file's bytes.
 */
export function canonicalTimeKey(codes: Uint8Array | Uint16Array, start: number, end: number): number {
  if (end - start !== 19) return -1;
  if (codes[start + 4] !== 45 || codes[start + 7] !== 45 || codes[start + 10] !== 32 || codes[start + 13] !== 58 || codes[start + 16] !== 58) return -1;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const v = codes[start + i]! - C0;
    if (v < 0 || v > 9) return -1;
    y = y * 10 + v;
  }
  const two = (i: number) => {
    const a = codes[start + i]! - C0;
    const b = codes[start + i + 1]! - C0;
    return a < 0 || a > 9 || b < 0 || b > 9 ? -1 : a * 10 + b;
  };
  const mo = two(5);
  const d = two(8);
  const h = two(11);
  const mi = two(14);
  const s = two(17);
  if (mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || !valid(y, mo, d, h, mi, s)) return -1;
  return ((((y * 100 + mo) * 100 + d) * 100 + h) * 100 + mi) * 100 + s;
}

/** YYYYMMDDHHmmss → `YYYY-MM-DD HH:mm:ss` */
export function timeKeyToText(key: number): string {
  const t = String(key);
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)} ${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}`;
}

/** `YYYY-MM-DD HH:mm:ss` → YYYYMMDDHHmmss */
export function timeTextToKey(text: string): number {
  return Number(text.slice(0, 4) + text.slice(5, 7) + text.slice(8, 10) + text.slice(11, 13) + text.slice(14, 16) + text.slice(17, 19));
}

const scratch = new Uint16Array(19);

function parseCanonical(t: string): string | null {
  if (t.length !== 19) return null;
  for (let i = 0; i < 19; i++) scratch[i] = t.charCodeAt(i);
  return canonicalTimeKey(scratch, 0, 19) < 0 ? null : t;
}

const GENERAL =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:\s+|T)(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/**
 * Reads a time. A time with an explicit offset (`Z`, `+00:00`) is converted to Beijing time;
 * one without is taken as Beijing time already, which is what WeChat and Chinese ERPs write.
 */
export function parseBeijingTime(input: string): TimeReading | null {
  const fast = parseCanonical(input);
  if (fast !== null) return { text: fast, precision: 'second' };
  const t = input.trim().replace(/：/g, ':');
  const again = parseCanonical(t);
  if (again !== null) return { text: again, precision: 'second' };

  let m = COMPACT.exec(t);
  if (m !== null) {
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    return valid(y, mo, d, h, mi, s) ? { text: format(y, mo, d, h, mi, s), precision: 'second' } : null;
  }
  m = GENERAL.exec(t);
  if (m === null) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const hasTime = m[4] !== undefined;
  const h = hasTime ? Number(m[4]) : 0;
  const mi = hasTime ? Number(m[5]) : 0;
  const hasSeconds = m[6] !== undefined;
  const s = hasSeconds ? Number(m[6]) : 0;
  if (!valid(y, mo, d, h, mi, s)) return null;
  const precision: TimePrecision = !hasTime ? 'day' : hasSeconds ? 'second' : 'minute';
  const zone = m[7];
  if (zone === undefined) return { text: format(y, mo, d, h, mi, s), precision };
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const utcMs = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000;
  const bj = new Date(utcMs + BEIJING_OFFSET_MINUTES * 60_000);
  return {
    text: format(bj.getUTCFullYear(), bj.getUTCMonth() + 1, bj.getUTCDate(), bj.getUTCHours(), bj.getUTCMinutes(), bj.getUTCSeconds()),
    precision,
  };
}

/** `2026-11-26 23:59:58` → `2026-11-26T23:59:58+08:00`, the form reports use. */
export function beijingToIso(text: string): string {
  return text.replace(' ', 'T') + '+08:00';
}

/**
 * An instant (ISO 8601 with an offset, e.g. a decision's `2026-11-27T01:30:00.000Z`) as Beijing
 * wall time `YYYY-MM-DD HH:mm:ss`, as bills and finance staff tell time; the text as given when it
 * is not an instant (a time without an offset is not one: parseBeijingTime would take it as Beijing).
 */
export function isoToBeijing(iso: string): string {
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) return iso;
  return parseBeijingTime(iso)?.text ?? iso;
}
