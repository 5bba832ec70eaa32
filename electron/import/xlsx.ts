/**
 * Reads .xlsx workbooks row by row without holding a sheet in memory: the zip entries are
 * inflated as streams and their bytes fed, piece by piece, to the incremental scanners in
 * shared/xlsx. (SheetJS turns a sheet into one JS string and silently drops sheets past about
 * 540,000 rows; exceljs's streaming reader takes a minute for 1,000,000 rows.)
 */
import { open, type FileHandle } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { ImportError } from '../../shared/errors.ts';
import type { SheetRow } from '../../shared/table/cells.ts';
import { SharedStringsScanner, type XmlDecoder } from '../../shared/xlsx/shared-strings.ts';
import { SheetXmlScanner } from '../../shared/xlsx/sheet-xml.ts';
import { parseDateStyles } from '../../shared/xlsx/styles.ts';
import {
  DEFAULT_WORKBOOK_PART,
  officeDocumentPart,
  parseWorkbook,
  relsPartFor,
  type WorkbookInfo,
} from '../../shared/xlsx/workbook.ts';
import { ZipArchive, type ZipEntry } from './zip.ts';

export interface Workbook {
  /** In tab order. */
  sheets: { name: string }[];
  /** Dates are counted from 1904-01-01 (see shared/xlsx/serial-date.ts). */
  date1904: boolean;
  /**
   * Calls onRow for each row of the sheet, in file order; rows the file leaves out (empty ones)
   * are not reported. Returning false from onRow stops reading. Each row is a fresh object.
   */
  readSheet(name: string, onRow: (row: SheetRow) => void | boolean, options?: ReadSheetOptions): Promise<void>;
  close(): Promise<void>;
}

export interface ReadSheetOptions {
  /** Reuse one row object and its arrays (valid only during onRow); see SheetScannerOptions. */
  reuseRows?: boolean;
}

export interface OpenWorkbookOptions {
  /** Size of the decompressed pieces fed to the scanners. Tests make it tiny to cut characters in half. */
  chunkSizeBytes?: number;
}

/** Workbook, relationship, content-type and style parts are small; anything bigger is not a real one. */
const SMALL_PART_LIMIT_BYTES = 64 * 1024 * 1024;
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/**
 * Opens an .xlsx (or .xlsm) workbook. An OLE compound file is either a password-protected
 * workbook (`xlsx-encrypted`) or a legacy .xls, which is handed to readXlsWorkbook; so are
 * .xlsb and .ods, which SheetJS reads for us when they are small.
 */
export async function openWorkbook(path: string, options: OpenWorkbookOptions = {}): Promise<Workbook> {
  const magic = await readMagic(path);
  if (magic.equals(CFB_MAGIC)) {
    if (await isEncryptedPackage(path)) throw new ImportError('xlsx-encrypted', {}, 'the workbook is password-protected');
    return readLegacyWorkbook(path);
  }
  const zip = await ZipArchive.open(path);
  try {
    return await XlsxWorkbook.open(zip, options);
  } catch (error) {
    await zip.close();
    throw error;
  }
}

/** SheetJS is big; it is only loaded for the formats that need it. */
async function readLegacyWorkbook(path: string): Promise<Workbook> {
  const { readXlsWorkbook } = await import('./xls.ts');
  return readXlsWorkbook(path);
}

class XlsxWorkbook implements Workbook {
  readonly sheets: { name: string }[];
  readonly date1904: boolean;
  private readonly zip: ZipArchive;
  private readonly info: WorkbookInfo;
  private readonly chunkSizeBytes: number | undefined;
  private sharedParts: Promise<{ sharedStrings: string[]; dateStyles: Uint8Array }> | undefined;

  private constructor(zip: ZipArchive, info: WorkbookInfo, chunkSizeBytes: number | undefined) {
    this.zip = zip;
    this.info = info;
    this.chunkSizeBytes = chunkSizeBytes;
    this.sheets = info.sheets.map((s) => ({ name: s.name }));
    this.date1904 = info.date1904;
  }

