/**
 * A streaming zip writer: each entry is deflated as it arrives and its CRC and sizes are then
 * written back into the local header (no data descriptors, which some readers dislike). Times
 * are fixed at 1980-01-01 so that the same input gives the same bytes. Used for the .xlsx
 * report, and by the tests' workbook generator (with its reader-testing hooks).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw } from 'node:zlib';

export interface ZipWriterOptions {
  /** ZIP64 extra fields and end records on every entry, needed or not. */
  zip64?: boolean;
  /** 0 stored, 8 deflate (default). */
  method?: 0 | 8;
  level?: number;
  /** Fail if the file exists (a fresh temporary file). */
  exclusive?: boolean;
}

export interface ZipEntryOptions {
  method?: 0 | 8;
  /** Test hook: the uncompressed size written to the headers instead of the real one. */
  declareUncompressedSizeBytes?: number;
  /** Test hook: the name's bytes as stored, without the UTF-8 flag (so readers take them as CP437). */
  rawName?: Uint8Array;
}

interface WrittenEntry {
  nameBytes: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSizeBytes: number;
  uncompressedSizeBytes: number;
  offset: number;
}

/**
 * A zip writer that streams each entry and then writes its CRC and sizes back into the local
 * header (so no data descriptors, which some readers dislike). Times are fixed at 1980-01-01
 * so that the same input gives the same bytes.
 */
export class ZipWriter {
  private readonly file: FileHandle;
  private readonly zip64: boolean;
  private readonly method: 0 | 8;
  private readonly level: number;
  private readonly written: WrittenEntry[] = [];
  private position = 0;
  private closed = false;

  private constructor(file: FileHandle, options: ZipWriterOptions) {
    this.file = file;
    this.zip64 = options.zip64 ?? false;
    this.method = options.method ?? 8;
    this.level = options.level ?? 6;
  }

  static async create(path: string, options: ZipWriterOptions = {}): Promise<ZipWriter> {
    return new ZipWriter(await open(path, options.exclusive === true ? 'wx' : 'w'), options);
  }

