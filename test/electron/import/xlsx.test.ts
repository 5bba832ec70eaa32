/**
 * The streaming .xlsx reader against SheetJS: the same files, read both ways, must give the same
 * cells. Files come from our test writer, from SheetJS itself, and from hand-written XML for
 * what neither writer produces (rich text, phonetic runs, prefixes, odd part names).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as XLSX from 'xlsx';
import { ImportError } from '../../../shared/errors.ts';
import { CellType } from '../../../shared/table/cells.ts';
import { openWorkbook, type OpenWorkbookOptions } from '../../../electron/import/xlsx.ts';
import { writeXlsx, ZipWriter, type XlsxCell } from '../../generators/xlsx-writer.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-xlsx-reader-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ReadRow {
  values: string[];
  types: number[];
}

async function readBook(path: string, options?: OpenWorkbookOptions) {
  const workbook = await openWorkbook(path, options);
  try {
    const sheets = new Map<string, Map<number, ReadRow>>();
    for (const { name } of workbook.sheets) {
      const rows = new Map<number, ReadRow>();
      await workbook.readSheet(name, (row) => {
        expect(rows.has(row.rowNumber)).toBe(false);
        expect(row.types.length).toBe(row.values.length);
        rows.set(row.rowNumber, { values: row.values, types: [...row.types] });
      });
      sheets.set(name, rows);
    }
    return { names: workbook.sheets.map((s) => s.name), date1904: workbook.date1904, sheets };
  } finally {
    await workbook.close();
  }
}

/** Reads the file with SheetJS and checks every cell against ours: value and type. */
async function expectSameAsSheetJS(path: string, options?: OpenWorkbookOptions): Promise<number> {
  const ours = await readBook(path, options);
  const theirs = XLSX.read(readFileSync(path), { type: 'buffer', dense: true, cellNF: true, cellDates: false });
  expect(ours.names).toEqual(theirs.SheetNames);
  expect(ours.date1904).toBe(theirs.Workbook?.WBProps?.date1904 === true);
  let cells = 0;
  for (const name of theirs.SheetNames) {
    const data = (theirs.Sheets[name]!['!data'] ?? []) as (XLSX.CellObject | undefined)[][];
    const rows = ours.sheets.get(name)!;
    const expected = new Map<number, ReadRow>();
    data.forEach((cellsOfRow, r) => {
      const row: ReadRow = { values: [], types: [] };
      (cellsOfRow ?? []).forEach((cell, c) => {
        if (cell === undefined || cell.t === 'z') return;
        while (row.values.length < c) {
          row.values.push('');
          row.types.push(CellType.Empty);
        }
        row.values.push(sheetJsValue(cell));
        row.types.push(sheetJsType(cell));
      });
      if (row.values.length > 0) expected.set(r + 1, row);
    });
    const actual = new Map<number, ReadRow>();
    for (const [n, row] of rows) {
      if (row.values.length === 0) continue; // SheetJS does not keep rows without cells
      actual.set(n, {
        // Numbers compared as numbers: SheetJS keeps a double, we keep the stored text.
        // SheetJS also turns CR LF into LF, even a CR the file escaped as _x000D_; we keep it.
        values: row.values.map((v, i) =>
          row.types[i] === CellType.Number || row.types[i] === CellType.Date ? String(Number(v)) : v.replace(/\r\n/g, '\n'),
        ),
        types: row.types,
      });
      cells += row.values.length;
    }
    expect(actual).toEqual(expected);
  }
  return cells;
}

function sheetJsValue(cell: XLSX.CellObject): string {
  switch (cell.t) {
    case 'n':
      return String(cell.v);
    case 'b':
      return cell.v ? 'TRUE' : 'FALSE';
    case 'e':
      return cell.w ?? '';
    default:
      return String(cell.v);
  }
}

