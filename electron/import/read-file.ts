/**
 * The file edge of the importers: sniffs what a file is (CSV in UTF-8 or GBK, gzip, XLSX, XLS,
 * or something that is not a bill at all), streams it into the pure parsers in shared/, and
 * turns every failure into a result with a stable code instead of a crash.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { isUtf8 } from 'node:buffer';
import { ImportError } from '../../shared/errors.ts';
import { CsvReader, type CsvEncoding } from '../../shared/table/csv.ts';
import { SheetRowCursor } from '../../shared/table/sheet-cursor.ts';
import { TableImporter, unknownTable } from '../../shared/import/importer.ts';
import type { ParseContext, ParsedTable } from '../../shared/import/types.ts';
import type { ImportWarning } from '../../shared/import/warnings.ts';
import type { LedgerMapping } from '../../shared/ledger/mapping.ts';
import { nodeByteDecoder } from './byte-decoder.ts';

export type FileFormat = 'csv' | 'tsv' | 'csv.gz' | 'xlsx' | 'xls' | 'unknown';
export type FileEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'utf-16le' | 'utf-16be';

export interface FileImport extends ParsedTable {
  file: string;
  format: FileFormat;
  encoding: FileEncoding | null;
  sheet?: string;
  sizeBytes: number;
  warnings: ImportWarning[];
  /** Why the file could not be read, when `kind` is `unknown`. */
  error?: { code: string; params: Record<string, string | number> };
}

export interface ImportFileOptions {
  /** Keep row records for reconciliation; inspect only counts and totals. */
  keepRows?: boolean;
  /** With keepRows: `lean` for reconciliation (see ParseContext.rowDetail). */
  rowDetail?: 'full' | 'lean' | 'columns';
  mapping?: LedgerMapping;
  /**
   * The text encoding the user chose for this file (a CSV or TSV, gzipped or not), over what the
   * first bytes suggest and over a ledger mapping's `encoding`. A BOM still wins: it is certain.
   */
  encoding?: CsvEncoding;
  /** Rows kept after a recognised header, for a preview (see ImporterOptions.sampleRows). */
  sampleRows?: number;
  /** How the file is named in results (defaults to the path as given). */
  displayName?: string;
  /** Streaming chunk size; big chunks keep the per-chunk overhead small on 265 MB bills. */
  chunkBytes?: number;
  /** A trade bill's columns in parts as they are read (see ParseContext.billBatches). */
  billBatches?: ParseContext['billBatches'];
}

const SNIFF_BYTES = 64 * 1024;
/** UTF-16 files are transcoded in memory; they come from Excel's "Unicode text" and are small. */
const MAX_UTF16_BYTES = 512 * 1024 * 1024;

interface Sniffed {
  format: FileFormat | 'utf16' | 'gzip' | 'xls-or-encrypted';
  errorCode?: string;
  errorParams?: Record<string, string | number>;
}

function startsWith(head: Uint8Array, bytes: readonly number[]): boolean {
  return bytes.every((b, i) => head[i] === b);
}

/** What the first bytes say the file is. */
export function sniff(head: Uint8Array): Sniffed {
  if (startsWith(head, [0x1f, 0x8b])) return { format: 'gzip' };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return { format: 'xlsx' };
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { format: 'xls-or-encrypted' };
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return { format: 'utf16' };
  const images: [number[], string][] = [
    [[0x89, 0x50, 0x4e, 0x47], 'PNG'],
    [[0xff, 0xd8, 0xff], 'JPEG'],
    [[0x47, 0x49, 0x46, 0x38], 'GIF'],
    [[0x42, 0x4d], 'BMP'],
    [[0x52, 0x49, 0x46, 0x46], 'WEBP'],
  ];
  for (const [magic, name] of images) {
    if (startsWith(head, magic)) return { format: 'unknown', errorCode: 'image-file', errorParams: { format: name } };
  }
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46])) return { format: 'unknown', errorCode: 'pdf-file' };
  const archives: [number[], string][] = [
    [[0x52, 0x61, 0x72, 0x21], 'RAR'],
    [[0x37, 0x7a, 0xbc, 0xaf], '7z'],
    [[0x42, 0x5a, 0x68], 'bzip2'],
    [[0xfd, 0x37, 0x7a, 0x58, 0x5a], 'xz'],
  ];
  for (const [magic, name] of archives) {
    if (startsWith(head, magic)) return { format: 'unknown', errorCode: 'archive-file', errorParams: { format: name } };
  }
  // Text has no NUL bytes (UTF-16 was handled above); control bytes other than tab/CR/LF are rare.
  let control = 0;
  const n = Math.min(head.length, SNIFF_BYTES);
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) return { format: 'unknown', errorCode: 'binary-file' };
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 0x1a) control++;
  }
  if (control > n / 100 + 2) return { format: 'unknown', errorCode: 'binary-file' };
  return { format: 'csv' };
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The encoding of a text file from its first bytes; GBK when they are not UTF-8. */
export function detectEncoding(head: Uint8Array): { encoding: FileEncoding; bomBytes: number } {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8-bom', bomBytes: 3 };
  // Cut at the last line break so that a character split by the sniff window is not judged.
  let end = head.lastIndexOf(10);
  if (end < 0) end = Math.max(0, head.length - 4);
  return { encoding: isUtf8(head.subarray(0, end)) ? 'utf-8' : 'gb18030', bomBytes: 0 };
}