  static async open(zip: ZipArchive, options: OpenWorkbookOptions): Promise<Workbook> {
    let workbookPart = DEFAULT_WORKBOOK_PART;
    const rootRels = zip.get('_rels/.rels');
    if (rootRels !== undefined) workbookPart = officeDocumentPart(await readText(zip, rootRels)) ?? workbookPart;
    let workbookEntry = zip.get(workbookPart);
    if (workbookEntry === undefined && workbookPart !== DEFAULT_WORKBOOK_PART) {
      workbookPart = DEFAULT_WORKBOOK_PART;
      workbookEntry = zip.get(workbookPart);
    }
    const binary = workbookPart.toLowerCase().endsWith('.bin');
    if (workbookEntry === undefined || binary) {
      if (binary || zip.get('xl/workbook.bin') !== undefined || (zip.get('content.xml') !== undefined && zip.get('mimetype') !== undefined)) {
        // .xlsb or .ods: not ours to parse, but SheetJS can when the file is small.
        await zip.close();
        return readLegacyWorkbook(zip.path);
      }
      throw new ImportError('zip-not-workbook', { part: DEFAULT_WORKBOOK_PART }, 'the zip file has no xl/workbook.xml');
    }
    const relsPart = relsPartFor(workbookPart);
    const relsEntry = zip.get(relsPart);
    if (relsEntry === undefined) throw new ImportError('xlsx-corrupt', { part: relsPart }, `${relsPart} is missing`);
    const contentTypes = zip.get('[Content_Types].xml');
    const info = parseWorkbook(
      await readText(zip, workbookEntry),
      await readText(zip, relsEntry),
      workbookPart,
      contentTypes === undefined ? undefined : await readText(zip, contentTypes),
    );
    return new XlsxWorkbook(zip, info, options.chunkSizeBytes);
  }

