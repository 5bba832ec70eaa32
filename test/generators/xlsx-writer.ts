/**
 * Writes .xlsx files for tests and benchmarks, streaming: sheet XML goes through deflate into
 * the zip as rows arrive, so a 1,000,000-row sheet never exists as one string. Only the shared
 * string table is held in memory (Excel writes it after the sheets too).
 *
 * The part set is the minimum Excel opens without complaint: [Content_Types].xml, _rels/.rels,
 * xl/workbook.xml and its rels, xl/styles.xml, xl/sharedStrings.xml, xl/worksheets/sheetN.xml.
 */
import { ZipWriter } from '../../electron/report/zip-writer.ts';
import { escapeXmlAttribute, escapeXmlText } from '../../shared/xlsx/xml-text.ts';

export type XlsxCell =
  | string
  | number
  | boolean
  | null
  /** A date or time: the serial with the `yyyy-mm-dd hh:mm:ss` style. */
  | { kind: 'date'; serial: number }
  /** A numeric cell whose `<v>` is exactly this text (`4.2000009252021E+27`), as Excel leaves a 28-digit id. */
  | { kind: 'number-text'; text: string };

export interface XlsxSheetSpec {
  name: string;
  /** Row i is spreadsheet row i + 1; a row with no non-null cell is left out of the file, as Excel does. */
  rows: Iterable<XlsxCell[]> | AsyncIterable<XlsxCell[]>;
}

export interface XlsxWriteOptions {
  /** Text as shared strings (as Excel writes it); false writes inline strings. Default true. */
  sharedStrings?: boolean;
  /** Declares the 1904 date system in the workbook. */
  date1904?: boolean;
  /** Stores entries uncompressed (zip method 0) instead of deflating them. */
  store?: boolean;
  /** Writes ZIP64 records even though nothing needs them, to test readers. */
  zip64?: boolean;
  /** zlib level, default 6 (what Excel's output is closest to). */
  compressionLevel?: number;
}

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const REL_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument.spreadsheetml';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** Bytes of XML gathered before handing them to deflate. */
const BATCH_CHARS = 64 * 1024;

export async function writeXlsx(path: string, sheets: XlsxSheetSpec[], options: XlsxWriteOptions = {}): Promise<void> {
  const useSharedStrings = options.sharedStrings ?? true;
  const zip = await ZipWriter.create(path, {
    zip64: options.zip64 ?? false,
    method: options.store ? 0 : 8,
    level: options.compressionLevel ?? 6,
  });
  try {
    const sst = new SharedStringTable();
    const sheetParts: string[] = [];
    for (const [i, sheet] of sheets.entries()) {
      const part = `xl/worksheets/sheet${i + 1}.xml`;
      sheetParts.push(part);
      await zip.addEntry(part, sheetXml(sheet.rows, useSharedStrings ? sst : undefined));
    }
    if (useSharedStrings) await zip.addEntry('xl/sharedStrings.xml', sst.xml());
    await zip.addEntry('xl/styles.xml', STYLES_XML);
    await zip.addEntry('xl/workbook.xml', workbookXml(sheets, options.date1904 ?? false));
    await zip.addEntry('xl/_rels/workbook.xml.rels', workbookRelsXml(sheetParts.length, useSharedStrings));
    await zip.addEntry('_rels/.rels', ROOT_RELS_XML);
    await zip.addEntry('[Content_Types].xml', contentTypesXml(sheetParts, useSharedStrings));
    await zip.finish();
  } finally {
    await zip.close();
  }
}

class SharedStringTable {
  private readonly index = new Map<string, number>();
  private readonly strings: string[] = [];
  private references = 0;

  indexOf(text: string): number {
    this.references++;
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(text);
      this.index.set(text, i);
    }
    return i;
  }

  async *xml(): AsyncGenerator<string> {
    let batch = `${XML_DECLARATION}<sst xmlns="${NS_MAIN}" count="${this.references}" uniqueCount="${this.strings.length}">`;
    for (const text of this.strings) {
      batch += `<si>${textElement(text)}</si>`;
      if (batch.length >= BATCH_CHARS) {
        yield batch;
        batch = '';
      }
    }
    yield `${batch}</sst>`;
  }
}

