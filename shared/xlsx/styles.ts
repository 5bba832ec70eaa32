/**
 * Which cell styles show numbers as dates. A date in a spreadsheet is only a number (days since
 * 1900) with a date number format, so this is the only way to tell `45623.5` the amount from
 * `45623.5` the date.
 */
import { findElementContent, findTags } from './xml-tags.ts';

/**
 * Built-in number formats (those without a `<numFmt>` in styles.xml) that are dates or times.
 *
 * - 14–22, 45–47: the locale-independent date and time formats of ECMA-376 §18.8.30.
 * - 27–36, 50–58: "reserved for East Asian locales". ECMA-376 lists them for zh-CN, zh-TW,
 *   ja-JP and ko-KR, and in every one of those they are dates or times (zh-CN 27 is
 *   `yyyy"年"m"月"`, 31 is `yyyy"年"m"月"d"日"`, 32 is `h"时"mm"分"`, 58 is `m"月"d"日"`...).
 *   Excel only writes these ids from a machine in such a locale, and our users' files come from
 *   Chinese Excel and WPS, so reading them as anything but dates would turn 交易时间 into a
 *   bare serial number. (SheetJS maps 27–31 and 50–58 to format 14; 32–36 are its gap: times.)
 * - 71–81: the Thai dates and times (ECMA-376 th-TH); 59–70, Thai numbers, are not dates.
 *
 * Not dates: 0–13 and 37–44 (numbers, currency, accounting), 48 (scientific), 49 (`@` text).
 * A file may redefine any id with its own `<numFmt>`; that code then wins.
 */
export function isBuiltInDateFormat(numFmtId: number): boolean {
  return (
    (numFmtId >= 14 && numFmtId <= 22) ||
    (numFmtId >= 27 && numFmtId <= 36) ||
    (numFmtId >= 45 && numFmtId <= 47) ||
    (numFmtId >= 50 && numFmtId <= 58) ||
    (numFmtId >= 71 && numFmtId <= 81)
  );
}

/**
 * Whether a custom number format code shows a date or time: it uses y, m, d, h or s (or
 * AM/PM, 上午/下午) as a token, outside the places where letters are literal text: `"quoted"`,
 * `\x` escapes, `_x` (space the width of x) and `*x` (fill with x). Brackets hold colours,
 * conditions and locales (`[Red]`, `[>=100]`, `[$¥-804]`, `[DBNum1]`), which are not dates,
 * except elapsed time (`[h]`, `[mm]`, `[ss]`), which is.
 *
 * Era and Buddhist-year tokens (e, g, b) are not looked for: a real date format with them also
 * has m or d, and `e` alone would mistake `0.00E+00` and `General` for dates.
 */
export function isDateFormatCode(code: string): boolean {
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    switch (c) {
      case 34 /* " */: {
        const close = code.indexOf('"', i + 1);
        if (close === -1) return false;
        i = close;
        break;
      }
      case 92 /* \ */:
      case 95 /* _ */:
      case 42 /* * */:
        i++;
        break;
      case 91 /* [ */: {
        const close = code.indexOf(']', i + 1);
        if (close === -1) return false;
        if (isElapsedTime(code, i + 1, close)) return true;
        i = close;
        break;
      }
      case 89: // Y
      case 121: // y
      case 77: // M
      case 109: // m
      case 68: // D
      case 100: // d
      case 72: // H
      case 104: // h
      case 83: // S
      case 115: // s
        return true;
      case 65: // A
      case 97: // a
        if (/^(?:am\/pm|a\/p)/i.test(code.slice(i, i + 5))) return true;
        break;
      case 0x4e0a: // 上
        if (code.startsWith('上午/下午', i)) return true;
        break;
      case 71: // G
      case 103: // g
        // "General" is the one word a format may contain bare; skip it so its letters are not read as tokens.
        if (code.slice(i, i + 7).toLowerCase() === 'general') i += 6;
        break;
    }
  }
  return false;
}

function isElapsedTime(code: string, start: number, end: number): boolean {
  if (start === end) return false;
  for (let i = start; i < end; i++) {
    const c = code.charCodeAt(i) | 0x20;
    if (c !== 104 && c !== 109 && c !== 115) return false;
  }
  return true;
}

/**
 * For each index into `<cellXfs>` (a cell's `s=` attribute), 1 when that style shows a date.
 * Indexes past the end are not dates. An empty or missing styles part gives an empty table.
 */
export function parseDateStyles(stylesXml: string): Uint8Array {
  const customFormats = new Map<number, string>();
  const numFmts = findElementContent(stylesXml, 'numFmts');
  if (numFmts !== undefined) {
    for (const tag of findTags(stylesXml, 'numFmt', numFmts.start, numFmts.end)) {
      const id = Number(tag.attrs['numFmtId']);
      const code = tag.attrs['formatCode'];
      if (Number.isInteger(id) && code !== undefined) customFormats.set(id, code);
    }
  }
  const cellXfs = findElementContent(stylesXml, 'cellXfs');
  if (cellXfs === undefined) return new Uint8Array(0);
  // Excel ignores applyNumberFormat on cellXfs when rendering, so the id is taken as is.
  const xfs = findTags(stylesXml, 'xf', cellXfs.start, cellXfs.end);
  const isDate = new Uint8Array(xfs.length);
  const verdicts = new Map<number, boolean>();
  xfs.forEach((xf, index) => {
    const id = Number(xf.attrs['numFmtId'] ?? '0');
    let verdict = verdicts.get(id);
    if (verdict === undefined) {
      const code = customFormats.get(id);
      verdict = code !== undefined ? isDateFormatCode(code) : isBuiltInDateFormat(id);
      verdicts.set(id, verdict);
    }
    if (verdict) isDate[index] = 1;
  });
  return isDate;
}