function sheetJsType(cell: XLSX.CellObject): number {
  switch (cell.t) {
    case 'n':
      return typeof cell.z === 'string' && XLSX.SSF.is_date(cell.z) ? CellType.Date : CellType.Number;
    case 'b':
      return CellType.Bool;
    case 'e':
      return CellType.Error;
    default:
      return CellType.Text;
  }
}

async function failure(action: () => Promise<unknown>): Promise<ImportError> {
  try {
    await action();
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return e as ImportError;
  }
  throw new Error('expected an ImportError');
}

/** Cells of every kind our writer produces, in sparse rows. */
function variedRows(): XlsxCell[][] {
  const rows: XlsxCell[][] = [
    ['交易时间', '公众账号ID', '微信订单号', '商品名称', '金额'],
    ['`2021-01-28 17:07:11', '`wx2421b1c4370ec43b', '`4200000925202101284997714292', '`测试商品😀', '`0.01'],
    [{ kind: 'date', serial: 44224.71332175926 }, 'a & b <c> "q" \'s\'', { kind: 'number-text', text: '4.2000009252021E+27' }, '_x000D_ literal', 0.01],
    [],
    [null, '  padded  ', null, 'tab\there', -1234.5],
    ['line1\nline2', 'ctrl\u0001char', true, false, 1e21],
    [1e-7, 0, 42, 'x'.repeat(300), { kind: 'date', serial: 0.5 }],
  ];
  const wide: XlsxCell[] = [];
  for (let c = 0; c < 200; c++) wide.push(c % 3 === 0 ? null : c % 3 === 1 ? `列${c}` : c);
  rows.push(wide);
  for (let r = 0; r < 300; r++) rows.push([`\`${r}`, r * 1.5, r % 2 === 0, r % 7 === 0 ? null : `重复值${r % 5}`]);
  return rows;
}

describe('openWorkbook on files from the test writer', () => {
  it('reads shared strings like SheetJS, whatever size the pieces are', async () => {
    const path = join(dir, 'shared.xlsx');
    await writeXlsx(path, [
      { name: '账单', rows: variedRows() },
      { name: 'Sheet 2 & more', rows: [['only'], [], [null, 1]] },
    ]);
    expect(await expectSameAsSheetJS(path)).toBeGreaterThan(1000);
    // 64-byte pieces cut Chinese characters and tags in half all the time.
    await expectSameAsSheetJS(path, { chunkSizeBytes: 64 });
  });

  it('reads inline strings, stored entries and the 1904 date system', async () => {
    const inline = join(dir, 'inline.xlsx');
    await writeXlsx(inline, [{ name: 'S', rows: variedRows() }], { sharedStrings: false, store: true, date1904: true });
    await expectSameAsSheetJS(inline);
    const book = await readBook(inline, { chunkSizeBytes: 100 });
    expect(book.date1904).toBe(true);
    expect(book.sheets.get('S')!.get(3)).toMatchObject({ types: [CellType.Date, CellType.Text, CellType.Number, CellType.Text, CellType.Number] });
  });

  it('reads ZIP64 records (which SheetJS cannot)', async () => {
    const plain = join(dir, 'plain.xlsx');
    const zip64 = join(dir, 'zip64.xlsx');
    await writeXlsx(plain, [{ name: 'S', rows: variedRows() }]);
    await writeXlsx(zip64, [{ name: 'S', rows: variedRows() }], { zip64: true });
    expect(await readBook(zip64)).toEqual(await readBook(plain));
  });

  it('keeps what SheetJS would lose: the exact number text and carriage returns', async () => {
    const path = join(dir, 'exact.xlsx');
    await writeXlsx(path, [{ name: 'S', rows: [[{ kind: 'number-text', text: '4.2000009252021E+27' }, 'a\r\nb', { kind: 'number-text', text: '0.10' }]] }]);
    const book = await readBook(path);
    expect(book.sheets.get('S')!.get(1)).toEqual({
      values: ['4.2000009252021E+27', 'a\r\nb', '0.10'],
      types: [CellType.Number, CellType.Text, CellType.Number],
    });
  });

  it('stops reading when onRow returns false, finds sheets case-insensitively, refuses unknown ones', async () => {
    const path = join(dir, 'stop.xlsx');
    await writeXlsx(path, [{ name: 'Bill', rows: variedRows() }]);
    const workbook = await openWorkbook(path);
    const seen: number[] = [];
    await workbook.readSheet('bill', (row) => {
      seen.push(row.rowNumber);
      return seen.length < 3;
    });
    expect(seen).toEqual([1, 2, 3]);
    // The shared parts are loaded once; a second read starts afresh.
    let rows = 0;
    await workbook.readSheet('Bill', () => void rows++);
    expect(rows).toBe(variedRows().filter((r) => r.some((c) => c !== null)).length);
    const missing = await failure(() => workbook.readSheet('账单', () => undefined));
    expect(missing).toMatchObject({ code: 'xlsx-sheet-not-found', params: { sheet: '账单' } });
    await workbook.close();
  });
});