  async readSheet(name: string, onRow: (row: SheetRow) => void | boolean, options: ReadSheetOptions = {}): Promise<void> {
    const sheet = this.info.sheets.find((s) => s.name === name) ?? this.info.sheets.find((s) => sameSheetName(s.name, name));
    if (sheet === undefined) throw new ImportError('xlsx-sheet-not-found', { sheet: name }, `no sheet named ${JSON.stringify(name)}`);
    const entry = this.zip.get(sheet.part);
    if (entry === undefined) throw new ImportError('xlsx-corrupt', { part: sheet.part, sheet: sheet.name }, `${sheet.part} is missing`);
    const { sharedStrings, dateStyles } = await this.loadSharedParts();
    const scanner = new SheetXmlScanner({
      sharedStrings,
      dateStyles,
      date1904: this.date1904,
      decoder: makeXmlDecoder(),
      onRow,
      reuseRows: options.reuseRows ?? false,
      partName: sheet.part,
    });
    try {
      for await (const bytes of utf8Entry(this.zip, entry, this.chunkSizeBytes)) {
        if (!scanner.push(bytes)) return;
      }
      scanner.finish();
    } catch (error) {
      // Name the sheet as the user knows it, not only the part.
      if (error instanceof ImportError && error.params['sheet'] === undefined) {
        throw new ImportError(error.code, { ...error.params, sheet: sheet.name }, error.message);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.zip.close();
  }

  /** Shared strings and styles, read once, on the first readSheet. */
  private loadSharedParts(): Promise<{ sharedStrings: string[]; dateStyles: Uint8Array }> {
    this.sharedParts ??= (async () => {
      let sharedStrings: string[] = [];
      const sstPart = this.info.sharedStringsPart ?? 'xl/sharedStrings.xml';
      const sstEntry = this.zip.get(sstPart);
      if (sstEntry !== undefined) {
        const scanner = new SharedStringsScanner(makeXmlDecoder(), sstPart);
        for await (const bytes of utf8Entry(this.zip, sstEntry, this.chunkSizeBytes)) scanner.push(bytes);
        sharedStrings = scanner.finish();
      }
      const stylesEntry = this.zip.get(this.info.stylesPart ?? 'xl/styles.xml');
      const dateStyles = stylesEntry === undefined ? new Uint8Array(0) : parseDateStyles(await readText(this.zip, stylesEntry));
      return { sharedStrings, dateStyles };
    })();
    // A failure is reported to this caller, and the next readSheet tries again.
    this.sharedParts.catch(() => (this.sharedParts = undefined));
    return this.sharedParts;
  }
}

/**
 * Decodes values straight out of the scanners' work buffers. The scanners hand the same buffer
 * for a whole chunk, so its Buffer view is made once per chunk, not once per value (making it
 * was a fifth of the time spent on shared strings).
 */
function makeXmlDecoder(): XmlDecoder {
  let lastBytes: Uint8Array | undefined;
  let lastBuffer: Buffer = Buffer.alloc(0);
  const view = (bytes: Uint8Array): Buffer => {
    if (bytes !== lastBytes) {
      lastBuffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      lastBytes = bytes;
    }
    return lastBuffer;
  };
  // Buffer#toString(encoding, start, end) checks its arguments and looks the encoding up on
  // every call, a quarter of the decoding time for millions of short strings; the slice methods
  // it ends in are there on every Buffer since Node 0.x, though undocumented.
  const fast = Buffer.prototype as unknown as Partial<SliceMethods>;
  if (typeof fast.utf8Slice === 'function' && typeof fast.latin1Slice === 'function') {
    return {
      utf8: (bytes, start, end) => (view(bytes) as unknown as SliceMethods).utf8Slice(start, end),
      latin1: (bytes, start, end) => (view(bytes) as unknown as SliceMethods).latin1Slice(start, end),
    };
  }
  return {
    utf8: (bytes, start, end) => view(bytes).toString('utf8', start, end),
    latin1: (bytes, start, end) => view(bytes).toString('latin1', start, end),
  };
}

interface SliceMethods {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/** Excel compares sheet names case-insensitively (it refuses "Sheet1" next to "SHEET1"). */
function sameSheetName(a: string, b: string): boolean {
  return a.toLocaleLowerCase() === b.toLocaleLowerCase();
}

async function readText(zip: ZipArchive, entry: ZipEntry): Promise<string> {
  let text = '';
  for await (const piece of decodeEntry(zip, entry, undefined, SMALL_PART_LIMIT_BYTES)) text += piece;
  return text;
}

/**
 * The entry as text, piece by piece. Parts are UTF-8 (a BOM is dropped); the XML standard also
 * allows UTF-16 with a BOM, which a few generators use. The streaming decoder keeps a character
 * cut between two pieces until the rest arrives.
 */
async function* decodeEntry(
  zip: ZipArchive,
  entry: ZipEntry,
  chunkSizeBytes: number | undefined,
  maxSizeBytes?: number,
): AsyncGenerator<string, void, undefined> {
  if (maxSizeBytes !== undefined && entry.uncompressedSizeBytes > maxSizeBytes) {
    throw new ImportError('xlsx-corrupt', { part: entry.name }, `${entry.name} is implausibly large`);
  }
  let decoder: TextDecoder | undefined;
  for await (const bytes of zip.read(entry, chunkSizeBytes === undefined ? {} : { chunkSizeBytes })) {
    if (decoder === undefined) {
      // Pieces are at least 64 bytes unless the part is shorter, so a BOM is never cut.
      const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
      decoder = new TextDecoder(utf16 ? (bytes[0] === 0xff ? 'utf-16le' : 'utf-16be') : 'utf-8');
    }
    const text = decoder.decode(bytes, { stream: true });
    if (text.length > 0) yield text;
  }
  const rest = decoder?.decode() ?? '';
  if (rest.length > 0) yield rest;
}

/**
 * The entry's bytes as UTF-8, piece by piece: as stored, or re-encoded from UTF-16 when the part
 * starts with a UTF-16 byte order mark (which XML allows and a few generators use).
 */
async function* utf8Entry(zip: ZipArchive, entry: ZipEntry, chunkSizeBytes: number | undefined): AsyncGenerator<Uint8Array, void, undefined> {
  let utf16: TextDecoder | undefined;
  let first = true;
  for await (const bytes of zip.read(entry, chunkSizeBytes === undefined ? {} : { chunkSizeBytes })) {
    if (first) {
      first = false;
      // Pieces are at least 64 bytes unless the part is shorter, so a BOM is never cut.
      if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
        utf16 = new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be');
      }
    }
    yield utf16 === undefined ? bytes : Buffer.from(utf16.decode(bytes, { stream: true }), 'utf8');
  }
  if (utf16 !== undefined) yield Buffer.from(utf16.decode(), 'utf8');
}

async function readMagic(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const magic = Buffer.alloc(8);
    await file.read(magic, 0, 8, 0);
    return magic;
  } finally {
    await file.close();
  }
}

/**
 * Whether an OLE compound file (CFB) is an encrypted OOXML package: Office saves a
 * password-protected .xlsx as a CFB holding `EncryptionInfo` and `EncryptedPackage` streams
 * instead of a zip. Only the directory is read: header, the FAT sectors on its chain, and the
 * directory sectors.
 */
async function isEncryptedPackage(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const names = await cfbEntryNames(file);
    return names.includes('EncryptedPackage') || names.includes('EncryptionInfo');
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError('xlsx-corrupt', {}, `damaged compound file: ${String(error)}`);
  } finally {
    await file.close();
  }
}

