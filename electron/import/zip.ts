/**
 * A zip reader for xlsx files that never holds an entry in memory: it reads the central
 * directory with positional reads and streams one entry at a time through zlib. (A 1,000,000-row
 * sheet inflates to about 1 GB of XML, too much for the buffer-based zip readers.)
 */
import { open, type FileHandle } from 'node:fs/promises';
import { crc32, createInflateRaw, type ZlibOptions } from 'node:zlib';
import { ImportError } from '../../shared/errors.ts';

export interface ZipEntry {
  /** As stored, `/`-separated (a `\` from a Windows tool is turned into `/`). */
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  flags: number;
  crc32: number;
  compressedSizeBytes: number;
  uncompressedSizeBytes: number;
  localHeaderOffset: number;
}

export interface ZipOptions {
  /** Entries declaring more than this are refused. Default 8 GiB. */
  maxEntrySizeBytes?: number;
}

export interface EntryReadOptions {
  /**
   * Size of the pieces yielded (zlib's output chunk). Default 64 KiB: text decoded from a piece
   * then stays under V8's large-object size (128 KiB), which made decoding several times faster.
   */
  chunkSizeBytes?: number;
}

export const DEFAULT_MAX_ENTRY_SIZE_BYTES = 8 * 1024 ** 3;
const DEFAULT_CHUNK_SIZE_BYTES = 64 * 1024;
const READ_SIZE_BYTES = 256 * 1024;

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const EOCD_SIZE = 22;
const MAX_COMMENT_SIZE = 0xffff;
const FLAG_ENCRYPTED = 0x1;
const FLAG_UTF8 = 0x800;

export class ZipArchive {
  readonly path: string;
  readonly entries: readonly ZipEntry[];
  private readonly file: FileHandle;
  private readonly byName: Map<string, ZipEntry>;
  private readonly maxEntrySizeBytes: number;
  private closed = false;

  private constructor(path: string, file: FileHandle, entries: ZipEntry[], maxEntrySizeBytes: number) {
    this.path = path;
    this.file = file;
    this.entries = entries;
    this.maxEntrySizeBytes = maxEntrySizeBytes;
    this.byName = new Map();
    for (const entry of entries) {
      const key = normaliseName(entry.name);
      if (!this.byName.has(key)) this.byName.set(key, entry);
    }
  }

