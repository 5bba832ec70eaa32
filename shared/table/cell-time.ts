import { canonicalTimeKey, parseBeijingTime, timeTextToKey } from '../import/time.ts';
import type { WarningCollector } from '../import/warnings.ts';
import type { RowCursor } from './row-cursor.ts';

/**
 * A time cell as YYYYMMDDHHmmss (see canonicalTimeKey), or -1 with an `invalid-time` warning.
 * WeChat's exact form is read from the bytes; anything else (full-width colons, `2021/1/28
 * 17:07` from a spreadsheet, offsets, date cells) takes the general parser, and a time that lost
 * its seconds on the way is reported too.
 */
export function cellTimeKey(c: RowCursor, i: number, warnings: WarningCollector, column: string): number {
  const span = c.asciiSpan(i);
  if (span !== null) {
    const key = canonicalTimeKey(span.bytes, span.start, span.end);
    if (key >= 0) return key;
  }
  const text = c.text(i);
  const t = parseBeijingTime(text);
  if (t === null) {
    warnings.add('invalid-time', c.line, column, { value: text });
    return -1;
  }
  if (t.precision !== 'second') warnings.add('time-precision-lost', c.line, column, { value: text });
  return timeTextToKey(t.text);
}