const CFB_END_OF_CHAIN = 0xfffffffe;
/** Bounds the walk of a damaged (cyclic) sector chain. */
const CFB_MAX_DIRECTORY_SECTORS = 100_000;

export async function cfbEntryNames(file: FileHandle): Promise<string[]> {
  const fileSizeBytes = (await file.stat()).size;
  const header = Buffer.alloc(512);
  await file.read(header, 0, 512, 0);
  const sectorShift = header.readUInt16LE(30);
  if (sectorShift !== 9 && sectorShift !== 12) throw new ImportError('xlsx-corrupt', {}, 'bad compound file sector size');
  const sectorSize = 1 << sectorShift;
  const idsPerSector = sectorSize / 4;
  const fatSectorCount = header.readUInt32LE(44);
  const firstDirectorySector = header.readUInt32LE(48);
  let difatSector = header.readUInt32LE(68);

  // The FAT's own sectors: 109 listed in the header, the rest in a chain of DIFAT sectors.
  const fatSectors: number[] = [];
  for (let i = 0; i < 109 && fatSectors.length < fatSectorCount; i++) fatSectors.push(header.readUInt32LE(76 + i * 4));
  for (let guard = 0; fatSectors.length < fatSectorCount && difatSector < CFB_END_OF_CHAIN && guard < 10_000; guard++) {
    const difat = await readSector(file, difatSector, sectorSize, fileSizeBytes);
    for (let i = 0; i < idsPerSector - 1 && fatSectors.length < fatSectorCount; i++) fatSectors.push(difat.readUInt32LE(i * 4));
    difatSector = difat.readUInt32LE(sectorSize - 4);
  }
  const fatCache = new Map<number, Buffer>();
  const nextSector = async (sector: number): Promise<number> => {
    const fatIndex = Math.floor(sector / idsPerSector);
    const fatSector = fatSectors[fatIndex];
    if (fatSector === undefined) return CFB_END_OF_CHAIN;
    let fat = fatCache.get(fatIndex);
    if (fat === undefined) {
      fat = await readSector(file, fatSector, sectorSize, fileSizeBytes);
      fatCache.set(fatIndex, fat);
    }
    return fat.readUInt32LE((sector % idsPerSector) * 4);
  };

  const names: string[] = [];
  let sector = firstDirectorySector;
  for (let guard = 0; sector < CFB_END_OF_CHAIN && guard < CFB_MAX_DIRECTORY_SECTORS; guard++) {
    const directory = await readSector(file, sector, sectorSize, fileSizeBytes);
    for (let at = 0; at + 128 <= sectorSize; at += 128) {
      const nameBytes = directory.readUInt16LE(at + 64);
      if (nameBytes >= 2 && nameBytes <= 64) names.push(directory.toString('utf16le', at, at + nameBytes - 2));
    }
    sector = await nextSector(sector);
  }
  return names;
}

async function readSector(file: FileHandle, sector: number, sectorSize: number, fileSizeBytes: number): Promise<Buffer> {
  const position = (sector + 1) * sectorSize;
  if (position + sectorSize > fileSizeBytes) throw new ImportError('xlsx-corrupt', {}, 'compound file sector out of range');
  const buffer = Buffer.alloc(sectorSize);
  await file.read(buffer, 0, sectorSize, position);
  return buffer;
}