function detectDelimiter(head: Uint8Array): number {
  let end = head.indexOf(10);
  if (end < 0) end = head.length;
  let commas = 0;
  let tabs = 0;
  for (let i = 0; i < end; i++) {
    if (head[i] === 44) commas++;
    else if (head[i] === 9) tabs++;
  }
  return tabs > commas ? 9 : 44;
}

function fail(base: Omit<FileImport, keyof ParsedTable | 'warnings'>, code: string, params: Record<string, string | number> = {}, warnings: ImportWarning[] = []): FileImport {
  return {
    ...base,
    ...unknownTable(),
    warnings: [...warnings, { code, params }],
    error: { code, params },
  };
}

function toFileImport(base: Omit<FileImport, keyof ParsedTable | 'warnings'>, table: ParsedTable, warnings: ImportWarning[]): FileImport {
  // Key order follows the contract's example: scripts and people read it top-down.
  const out: FileImport = {
    file: base.file,
    kind: table.kind,
    ...(table.billType !== undefined ? { billType: table.billType } : {}),
    ...(table.layout !== undefined ? { layout: table.layout } : {}),
    format: base.format,
    encoding: base.encoding,
    ...(base.sheet !== undefined ? { sheet: base.sheet } : {}),
    rows: table.rows,
    rejectedRows: table.rejectedRows,
    dateRange: table.dateRange,
    days: table.days,
    ...(table.declared !== undefined ? { declared: table.declared } : {}),
    ...(table.computed !== undefined ? { computed: table.computed } : {}),
    integrity: table.integrity,
    warnings,
    ...(table.headerRow !== undefined ? { headerRow: table.headerRow } : {}),
    ...(table.merchants !== undefined ? { merchants: table.merchants } : {}),
    sizeBytes: base.sizeBytes,
  };
  for (const key of ['tradeRows', 'ledgerRows', 'tradeColumns', 'ledgerColumns', 'fundFlowRows', 'personalRows', 'firstRows'] as const) {
    if (table[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = table[key];
  }
  const failure = warnings.find((w) => w.code === 'no-header' || w.code === 'no-rows');
  if (table.kind === 'unknown' && failure !== undefined) out.error = { code: failure.code, params: failure.params ?? {} };
  return out;
}

async function* fileChunks(path: string, chunkBytes: number, gzip: boolean, skipBytes: number): AsyncGenerator<Uint8Array> {
  // A read stream reads ahead while the previous chunk is parsed; a read loop would not.
  const raw = createReadStream(path, { highWaterMark: chunkBytes, start: skipBytes });
  if (!gzip) {
    yield* raw as AsyncIterable<Buffer>;
    return;
  }
  const gunzip = createGunzip({ chunkSize: chunkBytes });
  raw.on('error', (e) => gunzip.destroy(e));
  raw.pipe(gunzip);
  try {
    yield* gunzip as AsyncIterable<Buffer>;
  } catch (e) {
    if (e instanceof Error && 'code' in e && String((e as NodeJS.ErrnoException).code).startsWith('Z_')) {
      throw new ImportError('gzip-corrupt', {}, e.message);
    }
    throw e;
  } finally {
    raw.destroy();
  }
}

/** Streams a CSV (already decompressed) through the importer. */
async function importCsvChunks(
  chunks: AsyncIterator<Uint8Array>,
  first: Uint8Array,
  encoding: CsvEncoding,
  delimiter: number,
  importer: TableImporter,
  fixedEncoding = false,
): Promise<void> {
  let lastInvalidLine = 0;
  const reader = new CsvReader((row) => importer.row(row), {
    decoder: nodeByteDecoder,
    encoding,
    delimiter,
    fixedEncoding,
    onEncodingSwitch: (line) => importer.warnings.addOnce('encoding-switched', 'switch', {}, line),
    // A field may be decoded more than once; a line is reported once.
    onInvalidBytes: (line) => {
      if (line === lastInvalidLine) return;
      lastInvalidLine = line;
      importer.warnings.add('encoding-invalid-bytes', line);
    },
  });
  reader.push(first);
  while (!reader.stopped) {
    const next = await chunks.next();
    if (next.done === true) break;
    reader.push(next.value);
  }
  if (!reader.stopped) reader.end();
  await chunks.return?.(undefined);
}

async function importText(path: string, gzip: boolean, base: Omit<FileImport, keyof ParsedTable | 'warnings'>, options: ImportFileOptions): Promise<FileImport> {
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const chunks = fileChunks(path, chunkBytes, gzip, 0);
  let first = await chunks.next();
  while (first.done !== true && first.value.length === 0) first = await chunks.next();
  if (first.done === true) return fail(base, gzip ? 'no-rows' : 'empty-file');
  let head = first.value;
  if (gzip) {
    const inner = sniff(head);
    if (inner.errorCode !== undefined) return fail(base, inner.errorCode, inner.errorParams);
    if (inner.format !== 'csv' && inner.format !== 'utf16') return fail(base, 'archive-file', { format: 'gzip' });
  }
  const importer = new TableImporter({ keepRows: options.keepRows ?? false, rowDetail: options.rowDetail ?? 'full', strictFieldCount: true, sizeHintBytes: base.sizeBytes * (gzip ? 5 : 1), ...(options.billBatches ? { billBatches: options.billBatches } : {}), ...(options.mapping ? { mapping: options.mapping } : {}), ...(options.sampleRows !== undefined ? { sampleRows: options.sampleRows } : {}) });

  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    // Excel's "Unicode text": UTF-16 with tabs. Transcode to UTF-8 and read it like any CSV.
    const le = head[0] === 0xff;
    const parts: Uint8Array[] = [head];
    let total = head.length;
    for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
      total += next.value.length;
      if (total > MAX_UTF16_BYTES) return fail(base, 'file-too-large', { maxBytes: MAX_UTF16_BYTES });
      parts.push(next.value);
    }
    const text = new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(Buffer.concat(parts));
    const utf8 = Buffer.from(text, 'utf8');
    base.encoding = le ? 'utf-16le' : 'utf-16be';
    base.format = detectDelimiter(utf8) === 9 ? 'tsv' : base.format;
    const none = (async function* () {})();
    await importCsvChunks(none, utf8, 'utf-8', detectDelimiter(utf8), importer);
    return toFileImport(base, importer.finish(), importer.warnings.list());
  }

  const detected = detectEncoding(head);
  let encoding: CsvEncoding = detected.encoding === 'gb18030' ? 'gb18030' : 'utf-8';
  // A BOM is certain; a choice made for this very file is held to (see CsvReaderOptions.fixedEncoding);
  // a mapping's, made once for a ledger source, still lets the reader switch if a day's file differs.
  const chosen = detected.bomBytes > 0 ? undefined : (options.encoding ?? options.mapping?.encoding);
  const fixed = detected.bomBytes === 0 && options.encoding !== undefined;
  if (chosen !== undefined) {
    encoding = chosen;
    base.encoding = chosen;
  } else {
    base.encoding = detected.encoding;
    if (detected.encoding === 'gb18030') importer.warnings.addOnce('encoding-guessed', 'encoding', {});
  }
  if (detected.bomBytes > 0) head = head.subarray(detected.bomBytes);
  const delimiter = detectDelimiter(head);
  if (delimiter === 9 && base.format === 'csv') base.format = 'tsv';
  await importCsvChunks(chunks, head, encoding, delimiter, importer, fixed);
  // The encoding may have switched mid-file from UTF-8 to GB18030.
  const table = importer.finish();
  return toFileImport(base, table, importer.warnings.list());
}