describe('openWorkbook on files written by SheetJS', () => {
  function sheetJsBook(date1904: boolean): XLSX.WorkBook {
    const ws = XLSX.utils.aoa_to_sheet([
      ['交易时间', '金额', '有效', '备注'],
      ['`2021-01-28 17:07:11', 0.01, true, 'a & b <c>'],
      ['`4200000925202101284997714292', -12.5, false, 'x\r\ny'],
      [null, 4.2000009252021e27, null, '中文'],
    ]);
    ws['A5'] = { t: 'n', v: 44224.71332175926, z: 'yyyy-mm-dd hh:mm:ss' };
    ws['B5'] = { t: 'n', v: 45623, z: 'yyyy"年"m"月"d"日"' };
    ws['C5'] = { t: 'e', v: 0x2a, w: '#N/A' };
    ws['D5'] = { t: 'n', v: 3, f: 'B2+B3' };
    ws['E7'] = { t: 's', v: 'far away' };
    ws['!ref'] = 'A1:E7';
    const other = XLSX.utils.aoa_to_sheet([[1, 2, 3]]);
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, '账单');
    XLSX.utils.book_append_sheet(wb, other, 'Other');
    if (date1904) wb.Workbook = { WBProps: { date1904: true } };
    return wb;
  }

  for (const bookSST of [true, false]) {
    for (const date1904 of [false, true]) {
      it(`reads them like SheetJS (bookSST ${bookSST}, date1904 ${date1904})`, async () => {
        const path = join(dir, `sheetjs-${bookSST}-${date1904}.xlsx`);
        writeFileSync(path, XLSX.write(sheetJsBook(date1904), { type: 'buffer', bookType: 'xlsx', bookSST }));
        await expectSameAsSheetJS(path);
        await expectSameAsSheetJS(path, { chunkSizeBytes: 64 });
      });
    }
  }

  it('reads a legacy .xls through SheetJS', async () => {
    const path = join(dir, 'legacy.xls');
    writeFileSync(path, XLSX.write(sheetJsBook(false), { type: 'buffer', bookType: 'biff8' }));
    const book = await readBook(path);
    expect(book.names).toEqual(['账单', 'Other']);
    const bill = book.sheets.get('账单')!;
    expect(bill.get(2)).toEqual({ values: ['`2021-01-28 17:07:11', '0.01', 'TRUE', 'a & b <c>'], types: [1, 2, 3, 1] });
    expect(bill.get(4)!.values[1]).toBe('4.2000009252021E+27');
    expect(bill.get(5)!.types.slice(0, 3)).toEqual([CellType.Date, CellType.Date, CellType.Error]);
    expect(bill.get(5)!.values.slice(0, 3)).toEqual(['44224.71332175926', '45623', '#N/A']);
  });
});

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