  /** Adds an entry from text (UTF-8), bytes, or a stream of either. */
  async addEntry(
    name: string,
    content: string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
    options: ZipEntryOptions = {},
  ): Promise<void> {
    const method = options.method ?? this.method;
    const nameBytes = options.rawName === undefined ? Buffer.from(name, 'utf8') : Buffer.from(options.rawName);
    const flags = options.rawName === undefined ? 0x800 : 0;
    const offset = this.position;
    const header = localHeader(nameBytes, flags, method, this.zip64);
    await this.write(header);

    let crc = 0;
    let uncompressedSizeBytes = 0;
    const pieces = typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
    async function* bytes(): AsyncGenerator<Buffer> {
      for await (const piece of pieces) {
        const buffer = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
        crc = crc32(buffer, crc);
        uncompressedSizeBytes += buffer.length;
        yield buffer;
      }
    }
    const dataStart = this.position;
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.write(chunk).then(() => callback(), callback);
      },
    });
    if (method === 8) await pipeline(Readable.from(bytes()), createDeflateRaw({ level: this.level }), sink);
    else await pipeline(Readable.from(bytes()), sink);
    const compressedSizeBytes = this.position - dataStart;
    const declared = options.declareUncompressedSizeBytes ?? uncompressedSizeBytes;
    if (!this.zip64 && (declared > 0xfffffffe || compressedSizeBytes > 0xfffffffe || offset > 0xfffffffe)) {
      throw new Error(`${name}: over 4 GiB; use the zip64 option`);
    }

    // Write the CRC and sizes back into the local header.
    const fix = Buffer.alloc(12);
    fix.writeUInt32LE(crc >>> 0, 0);
    if (this.zip64) {
      fix.writeUInt32LE(0xffffffff, 4);
      fix.writeUInt32LE(0xffffffff, 8);
      const extra = Buffer.alloc(16);
      extra.writeBigUInt64LE(BigInt(declared), 0);
      extra.writeBigUInt64LE(BigInt(compressedSizeBytes), 8);
      await this.file.write(extra, 0, 16, offset + 30 + nameBytes.length + 4);
    } else {
      fix.writeUInt32LE(compressedSizeBytes, 4);
      fix.writeUInt32LE(declared, 8);
    }
    await this.file.write(fix, 0, 12, offset + 14);
    this.written.push({ nameBytes, flags, method, crc: crc >>> 0, compressedSizeBytes, uncompressedSizeBytes: declared, offset });
  }

  /** Writes the central directory and end records. */
  /** `sync`: flush the file to disk before closing it (for a write-then-rename). */
  async finish(options: { sync?: boolean } = {}): Promise<void> {
    const directoryOffset = this.position;
    for (const e of this.written) await this.write(centralHeader(e, this.zip64));
    const directorySizeBytes = this.position - directoryOffset;
    const count = this.written.length;
    if (this.zip64) {
      const recordOffset = this.position;
      const record = Buffer.alloc(56);
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4); // size of the rest of the record
      record.writeUInt16LE(45, 12);
      record.writeUInt16LE(45, 14);
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(directorySizeBytes), 40);
      record.writeBigUInt64LE(BigInt(directoryOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(recordOffset), 8);
      locator.writeUInt32LE(1, 16);
      await this.write(record);
      await this.write(locator);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.zip64 ? 0xffff : count, 8);
    end.writeUInt16LE(this.zip64 ? 0xffff : count, 10);
    end.writeUInt32LE(this.zip64 ? 0xffffffff : directorySizeBytes, 12);
    end.writeUInt32LE(this.zip64 ? 0xffffffff : directoryOffset, 16);
    await this.write(end);
    if (options.sync === true) await this.file.sync();
    await this.close();
  }

  /** Closes the file (finish does this too); safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }

  private async write(buffer: Buffer): Promise<void> {
    let done = 0;
    while (done < buffer.length) {
      const { bytesWritten } = await this.file.write(buffer, done, buffer.length - done, this.position);
      done += bytesWritten;
      this.position += bytesWritten;
    }
  }
}

function localHeader(nameBytes: Buffer, flags: number, method: number, zip64: boolean): Buffer {
  const extraLength = zip64 ? 20 : 0;
  const header = Buffer.alloc(30 + nameBytes.length + extraLength);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(zip64 ? 45 : 20, 4);
  header.writeUInt16LE(flags, 6); // 0x800: the name is UTF-8
  header.writeUInt16LE(method, 8);
  header.writeUInt16LE(0, 10); // 00:00:00
  header.writeUInt16LE(0x21, 12); // 1980-01-01
  header.writeUInt16LE(nameBytes.length, 26);
  header.writeUInt16LE(extraLength, 28);
  nameBytes.copy(header, 30);
  if (zip64) {
    header.writeUInt16LE(0x0001, 30 + nameBytes.length);
    header.writeUInt16LE(16, 32 + nameBytes.length);
  }
  return header;
}

function centralHeader(e: WrittenEntry, zip64: boolean): Buffer {
  const extraLength = zip64 ? 28 : 0;
  const header = Buffer.alloc(46 + e.nameBytes.length + extraLength);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(zip64 ? 45 : 20, 4);
  header.writeUInt16LE(zip64 ? 45 : 20, 6);
  header.writeUInt16LE(e.flags, 8);
  header.writeUInt16LE(e.method, 10);
  header.writeUInt16LE(0, 12);
  header.writeUInt16LE(0x21, 14);
  header.writeUInt32LE(e.crc, 16);
  header.writeUInt32LE(zip64 ? 0xffffffff : e.compressedSizeBytes, 20);
  header.writeUInt32LE(zip64 ? 0xffffffff : e.uncompressedSizeBytes, 24);
  header.writeUInt16LE(e.nameBytes.length, 28);
  header.writeUInt16LE(extraLength, 30);
  header.writeUInt32LE(zip64 ? 0xffffffff : e.offset, 42);
  e.nameBytes.copy(header, 46);
  if (zip64) {
    const x = 46 + e.nameBytes.length;
    header.writeUInt16LE(0x0001, x);
    header.writeUInt16LE(24, x + 2);
    header.writeBigUInt64LE(BigInt(e.uncompressedSizeBytes), x + 4);
    header.writeBigUInt64LE(BigInt(e.compressedSizeBytes), x + 12);
    header.writeBigUInt64LE(BigInt(e.offset), x + 20);
  }
  return header;
}