async function importWorkbook(path: string, legacy: boolean, base: Omit<FileImport, keyof ParsedTable | 'warnings'>, options: ImportFileOptions): Promise<FileImport> {
  // Loaded on demand: a CSV bill is read without paying for the spreadsheet code (SheetJS).
  const { serialToDateTime } = await import('../../shared/xlsx/serial-date.ts');
  const workbook = legacy ? await (await import('./xls.ts')).readXlsWorkbook(path) : await (await import('./xlsx.ts')).openWorkbook(path);
  try {
    base.encoding = null;
    const names = workbook.sheets.map((s) => s.name);
    const wanted = options.mapping?.sheet;
    if (wanted !== undefined && !names.includes(wanted)) return fail(base, 'xlsx-sheet-not-found', { sheet: wanted });
    const candidates = wanted !== undefined ? [wanted] : names;
    let firstFailure: FileImport | null = null;
    for (const name of candidates) {
      const importer = new TableImporter({ keepRows: options.keepRows ?? false, rowDetail: options.rowDetail ?? 'full', strictFieldCount: false, ...(options.billBatches ? { billBatches: options.billBatches } : {}), ...(options.mapping ? { mapping: options.mapping } : {}), ...(options.sampleRows !== undefined ? { sampleRows: options.sampleRows } : {}) });
      const cursor = new SheetRowCursor({ formatDate: (serial) => serialToDateTime(serial, workbook.date1904) });
      // The cursor copies what the parsers keep, so the reader may reuse its row arrays.
      await workbook.readSheet(name, (row) => importer.row(cursor.set(row)), { reuseRows: true });
      const table = importer.finish();
      const warnings = importer.warnings.list();
      const result = toFileImport({ ...base, sheet: name }, table, warnings);
      if (table.kind !== 'unknown') {
        const others = names.filter((n) => n !== name);
        if (others.length > 0) result.warnings.push({ code: 'other-sheets', params: { sheet: name, others: others.join(', ') } });
        return result;
      }
      firstFailure ??= result;
    }
    return firstFailure ?? fail(base, 'no-rows');
  } finally {
    await workbook.close();
  }
}