/** A workbook from hand-written parts, for what no writer at hand produces. */
async function writeParts(path: string, parts: Record<string, string | Buffer>, declared: Record<string, number> = {}): Promise<void> {
  const zip = await ZipWriter.create(path);
  for (const [name, content] of Object.entries(parts)) {
    await zip.addEntry(name, content, declared[name] === undefined ? {} : { declareUncompressedSizeBytes: declared[name] });
  }
  await zip.finish();
}

function handMadeParts(): Record<string, string | Buffer> {
  return {
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${CT}.worksheet+xml"/><Override PartName="/xl/SharedStrings.xml" ContentType="${CT}.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/></Types>`,
    '_rels/.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="/xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="Hand" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="SharedStrings.xml"/><Relationship Id="rId3" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    'xl/SharedStrings.xml': `\ufeff<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN}" count="4" uniqueCount="4"><si><t>plain</t></si><si><r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space="preserve"> rest</t></r></si><si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si><si><t>a_x000D_b &amp; c</t></si></sst>`,
    'xl/styles.xml': `<?xml version="1.0"?><styleSheet xmlns="${MAIN}"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="176"/><xf numFmtId="4"/></cellXfs></styleSheet>`,
    'xl/worksheets/sheet1.xml': `<?xml version="1.0"?><worksheet xmlns="${MAIN}"><sheetData>
      <row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>2</v></c><c r="D2" t="s"><v>3</v></c></row>
      <row r="4"><c r="B4" s="1"><v>44224</v></c><c r="C4" s="2"><v>44224.5</v></c><c r="D4" s="3"><v>1234.5</v></c><c r="E4" t="str"><f>D4&amp;""</f><v>1234.5</v></c></row>
      <row r="5"><c r="A5" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c r="C5" t="e"><v>#VALUE!</v></c><c r="D5" s="3"/></row>
    </sheetData></worksheet>`,
  };
}

describe('openWorkbook on hand-written parts', () => {
  it('reads rich text, phonetic runs, escapes, odd part names and a BOM like SheetJS', async () => {
    const path = join(dir, 'hand.xlsx');
    await writeParts(path, handMadeParts());
    await expectSameAsSheetJS(path);
    const book = await readBook(path, { chunkSizeBytes: 64 });
    expect(book.sheets.get('Hand')!.get(2)!.values).toEqual(['plain', 'Bold rest', '東京', 'a\rb & c']);
  });

  it('reads a namespace-prefixed workbook (as some .NET libraries write it)', async () => {
    const parts = handMadeParts();
    for (const name of ['xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/SharedStrings.xml', 'xl/styles.xml']) {
      parts[name] = String(parts[name])
        .replace(/<(\/?)(?!\?)([a-zA-Z]+)/g, '<$1x:$2')
        .replace(`xmlns="${MAIN}"`, `xmlns:x="${MAIN}"`);
    }
    const path = join(dir, 'prefixed.xlsx');
    await writeParts(path, parts);
    const plain = join(dir, 'hand.xlsx');
    await writeParts(plain, handMadeParts());
    expect(await readBook(path)).toEqual(await readBook(plain));
  });

  it('reads a UTF-16 part', async () => {
    const parts = handMadeParts();
    parts['xl/worksheets/sheet1.xml'] = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`<?xml version="1.0" encoding="UTF-16"?><worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>十六位</t></is></c></row></sheetData></worksheet>`, 'utf16le'),
    ]);
    const path = join(dir, 'utf16.xlsx');
    await writeParts(path, parts);
    expect((await readBook(path, { chunkSizeBytes: 64 })).sheets.get('Hand')!.get(1)!.values).toEqual(['十六位']);
  });
});

