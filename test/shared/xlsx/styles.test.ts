import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { isBuiltInDateFormat, isDateFormatCode, parseDateStyles } from '../../../shared/xlsx/styles.ts';

describe('isDateFormatCode', () => {
  const dates = [
    'yyyy-mm-dd hh:mm:ss',
    'yyyy"年"m"月"d"日"',
    'yyyy\\-mm\\-dd\\ hh:mm:ss',
    'm/d/yy',
    'h:mm AM/PM',
    '[h]:mm:ss',
    '[mm]:ss',
    '[$-804]yyyy"年"m"月"d"日" dddd',
    '[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy',
    'yyyy/m/d;@',
    '[Red]yyyy-mm-dd',
    '上午/下午h"时"mm"分"',
    'mm:ss.0',
  ];
  const notDates = [
    'General',
    '0',
    '0.00',
    '#,##0.00',
    '"¥"#,##0.00',
    '¥#,##0.00;[Red]¥\\-#,##0.00',
    '@',
    '0.00E+00',
    '##0.0E+0',
    '0%',
    '# ?/?',
    '_-* #,##0.00_-;\\-* #,##0.00_-;_-* "-"??_-;_-@_-',
    '[$€-407]#,##0.00',
    '[DBNum1][$-804]General',
    '[>=100][Red]0;0',
    '0.00 "days"',
    '#,##0.00_);[Red]\\(#,##0.00\\)',
    '"d"0',
    '\\h0',
    '_h0',
    '*m0',
  ];
  it.each(dates)('%s is a date', (code) => {
    expect(isDateFormatCode(code)).toBe(true);
    expect(XLSX.SSF.is_date(code)).toBe(true);
  });
  it.each(notDates)('%s is not a date', (code) => {
    expect(isDateFormatCode(code)).toBe(false);
  });
});

describe('isBuiltInDateFormat', () => {
  it('takes 14–22, 45–47, the East Asian 27–36 and 50–58, and the Thai 71–81', () => {
    const dates = [];
    for (let id = 0; id < 200; id++) if (isBuiltInDateFormat(id)) dates.push(id);
    expect(dates).toEqual([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81]);
  });
});

describe('parseDateStyles', () => {
  it('marks the cellXfs indexes whose format is a date, ignoring cellStyleXfs', () => {
    const xml = `<styleSheet xmlns="x"><numFmts count="3">
      <numFmt numFmtId="164" formatCode="yyyy/mm/dd hh:mm:ss"/><numFmt numFmtId="165" formatCode="&quot;¥&quot;#,##0.00"/>
      <numFmt numFmtId="14" formatCode="0.00"/></numFmts>
      <cellStyleXfs count="2"><xf numFmtId="22"/><xf numFmtId="22"/></cellStyleXfs>
      <cellXfs count="7"><xf numFmtId="0" xfId="0"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"><alignment horizontal="left"/></xf>
      <xf numFmtId="165"/><xf numFmtId="22"/><xf numFmtId="14"/><xf numFmtId="49"/><xf numFmtId="31"/></cellXfs></styleSheet>`;
    expect([...parseDateStyles(xml)]).toEqual([0, 1, 0, 1, 0, 0, 1]);
  });

  it('reads prefixed elements and tolerates a styles part without cellXfs', () => {
    expect([...parseDateStyles('<x:styleSheet><x:cellXfs><x:xf numFmtId="20"/></x:cellXfs></x:styleSheet>')]).toEqual([1]);
    expect(parseDateStyles('<styleSheet/>').length).toBe(0);
  });
});