/** Reads one file into a result; never throws for a bad file. */
export async function importFile(path: string, options: ImportFileOptions = {}): Promise<FileImport> {
  const base: Omit<FileImport, keyof ParsedTable | 'warnings'> = {
    file: options.displayName ?? path,
    format: 'unknown',
    encoding: null,
    sizeBytes: 0,
  };
  try {
    let info;
    try {
      info = await stat(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return fail(base, 'file-not-found');
      throw e;
    }
    if (!info.isFile()) return fail(base, 'not-a-file');
    base.sizeBytes = info.size;
    if (info.size === 0) return fail(base, 'empty-file');
    const head = await readHead(path, SNIFF_BYTES);
    const sniffed = sniff(head);
    if (sniffed.errorCode !== undefined) return fail(base, sniffed.errorCode, sniffed.errorParams);
    switch (sniffed.format) {
      case 'gzip':
        base.format = 'csv.gz';
        return await importText(path, true, base, options);
      case 'xlsx':
        base.format = 'xlsx';
        return await importWorkbook(path, false, base, options);
      case 'xls-or-encrypted':
        base.format = 'xls';
        // openWorkbook tells an encrypted OOXML package (xlsx-encrypted) from a legacy .xls.
        try {
          return await importWorkbook(path, false, { ...base, format: 'xlsx' }, options);
        } catch (e) {
          if (e instanceof ImportError && e.code === 'xlsx-encrypted') throw e;
          return await importWorkbook(path, true, base, options);
        }
      default:
        base.format = 'csv';
        return await importText(path, false, base, options);
    }
  } catch (e) {
    if (e instanceof ImportError) return fail(base, e.code, { ...e.params });
    const err = e as NodeJS.ErrnoException;
    return fail(base, 'read-failed', { reason: err.code ?? err.message ?? String(e) });
  }
}