describe('openWorkbook on bad files', () => {
  it('refuses random bytes, a cut-off file and a zip that is not a workbook', async () => {
    const random = join(dir, 'random.xlsx');
    writeFileSync(random, randomBytes(10_000));
    expect((await failure(() => openWorkbook(random))).code).toBe('xlsx-corrupt');

    const good = join(dir, 'good.xlsx');
    await writeXlsx(good, [{ name: 'S', rows: variedRows() }]);
    const bytes = readFileSync(good);
    const cut = join(dir, 'cut.xlsx');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    expect((await failure(() => openWorkbook(cut))).code).toBe('xlsx-corrupt');

    const notBook = join(dir, 'not-book.zip');
    const zip = await ZipWriter.create(notBook);
    await zip.addEntry('bill.csv', 'a,b\n');
    await zip.finish();
    expect(await failure(() => openWorkbook(notBook))).toMatchObject({ code: 'zip-not-workbook', params: { part: 'xl/workbook.xml' } });
  });

  it('refuses missing and damaged parts', async () => {
    const noRels = handMadeParts();
    delete noRels['xl/_rels/workbook.xml.rels'];
    await writeParts(join(dir, 'no-rels.xlsx'), noRels);
    expect(await failure(() => openWorkbook(join(dir, 'no-rels.xlsx')))).toMatchObject({ code: 'xlsx-corrupt', params: { part: 'xl/_rels/workbook.xml.rels' } });

    const noSheet = handMadeParts();
    delete noSheet['xl/worksheets/sheet1.xml'];
    await writeParts(join(dir, 'no-sheet.xlsx'), noSheet);
    const book = await openWorkbook(join(dir, 'no-sheet.xlsx'));
    expect(await failure(() => book.readSheet('Hand', () => undefined))).toMatchObject({ code: 'xlsx-corrupt', params: { part: 'xl/worksheets/sheet1.xml', sheet: 'Hand' } });
    await book.close();

    const cutSheet = handMadeParts();
    cutSheet['xl/worksheets/sheet1.xml'] = String(cutSheet['xl/worksheets/sheet1.xml']).slice(0, 300);
    await writeParts(join(dir, 'cut-sheet.xlsx'), cutSheet);
    const cutBook = await openWorkbook(join(dir, 'cut-sheet.xlsx'));
    expect((await failure(() => cutBook.readSheet('Hand', () => undefined))).code).toBe('xlsx-corrupt');
    await cutBook.close();
  });

  it('stops a sheet that inflates far past the size it declares', async () => {
    const parts = handMadeParts();
    const rows = Array.from({ length: 20_000 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c></row>`).join('');
    parts['xl/worksheets/sheet1.xml'] = `<worksheet xmlns="${MAIN}"><sheetData>${rows}</sheetData></worksheet>`;
    const path = join(dir, 'bomb.xlsx');
    await writeParts(path, parts, { 'xl/worksheets/sheet1.xml': 2000 });
    const book = await openWorkbook(path);
    let rowsRead = 0;
    const error = await failure(() => book.readSheet('Hand', () => void rowsRead++));
    expect(error).toMatchObject({ code: 'xlsx-corrupt', params: { part: 'xl/worksheets/sheet1.xml' } });
    expect(rowsRead).toBeLessThan(20_000);
    await book.close();
  });

  it('tells a password-protected workbook from a legacy .xls', async () => {
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(cfb, 'EncryptionInfo', Buffer.alloc(200, 1));
    XLSX.CFB.utils.cfb_add(cfb, 'EncryptedPackage', randomBytes(20_000));
    const path = join(dir, 'protected.xlsx');
    writeFileSync(path, XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer);
    expect((await failure(() => openWorkbook(path))).code).toBe('xlsx-encrypted');

    const other = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(other, 'WordDocument', Buffer.alloc(5000, 3));
    const doc = join(dir, 'word.doc');
    writeFileSync(doc, XLSX.CFB.write(other, { type: 'buffer' }) as Buffer);
    expect((await failure(() => openWorkbook(doc))).code).toBe('xls-unreadable');

    const header = Buffer.alloc(512);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header);
    const broken = join(dir, 'broken-cfb.xlsx');
    writeFileSync(broken, header);
    expect((await failure(() => openWorkbook(broken))).code).toBe('xlsx-corrupt');
  });
});