function textElement(text: string): string {
  const escaped = escapeXmlText(text);
  const c0 = text.charCodeAt(0);
  const cn = text.charCodeAt(text.length - 1);
  const preserve = c0 === 32 || c0 === 9 || c0 === 10 || cn === 32 || cn === 9 || cn === 10;
  return preserve ? `<t xml:space="preserve">${escaped}</t>` : `<t>${escaped}</t>`;
}

async function* sheetXml(
  rows: Iterable<XlsxCell[]> | AsyncIterable<XlsxCell[]>,
  sst: SharedStringTable | undefined,
): AsyncGenerator<string> {
  const letters: string[] = [];
  let batch = `${XML_DECLARATION}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><sheetData>`;
  let rowNumber = 0;
  for await (const cells of rows) {
    rowNumber++;
    let row = '';
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c];
      if (cell === null || cell === undefined) continue;
      const ref = (letters[c] ??= columnLetters(c)) + rowNumber;
      if (typeof cell === 'string') {
        row +=
          sst === undefined
            ? `<c r="${ref}" t="inlineStr"><is>${textElement(cell)}</is></c>`
            : `<c r="${ref}" t="s"><v>${sst.indexOf(cell)}</v></c>`;
      } else if (typeof cell === 'number') {
        if (!Number.isFinite(cell)) throw new Error(`cell ${ref}: ${cell} cannot be stored`);
        row += `<c r="${ref}"><v>${cell}</v></c>`;
      } else if (typeof cell === 'boolean') {
        row += `<c r="${ref}" t="b"><v>${cell ? 1 : 0}</v></c>`;
      } else if (cell.kind === 'date') {
        row += `<c r="${ref}" s="1"><v>${cell.serial}</v></c>`;
      } else {
        row += `<c r="${ref}"><v>${escapeXmlText(cell.text)}</v></c>`;
      }
    }
    if (row.length === 0) continue;
    batch += `<row r="${rowNumber}">${row}</row>`;
    if (batch.length >= BATCH_CHARS) {
      yield batch;
      batch = '';
    }
  }
  yield `${batch}</sheetData></worksheet>`;
}

export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function workbookXml(sheets: XlsxSheetSpec[], date1904: boolean): string {
  const sheetTags = sheets
    .map((s, i) => `<sheet name="${escapeXmlAttribute(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join('');
  return (
    `${XML_DECLARATION}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    `<workbookPr${date1904 ? ' date1904="1"' : ''}/>` +
    `<bookViews><workbookView/></bookViews><sheets>${sheetTags}</sheets></workbook>`
  );
}

function workbookRelsXml(sheetCount: number, sharedStrings: boolean): string {
  let rels = '';
  for (let i = 1; i <= sheetCount; i++) {
    rels += `<Relationship Id="rId${i}" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet${i}.xml"/>`;
  }
  rels += `<Relationship Id="rId${sheetCount + 1}" Type="${REL_TYPE}/styles" Target="styles.xml"/>`;
  if (sharedStrings) {
    rels += `<Relationship Id="rId${sheetCount + 2}" Type="${REL_TYPE}/sharedStrings" Target="sharedStrings.xml"/>`;
  }
  return `${XML_DECLARATION}<Relationships xmlns="${NS_PKG_REL}">${rels}</Relationships>`;
}

const ROOT_RELS_XML =
  `${XML_DECLARATION}<Relationships xmlns="${NS_PKG_REL}">` +
  `<Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

function contentTypesXml(sheetParts: string[], sharedStrings: boolean): string {
  const overrides = [
    `<Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/>`,
    ...sheetParts.map((p) => `<Override PartName="/${p}" ContentType="${CT}.worksheet+xml"/>`),
    `<Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/>`,
    ...(sharedStrings ? [`<Override PartName="/xl/sharedStrings.xml" ContentType="${CT}.sharedStrings+xml"/>`] : []),
  ];
  return (
    `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `${overrides.join('')}</Types>`
  );
}

/** Style 0 is the default; style 1 shows dates and times, which is all the writer needs. */
const STYLES_XML =
  `${XML_DECLARATION}<styleSheet xmlns="${NS_MAIN}">` +
  '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>' +
  '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

export { ZipWriter };
