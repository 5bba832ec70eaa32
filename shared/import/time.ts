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

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
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

/** The exact WeChat form, checked by character codes: 1M rows pass through here. */
function parseCanonical(t: string): string | null {
  if (t.length !== 19) return null;
  const c = (i: number) => t.charCodeAt(i) - C0;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) {
    const v = c(i);
    if (v < 0 || v > 9) return null;
  }
  if (t[4] !== '-' || t[7] !== '-' || t[10] !== ' ' || t[13] !== ':' || t[16] !== ':') return null;
  const y = c(0) * 1000 + c(1) * 100 + c(2) * 10 + c(3);
  const mo = c(5) * 10 + c(6);
  const d = c(8) * 10 + c(9);
  const h = c(11) * 10 + c(12);
  const mi = c(14) * 10 + c(15);
  const s = c(17) * 10 + c(18);
  return valid(y, mo, d, h, mi, s) ? t : null;
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
