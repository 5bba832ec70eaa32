import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../shared/errors.ts';
import { CellType, type SheetRow } from '../../../shared/table/cells.ts';
import { SheetXmlScanner, type SheetScannerOptions } from '../../../shared/xlsx/sheet-xml.ts';
import { nodeByteDecoder } from '../../../electron/import/byte-decoder.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

const T = CellType;
const SST = ['交易时间', '`4200000925202101284997714292', 'a & b', ''];
/** Style 1 is a date format, style 2 a plain number format. */
const DATE_STYLES = new Uint8Array([0, 1, 0]);

interface Row {
  row: number;
  values: string[];
  types: number[];
}

function scan(xml: string, chunkSize = Number.MAX_SAFE_INTEGER, options: Partial<SheetScannerOptions> = {}): Row[] {
  return scanWith(xml, chunkSizes(chunkSize), options);
}

function chunkSizes(size: number): () => number {
  return () => size;
}

function scanWith(xml: string, nextSize: () => number, options: Partial<SheetScannerOptions> = {}): Row[] {
  const rows: Row[] = [];
  const scanner = new SheetXmlScanner({
    sharedStrings: SST,
    dateStyles: DATE_STYLES,
    decoder: nodeByteDecoder,
    onRow: (r: SheetRow) => {
      rows.push({ row: r.rowNumber, values: r.values, types: [...r.types] });
    },
    ...options,
  });
  // Byte pieces: cut inside tags, entities and multi-byte characters alike.
  const bytes = utf8(xml);
  for (let p = 0; p < bytes.length; ) {
    const n = Math.min(bytes.length - p, Math.max(1, nextSize()));
    if (!scanner.push(bytes.slice(p, p + n))) break;
    p += n;
  }
  scanner.finish();
  return rows;
}

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

const sheet = (rows: string, prefix = '') =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${prefix}worksheet xmlns${prefix ? ':' + prefix.slice(0, -1) : ''}="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="r"><${prefix}dimension ref="A1:C3"/><${prefix}sheetViews><${prefix}sheetView workbookViewId="0"/></${prefix}sheetViews><${prefix}sheetFormatPr defaultRowHeight="15"/><${prefix}cols><${prefix}col min="1" max="1" width="20"/></${prefix}cols><${prefix}sheetData>${rows}</${prefix}sheetData><${prefix}mergeCells count="1"><${prefix}mergeCell ref="A1:B1"/></${prefix}mergeCells><${prefix}rowBreaks count="1"><${prefix}brk id="5"/></${prefix}rowBreaks></${prefix}worksheet>`;

/** Every kind of cell in one sheet. */
const ALL_KINDS = sheet(
  '<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" s="2" t="s"><v>2</v></c></row>' +
    '<row r="2"><c r="A2"><v>28.16</v></c><c r="B2" s="2"><v>4.2000009252021E+27</v></c><c r="C2" s="1"><v>44224.71332175926</v></c><c r="D2" t="n"><v>-1</v></c></row>' +
    '<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="b"><v>0</v></c><c r="C3" t="e"><v>#N/A</v></c><c r="D3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>' +
    '<row r="4"><c r="A4" t="str"><f>A1&amp;"!"</f><v>交易时间!</v></c><c r="B4" s="1"><f>NOW()</f><v>45623.5</v></c><c r="C4"><f>SUM(A2:A3)</f></c><c r="D4" t="str"><f>""</f><v></v></c></row>' +
    '<row r="5"><c r="A5" t="inlineStr"><is><t>inline &lt;text&gt;</t></is></c><c r="B5" t="inlineStr"><is><r><rPr><b/></rPr><t>rich</t></r><r><t xml:space="preserve"> run</t></r><rPh sb="0" eb="1"><t>ふ</t></rPh></is></c><c r="C5" t="inlineStr"><is><t>cr_x000D_lf</t></is></c><c r="D5" t="inlineStr"><is><t/></is></c></row>' +
    '<row r="7"><c r="B7" s="2"/><c r="D7" t="s"><v>3</v></c><c r="F7"><v>7</v></c></row>' +
    '<row r="8"><c r="A8" s="2"/><c r="B8"><v/></c></row>' +
    '<row r="9"/>' +
    '<row r="1048576"><c r="XFD1048576" t="d"><v>2021-01-28T17:07:11Z</v></c></row>',
);