  static async open(path: string, options: ZipOptions = {}): Promise<ZipArchive> {
    const file = await open(path, 'r');
    try {
      const entries = await readCentralDirectory(file);
      return new ZipArchive(path, file, entries, options.maxEntrySizeBytes ?? DEFAULT_MAX_ENTRY_SIZE_BYTES);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** Looks an entry up as OPC part names compare: case-insensitively, with or without a leading `/`. */
  get(name: string): ZipEntry | undefined {
    return this.byName.get(normaliseName(name));
  }

  /**
   * The entry's uncompressed bytes, piece by piece. Breaking out of the loop stops reading. The
   * CRC-32 and size are checked at the end, and inflating stops early if the entry produces more
   * than it declared (a zip bomb, or a damaged directory).
   */
  async *read(entry: ZipEntry, options: EntryReadOptions = {}): AsyncGenerator<Buffer, void, undefined> {
    if (this.closed) throw new Error('zip archive is closed');
    if (entry.flags & FLAG_ENCRYPTED) throw corrupt(entry.name, 'entry is encrypted');
    if (entry.method !== 0 && entry.method !== 8) throw corrupt(entry.name, `unsupported compression method ${entry.method}`);
    if (entry.uncompressedSizeBytes > this.maxEntrySizeBytes) {
      throw corrupt(entry.name, `entry declares ${entry.uncompressedSizeBytes} bytes, over the ${this.maxEntrySizeBytes}-byte limit`);
    }
    const dataStart = await this.dataStart(entry);
    const chunkSizeBytes = options.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE_BYTES;
    // A little slack: the declared size is checked exactly at the end; this only bounds the work.
    const outputLimitBytes = entry.uncompressedSizeBytes + 64 * 1024;
    let producedBytes = 0;
    let crc = 0;
    const source =
      entry.method === 0
        ? this.readRange(dataStart, entry.compressedSizeBytes, chunkSizeBytes)
        : this.inflate(dataStart, entry, chunkSizeBytes);
    for await (const chunk of source) {
      producedBytes += chunk.length;
      if (producedBytes > outputLimitBytes) {
        throw corrupt(entry.name, `entry inflates past its declared ${entry.uncompressedSizeBytes} bytes`);
      }
      crc = crc32(chunk, crc);
      yield chunk;
    }
    if (producedBytes !== entry.uncompressedSizeBytes) {
      throw corrupt(entry.name, `entry is ${producedBytes} bytes, declared ${entry.uncompressedSizeBytes}`);
    }
    if (crc >>> 0 !== entry.crc32) throw corrupt(entry.name, 'CRC-32 mismatch');
  }

  /** A whole entry as one Buffer, for the small parts; refuses entries over `maxSizeBytes`. */
  async readAll(entry: ZipEntry, maxSizeBytes: number): Promise<Buffer> {
    if (entry.uncompressedSizeBytes > maxSizeBytes) {
      throw corrupt(entry.name, `entry declares ${entry.uncompressedSizeBytes} bytes, over the ${maxSizeBytes}-byte limit`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of this.read(entry)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }

  private async dataStart(entry: ZipEntry): Promise<number> {
    const header = await readExactly(this.file, entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== SIG_LOCAL) throw corrupt(entry.name, 'bad local header');
    // Sizes here may be zero (data descriptor) or stale; only the name and extra lengths are used.
    return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  }

  private async *readRange(start: number, lengthBytes: number, chunkSizeBytes: number): AsyncGenerator<Buffer> {
    let offset = 0;
    while (offset < lengthBytes) {
      const size = Math.min(chunkSizeBytes, lengthBytes - offset);
      const buffer = Buffer.allocUnsafe(size);
      const { bytesRead } = await this.file.read(buffer, 0, size, start + offset);
      if (bytesRead === 0) throw corrupt('', 'file ends inside an entry');
      offset += bytesRead;
      yield bytesRead === size ? buffer : buffer.subarray(0, bytesRead);
    }
  }

  private async *inflate(start: number, entry: ZipEntry, chunkSizeBytes: number): AsyncGenerator<Buffer> {
    // zlib inflates on the thread pool; a few pieces of read-ahead let it work while the caller
    // scans, instead of waiting for each piece to be asked for.
    const inflater = createInflateRaw({ chunkSize: chunkSizeBytes, readableHighWaterMark: 4 * chunkSizeBytes } as ZlibOptions);
    let failure: unknown;
    inflater.on('error', (error) => (failure ??= error));
    // Compressed bytes go in as zlib wants them (respecting backpressure); output comes out below.
    const feeding = (async () => {
      try {
        for await (const piece of this.readRange(start, entry.compressedSizeBytes, READ_SIZE_BYTES)) {
          if (inflater.destroyed) return;
          if (!inflater.write(piece)) {
            await new Promise<void>((resolve) => {
              const done = (): void => {
                inflater.off('drain', done);
                inflater.off('close', done);
                resolve();
              };
              inflater.on('drain', done);
              inflater.on('close', done);
            });
          }
        }
        if (!inflater.destroyed) inflater.end();
      } catch (error) {
        failure ??= error;
        inflater.destroy();
      }
    })();
    try {
      for await (const chunk of inflater as AsyncIterable<Buffer>) yield chunk;
    } catch (error) {
      throw failure instanceof ImportError ? failure : corrupt(entry.name, `bad deflate data: ${String((failure ?? error) as Error)}`);
    } finally {
      inflater.destroy();
      await feeding;
    }
    if (failure !== undefined) {
      throw failure instanceof ImportError ? failure : corrupt(entry.name, `bad deflate data: ${String(failure)}`);
    }
  }
}

export function openZip(path: string, options?: ZipOptions): Promise<ZipArchive> {
  return ZipArchive.open(path, options);
}

function normaliseName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
}

async function readCentralDirectory(file: FileHandle): Promise<ZipEntry[]> {
  const fileSizeBytes = (await file.stat()).size;
  if (fileSizeBytes < EOCD_SIZE) throw corrupt('', 'too small to be a zip');
  const tailSize = Math.min(fileSizeBytes, EOCD_SIZE + MAX_COMMENT_SIZE);
  const tailStart = fileSizeBytes - tailSize;
  const tail = await readExactly(file, tailStart, tailSize);

  let eocd = -1;
  for (let i = tailSize - EOCD_SIZE; i >= 0; i--) {
    // The comment length must reach exactly to the end of the file, or this is a false match
    // inside the comment or the data; a few writers pad after the comment, so allow <= .
    if (tail.readUInt32LE(i) === SIG_EOCD && i + EOCD_SIZE + tail.readUInt16LE(i + 20) <= tailSize) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw corrupt('', 'no end of central directory record');

  let entryCount = tail.readUInt16LE(eocd + 10);
  let directorySizeBytes = tail.readUInt32LE(eocd + 12);
  let directoryOffset = tail.readUInt32LE(eocd + 16);
  const eocdOffset = tailStart + eocd;
  let directoryEnd = eocdOffset;

  if (entryCount === 0xffff || directorySizeBytes === 0xffffffff || directoryOffset === 0xffffffff) {
    const locatorOffset = eocdOffset - 20;
    if (locatorOffset < 0) throw corrupt('', 'ZIP64 locator missing');
    const locator = await readExactly(file, locatorOffset, 20);
    if (locator.readUInt32LE(0) !== SIG_ZIP64_LOCATOR) throw corrupt('', 'ZIP64 locator missing');
    let recordOffset = readUInt64(locator, 8);
    let record = recordOffset + 56 <= fileSizeBytes ? await readExactly(file, recordOffset, 56) : undefined;
    if (record?.readUInt32LE(0) !== SIG_ZIP64_EOCD && locatorOffset >= 56) {
      // Data prepended to the zip moves the record from where the locator says; it normally
      // sits right before the locator.
      recordOffset = locatorOffset - 56;
      record = await readExactly(file, recordOffset, 56);
    }
    if (record?.readUInt32LE(0) !== SIG_ZIP64_EOCD) throw corrupt('', 'bad ZIP64 end of central directory');
    entryCount = readUInt64(record, 32);
    directorySizeBytes = readUInt64(record, 40);
    directoryOffset = readUInt64(record, 48);
    directoryEnd = recordOffset;
  }

  // Data prepended to the zip (a self-extractor stub) shifts every offset by the same amount.
  const shift = directoryEnd - (directoryOffset + directorySizeBytes);
  if (shift < 0 || directorySizeBytes > fileSizeBytes) throw corrupt('', 'central directory out of bounds');
  directoryOffset += shift;
  if (entryCount > directorySizeBytes / 46) throw corrupt('', 'central directory too small for its entries');

  const directory = await readExactly(file, directoryOffset, directorySizeBytes);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < entryCount; n++) {
    if (p + 46 > directory.length || directory.readUInt32LE(p) !== SIG_CENTRAL) {
      throw corrupt('', 'bad central directory entry');
    }
    const flags = directory.readUInt16LE(p + 8);
    const method = directory.readUInt16LE(p + 10);
    const crc = directory.readUInt32LE(p + 16);
    let compressedSizeBytes = directory.readUInt32LE(p + 20);
    let uncompressedSizeBytes = directory.readUInt32LE(p + 24);
    const nameLength = directory.readUInt16LE(p + 28);
    const extraLength = directory.readUInt16LE(p + 30);
    const commentLength = directory.readUInt16LE(p + 32);
    let localHeaderOffset = directory.readUInt32LE(p + 42);
    const nameStart = p + 46;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > directory.length) throw corrupt('', 'bad central directory entry');
    const nameBytes = directory.subarray(nameStart, extraStart);
    const name = (flags & FLAG_UTF8 ? nameBytes.toString('utf8') : decodeCp437(nameBytes)).replace(/\\/g, '/');

    // ZIP64 extended information: only the fields that overflowed are present, in this order.
    for (let e = extraStart; e + 4 <= extraStart + extraLength; ) {
      const id = directory.readUInt16LE(e);
      const size = directory.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        const end = f + size;
        if (uncompressedSizeBytes === 0xffffffff && f + 8 <= end) {
          uncompressedSizeBytes = readUInt64(directory, f);
          f += 8;
        }
        if (compressedSizeBytes === 0xffffffff && f + 8 <= end) {
          compressedSizeBytes = readUInt64(directory, f);
          f += 8;
        }
        if (localHeaderOffset === 0xffffffff && f + 8 <= end) {
          localHeaderOffset = readUInt64(directory, f);
        }
        break;
      }
      e += 4 + size;
    }
    localHeaderOffset += shift;
    if (localHeaderOffset + 30 > fileSizeBytes || localHeaderOffset + compressedSizeBytes > fileSizeBytes) {
      throw corrupt(name, 'entry lies outside the file');
    }
    entries.push({ name, method, flags, crc32: crc, compressedSizeBytes, uncompressedSizeBytes, localHeaderOffset });
    p = next;
  }
  return entries;
}

async function readExactly(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw corrupt('', 'file is truncated');
    filled += bytesRead;
  }
  return buffer;
}

function readUInt64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt('', '64-bit size out of range');
  return Number(value);
}

function corrupt(part: string, detail: string): ImportError {
  return new ImportError('xlsx-corrupt', { part }, part === '' ? detail : `${part}: ${detail}`);
}

/** Code page 437 for bytes 0x80–0xFF: zip's name encoding when the UTF-8 flag is off. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function decodeCp437(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) out += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
  return out;
}
