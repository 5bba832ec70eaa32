/**
 * Spreadsheet date serials: days since an epoch, the fraction being the time of day.
 *
 * 1900 system (Windows Excel, WPS): serial 1 is 1900-01-01. Excel copied Lotus 1-2-3 in taking
 * 1900 for a leap year, so serial 60 is the non-existent 1900-02-29 and every later serial is
 * one day ahead of a plain count: serial 61 is 1900-03-01. Serial 0 shows as 1900-01-00.
 * 1904 system (old Mac Excel, `date1904` in the workbook): serial 0 is 1904-01-01.
 *
 * Results are written the way Excel would show them, `YYYY-MM-DD HH:mm:ss`, including the two
 * impossible dates above, so that what the user sees in Excel is what we report.
 */

/** 1899-12-30 and 1904-01-01 as days since 1970-01-01. */
const EPOCH_1900_DAYS = -25569;
const EPOCH_1904_DAYS = -24107;
const SECONDS_PER_DAY = 86400;
/** 9999-12-31, the last day Excel shows. */
const LAST_DAY = daysFromCivil(9999, 12, 31);

export function serialToDateTime(serial: string | number, date1904 = false): string | null {
  let value: number;
  if (typeof serial === 'number') value = serial;
  else {
    if (serial.trim() === '') return null;
    value = Number(serial);
  }
  if (!Number.isFinite(value) || value < 0) return null;
  // Rounding to the second first, so that 0.99999999 of a day is the next midnight, not 23:59:59.
  const totalSeconds = Math.round(value * SECONDS_PER_DAY);
  const serialDays = Math.floor(totalSeconds / SECONDS_PER_DAY);
  const time = formatTime(totalSeconds - serialDays * SECONDS_PER_DAY);
  if (!date1904) {
    if (serialDays === 0) return `1900-01-00 ${time}`;
    if (serialDays === 60) return `1900-02-29 ${time}`;
  }
  const days = date1904
    ? EPOCH_1904_DAYS + serialDays
    : EPOCH_1900_DAYS + serialDays + (serialDays < 60 ? 1 : 0);
  if (days > LAST_DAY) return null;
  return `${formatDate(days)} ${time}`;
}

/**
 * The serial of a wall-clock date and time `YYYY-MM-DD[THH:mm[:ss[.fff]]]` (a `t="d"` cell, or
 * a space instead of T); a trailing `Z` or UTC offset is ignored, as the serial has no zone.
 * Null when the text is not such a date.
 */
export function dateTimeToSerial(text: string, date1904 = false): number | null {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$/.exec(
    text,
  );
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hours = Number(m[4] ?? 0);
  const minutes = Number(m[5] ?? 0);
  const seconds = Number(`${m[6] ?? 0}.${m[7] ?? 0}`);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds >= 60) return null;
  const days = daysFromCivil(year, month, day);
  let serialDays: number;
  if (date1904) serialDays = days - EPOCH_1904_DAYS;
  else {
    serialDays = days - EPOCH_1900_DAYS;
    if (serialDays <= 60) serialDays--; // before the fictional 1900-02-29
  }
  if (serialDays < 0) return null;
  return serialDays + (hours * 3600 + minutes * 60 + seconds) / SECONDS_PER_DAY;
}

function formatTime(secondsOfDay: number): string {
  const h = Math.floor(secondsOfDay / 3600);
  const m = Math.floor((secondsOfDay % 3600) / 60);
  const s = secondsOfDay % 60;
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

function formatDate(daysSinceEpoch: number): string {
  // Howard Hinnant's civil_from_days: exact integer arithmetic, no Date object or time zone.
  const z = daysSinceEpoch + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