const ALL_KINDS_ROWS: Row[] = [
  { row: 1, values: ['交易时间', '`4200000925202101284997714292', 'a & b'], types: [T.Text, T.Text, T.Text] },
  { row: 2, values: ['28.16', '4.2000009252021E+27', '44224.71332175926', '-1'], types: [T.Number, T.Number, T.Date, T.Number] },
  { row: 3, values: ['TRUE', 'FALSE', '#N/A', '#DIV/0!'], types: [T.Bool, T.Bool, T.Error, T.Error] },
  { row: 4, values: ['交易时间!', '45623.5', '', ''], types: [T.Text, T.Date, T.Empty, T.Text] },
  { row: 5, values: ['inline <text>', 'rich run', 'cr\rlf', ''], types: [T.Text, T.Text, T.Text, T.Text] },
  { row: 7, values: ['', '', '', '', '', '7'], types: [T.Empty, T.Empty, T.Empty, T.Text, T.Empty, T.Number] },
  { row: 8, values: [], types: [] },
  { row: 9, values: [], types: [] },
];

describe('SheetXmlScanner', () => {
  it('reads every kind of cell', () => {
    const rows = scan(ALL_KINDS);
    expect(rows.slice(0, -1)).toEqual(ALL_KINDS_ROWS);
    const last = rows.at(-1)!;
    expect(last.row).toBe(1048576);
    expect(last.values.length).toBe(16384);
    expect(last.types[16383]).toBe(T.Date);
    expect(Number(last.values[16383])).toBeCloseTo(44224.71332175926, 9);
  });

  it('gives the same rows however the XML is cut', () => {
    const whole = scan(ALL_KINDS);
    expect(scan(ALL_KINDS, 1)).toEqual(whole);
    for (let seed = 1; seed <= 25; seed++) {
      const next = random(seed);
      expect(scanWith(ALL_KINDS, () => Math.floor(next() * 64))).toEqual(whole);
    }
    const next = random(99);
    expect(scanWith(ALL_KINDS, () => Math.floor(next() * 2000))).toEqual(whole);
  });

  it('places cells without r after the previous one and numbers rows without r after the previous row', () => {
    const rows = scan(sheet('<row r="3"><c t="s"><v>0</v></c><c r="C3"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row><row r="10"><c r="B10"><v>4</v></c><c r="A10"><v>5</v></c></row>'));
    expect(rows).toEqual([
      { row: 3, values: ['交易时间', '', '1', '2'], types: [T.Text, T.Empty, T.Number, T.Number] },
      { row: 4, values: ['3'], types: [T.Number] },
      // Out of order: the later cell is placed where its reference says.
      { row: 10, values: ['5', '4'], types: [T.Number, T.Number] },
    ]);
  });

  it('reads other writers: prefixes, whitespace, single quotes, attribute order, comments, extLst', () => {
    const pretty = sheet(
      `
    <x:row r='1' >
      <x:c t='s' r='A1' s='0' >
        <x:v>0</x:v>
      </x:c>
      <!-- a comment -->
      <x:c
          r="B1"
          s = "1">
        <x:f t="shared" ref="B1:B2" si="0">NOW()</x:f>
        <x:v>44224.5</x:v>
        <x:extLst><x:ext uri="{x}"><x14:foo/></x:ext></x:extLst>
      </x:c>
      <x:c r="C1" t="inlineStr"><x:is><x:t>in</x:t></x:is></x:c>
    </x:row>
    `,
      'x:',
    );
    const expected = [{ row: 1, values: ['交易时间', '44224.5', 'in'], types: [T.Text, T.Date, T.Text] }];
    expect(scan(pretty)).toEqual(expected);
    expect(scan(pretty, 1)).toEqual(expected);
    expect(scan(pretty, 7)).toEqual(expected);
  });

  it('reads nothing from a sheet without rows or a chartsheet, and does not mistake <rowBreaks> for rows', () => {
    expect(scan(sheet(''))).toEqual([]);
    expect(scan('<worksheet><sheetData/></worksheet>')).toEqual([]);
    expect(scan('<chartsheet><sheetPr/><drawing r:id="rId1"/></chartsheet>')).toEqual([]);
  });

  it('stops when onRow returns false', () => {
    const seen: number[] = [];
    const scanner = new SheetXmlScanner({
      sharedStrings: SST,
      dateStyles: DATE_STYLES,
      decoder: nodeByteDecoder,
      onRow: (r) => {
        seen.push(r.rowNumber);
        return r.rowNumber < 2;
      },
    });
    const bytes = utf8(ALL_KINDS);
    expect(scanner.push(bytes.subarray(0, 900))).toBe(false);
    expect(scanner.stopped).toBe(true);
    expect(scanner.push(bytes.subarray(900))).toBe(false);
    scanner.finish();
    expect(seen).toEqual([1, 2]);
  });

  it('hands out fresh rows', () => {
    const rows: SheetRow[] = [];
    const scanner = new SheetXmlScanner({ sharedStrings: SST, dateStyles: DATE_STYLES, decoder: nodeByteDecoder, onRow: (r) => void rows.push(r) });
    scanner.push(utf8(sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>')));
    scanner.finish();
    expect(rows[0]!.values).not.toBe(rows[1]!.values);
    expect(rows[0]!.types).not.toBe(rows[1]!.types);
    expect(rows.map((r) => [r.values, [...r.types]])).toEqual([
      [['1'], [T.Number]],
      [['交易时间'], [T.Text]],
    ]);
  });

  it('refuses damaged sheets', () => {
    const corrupt = (xml: string, chunk = Number.MAX_SAFE_INTEGER) => {
      try {
        scan(xml, chunk);
      } catch (e) {
        expect(e).toBeInstanceOf(ImportError);
        return (e as ImportError).code;
      }
      return 'read';
    };
    expect(corrupt(ALL_KINDS.slice(0, ALL_KINDS.indexOf('<row r="5">') + 40))).toBe('xlsx-corrupt');
    expect(corrupt(ALL_KINDS.slice(0, ALL_KINDS.indexOf('<row r="5">') + 40), 3)).toBe('xlsx-corrupt');
    expect(corrupt('<worksheet><sheetPr/>')).toBe('xlsx-corrupt');
    expect(corrupt(sheet('<row r="1"><c r="A1" t="s"><v>4</v></c></row>'))).toBe('xlsx-corrupt');
    expect(corrupt(sheet('<row r="1"><c r="A1" t="s"><v>x</v></c></row>'))).toBe('xlsx-corrupt');
    expect(corrupt(sheet('<row r="1"><c r="XFE1"><v>1</v></c></row>'))).toBe('xlsx-corrupt');
    expect(corrupt(sheet('<row r="1"><c r="A1" t=s><v>1</v></c></row>'))).toBe('xlsx-corrupt');
    // A row that never ends is refused, not waited for forever.
    expect(corrupt(sheet('<row r="1"><c r="A1"><v>1</v></row><row r="2"><c r="A2"><v>2</v></c></row>'))).toBe('xlsx-corrupt');
  });

  it('reads long rows cut into many pieces without re-reading them', () => {
    const cells = Array.from({ length: 3000 }, (_, i) => `<c r="${colName(i)}1" t="inlineStr"><is><t>v${i}</t></is></c>`).join('');
    const rows = scan(sheet(`<row r="1">${cells}</row><row r="2"><c r="A2"><v>2</v></c></row>`), 100);
    expect(rows[0]!.values.length).toBe(3000);
    expect(rows[0]!.values[2999]).toBe('v2999');
    expect(rows[1]).toEqual({ row: 2, values: ['2'], types: [T.Number] });
  });

  it('turns t="d" cells into serials of the workbook date system', () => {
    const xml = sheet('<row r="1"><c r="A1" t="d"><v>1904-01-02T12:00:00</v></c><c r="B1" t="d"><v>not a date</v></c></row>');
    expect(scan(xml, Number.MAX_SAFE_INTEGER, { date1904: true })).toEqual([{ row: 1, values: ['1.5', 'not a date'], types: [T.Date, T.Text] }]);
  });
});

function colName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
