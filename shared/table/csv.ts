/**
 * A byte-level CSV reader. WeChat bills are 265 MB for a busy day; decoding the whole file to
 * JS strings costs ~0.5 s and, when split() pieces are kept, holds the file in memory as UTF-16.
 * So rows are split on bytes and a field is decoded only when a parser asks for it.
 *
 * Splitting bytes on `,` `"` and LF is safe for UTF-8 and for GBK/GB18030 (their trail bytes are
 * never below 0x30 except in 4-byte sequences, which use 0x30-0x39), which is what a bill becomes
 * when a finance user re-saves it in Excel or WPS.
 *
 * WeChat never quotes fields, but Excel and WPS do when they re-save, so RFC 4180 quoting (with
 * doubled quotes and line breaks inside quotes) is handled on a slower path taken only by rows
 * that contain a quote.
 */
import { ImportError } from '../errors.ts';
import { copyBytes } from './bytes.ts';
import { CellType } from './cells.ts';
import { parseAsciiUnits, parseMoneyText, type MoneyFailureOut } from '../money/parse.ts';
import type { AsciiSpan, ByteDecoder, RowCursor } from './row-cursor.ts';

export type CsvEncoding = 'utf-8' | 'gb18030';

export interface CsvReaderOptions {
  decoder: ByteDecoder;
  encoding: CsvEncoding;
  /** Byte value of the delimiter; `,` unless the file is tab-separated. */
  delimiter?: number;
  /** A longer line is not a bill or ledger row; stop instead of buffering a 500 MB line. */
  maxLineBytes?: number;
  /** Called when a field that should be UTF-8 is not, and the reader switches to GB18030. */
  onEncodingSwitch?: (line: number) => void;
  /**
   * The user chose the encoding: never switch. A UTF-8 field that is not UTF-8 then reads with
   * U+FFFD in place of the bad bytes, and `onInvalidBytes` says on which line, so nothing is lost
   * silently.
   */
  fixedEncoding?: boolean;
  onInvalidBytes?: (line: number) => void;
}

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;
const MAX_FIELDS = 4096;

const LF = 10;
const CR = 13;
const QUOTE = 34;
const BACKTICK = 96;
const SPACE = 32;
const TAB = 9;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

class CsvRowCursor implements RowCursor {
  line = 0;
  count = 0;
  bytes: Uint8Array = new Uint8Array(0);
  starts = new Int32Array(1024);
  ends = new Int32Array(1024);
  /** 1 where the field was quoted, so doubled quotes inside must be undone on decoding. */
  quoted = new Uint8Array(1024);
  private readonly reader: CsvReader;

  constructor(reader: CsvReader) {
    this.reader = reader;
  }

  grow(): void {
    const n = this.starts.length * 2;
    if (n > MAX_FIELDS * 2) throw new ImportError('too-many-fields', { line: this.line, max: MAX_FIELDS });
    this.resize(n);
  }

  /** Room for a line of `bytes` bytes: it cannot have more fields than bytes + 1. */
  ensureCapacity(bytes: number): void {
    if (bytes + 1 < this.starts.length || bytes + 2 > MAX_FIELDS) return;
    this.resize(bytes + 2);
  }

  private resize(n: number): void {
    const s = new Int32Array(n);
    s.set(this.starts);
    const e = new Int32Array(n);
    e.set(this.ends);
    const q = new Uint8Array(n);
    q.set(this.quoted);
    this.starts = s;
    this.ends = e;
    this.quoted = q;
  }

  raw(i: number): string {
    if (i >= this.count) return '';
    const s = this.starts[i]!;
    const e = this.ends[i]!;
    const text = this.reader.decode(this.bytes, s, e, this.line);
    return this.quoted[i] === 1 ? text.replaceAll('""', '"') : text;
  }

  /** Field i without one leading backtick and surrounding spaces/tabs, into trimStart/trimEnd. */
  private trim(i: number): boolean {
    let s = this.starts[i]!;
    let e = this.ends[i]!;
    const b = this.bytes;
    const backtick = s < e && b[s] === BACKTICK;
    if (backtick) s++;
    while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
    while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
    this.trimStart = s;
    this.trimEnd = e;
    return backtick;
  }

  private trimStart = 0;
  private trimEnd = 0;

  text(i: number): string {
    if (i >= this.count) return '';
    if (this.quoted[i] === 1) return stripCell(this.raw(i));
    this.trim(i);
    return this.reader.decode(this.bytes, this.trimStart, this.trimEnd, this.line).trim();
  }

  ascii(i: number): string {
    if (i >= this.count) return '';
    if (this.quoted[i] === 1) return this.text(i);
    this.trim(i);
    const b = this.bytes;
    const e = this.trimEnd;
    for (let k = this.trimStart; k < e; k++) if (b[k]! >= 0x80) return this.text(i);
    return this.reader.decoder.latin1(b, this.trimStart, e);
  }

  hasBacktick(i: number): boolean {
    if (i >= this.count) return false;
    const s = this.starts[i]!;
    return s < this.ends[i]! && this.bytes[s] === BACKTICK;
  }

  isBlank(i: number): boolean {
    if (i >= this.count) return true;
    const b = this.bytes;
    for (let k = this.starts[i]!, e = this.ends[i]!; k < e; k++) {
      const c = b[k];
      if (c !== SPACE && c !== TAB && c !== BACKTICK) return false;
    }
    return true;
  }

  units(i: number, scale: number, out: MoneyFailureOut): number {
    if (i >= this.count) {
      out.reason = 'empty';
      return Number.NaN;
    }
    if (this.quoted[i] === 1) return parseMoneyText(this.text(i), scale, out);
    let s = this.starts[i]!;
    const e = this.ends[i]!;
    if (s < e && this.bytes[s] === BACKTICK) s++;
    const v = parseAsciiUnits(this.bytes, s, e, scale, out);
    if (Number.isNaN(v) && out.reason === 'not-a-number') {
      // `¥28.16`, `１２.００`, `12.00元`: decoration outside ASCII takes the text path.
      for (let k = s; k < e; k++) if (this.bytes[k]! >= 0x80) return parseMoneyText(this.text(i), scale, out);
    }
    return v;
  }

  cellType(i: number): CellType {
    // Longer than a lone backtick: not blank, without scanning it.
    if (i < this.count && this.ends[i]! - this.starts[i]! > 1 && this.bytes[this.starts[i]!] !== SPACE) return CellType.Text;
    return this.isBlank(i) ? CellType.Empty : CellType.Text;
  }

  private readonly span: AsciiSpan = { bytes: new Uint8Array(0), start: 0, end: 0, backtick: false };

  asciiSpan(i: number): AsciiSpan | null {
    if (i >= this.count || this.quoted[i] === 1) return null;
    const span = this.span;
    span.backtick = this.trim(i);
    span.bytes = this.bytes;
    span.start = this.trimStart;
    span.end = this.trimEnd;
    return span;
  }
}

/** Backtick off, then whitespace (including NBSP and the ideographic space) off both ends. */
export function stripCell(value: string): string {
  const s = value.trim();
  return s.charCodeAt(0) === BACKTICK ? s.slice(1).trim() : s;
}

export class CsvReader {
  readonly decoder: ByteDecoder;
  encoding: CsvEncoding;
  stopped = false;
  private readonly delimiter: number;
  private readonly maxLineBytes: number;
  private readonly onRow: (row: RowCursor) => boolean | void;
  private readonly onEncodingSwitch: ((line: number) => void) | undefined;
  private readonly fixedEncoding: boolean;
  private readonly onInvalidBytes: ((line: number) => void) | undefined;
  private readonly cursor: CsvRowCursor;
  private carry: Uint8Array | null = null;
  private carryHasQuote = false;
  /** Line number of the next line to be read (1-based). */
  private nextLine = 1;

  constructor(onRow: (row: RowCursor) => boolean | void, options: CsvReaderOptions) {
    this.onRow = onRow;
    this.decoder = options.decoder;
    this.encoding = options.encoding;
    this.delimiter = options.delimiter ?? 44;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.onEncodingSwitch = options.onEncodingSwitch;
    this.fixedEncoding = options.fixedEncoding ?? false;
    this.onInvalidBytes = options.onInvalidBytes;
    this.cursor = new CsvRowCursor(this);
  }

  /** Lines read so far (the last one may be incomplete). */
  get linesRead(): number {
    return this.nextLine - 1;
  }

  decode(bytes: Uint8Array, start: number, end: number, line: number): string {
    if (this.encoding === 'utf-8') {
      let ascii = true;
      for (let k = start; k < end; k++) {
        if (bytes[k]! >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return this.decoder.latin1(bytes, start, end);
      if (this.decoder.isUtf8(bytes, start, end)) return this.decoder.utf8(bytes, start, end);
      if (this.fixedEncoding) {
        this.onInvalidBytes?.(line);
        return this.decoder.utf8(bytes, start, end);
      }
      // Bytes that are not UTF-8 after an ASCII-only start: a GBK file from Excel or WPS.
      // Earlier rows were ASCII, so they read the same in either encoding.
      this.encoding = 'gb18030';
      this.onEncodingSwitch?.(line);
    }
    return this.decoder.gb18030(bytes, start, end);
  }

  push(chunk: Uint8Array): void {
    if (this.stopped || chunk.length === 0) return;
    const carry = this.carry;
    if (carry === null) {
      this.processBuffer(chunk, 0, false);
      return;
    }
    this.carry = null;
    if (this.carryHasQuote) {
      // A quoted field may hold line breaks; give the slow path everything we have.
      this.processBuffer(concat(carry, chunk), 0, false);
      return;
    }
    const nl = chunk.indexOf(LF);
    if (nl < 0) {
      this.setCarry(concat(carry, chunk));
      return;
    }
    this.processBuffer(concat(carry, chunk.subarray(0, nl + 1)), 0, false);
    if (this.stopped) return;
    if (this.carry !== null) {
      // The joined line opened a quoted field that continues into this chunk.
      const pending: Uint8Array = this.carry;
      this.carry = null;
      this.processBuffer(concat(pending, chunk.subarray(nl + 1)), 0, false);
      return;
    }
    this.processBuffer(chunk, nl + 1, false);
  }

  end(): void {
    if (this.stopped) return;
    const carry = this.carry;
    this.carry = null;
    if (carry !== null && carry.length > 0) this.processBuffer(carry, 0, true);
  }

  private setCarry(bytes: Uint8Array): void {
    if (bytes.length > this.maxLineBytes) {
      this.stopped = true;
      throw new ImportError('line-too-long', { line: this.nextLine, maxBytes: this.maxLineBytes });
    }
    this.carry = bytes;
    this.carryHasQuote = bytes.indexOf(QUOTE) >= 0;
  }

  private processBuffer(buf: Uint8Array, pos: number, final: boolean): void {
    const end = buf.length;
    const cursor = this.cursor;
    const delim = this.delimiter;
    cursor.bytes = buf;
    let nextQuote = -1;
    while (pos < end) {
      let nl = buf.indexOf(LF, pos);
      if (nl < 0) {
        if (!final) {
          this.setCarry(copyBytes(buf, pos));
          return;
        }
        nl = end;
      }
      const line = this.nextLine;
      let le = nl;
      if (le > pos && buf[le - 1] === CR) le--;
      if (le === pos) {
        this.nextLine++;
        pos = nl + 1;
        continue;
      }
      if (le - pos > this.maxLineBytes) {
        this.stopped = true;
        throw new ImportError('line-too-long', { line, maxBytes: this.maxLineBytes });
      }
      // One pass over the line's bytes finds every delimiter; a quote sends the row to the
      // slower RFC 4180 path. (A native indexOf per field costs more than this loop.)
      if (nextQuote < pos) {
        nextQuote = buf.indexOf(QUOTE, pos);
        if (nextQuote < 0) nextQuote = end;
      }
      if (nextQuote >= le) {
        cursor.ensureCapacity(le - pos);
        let starts = cursor.starts;
        let ends = cursor.ends;
        let n = 0;
        starts[0] = pos;
        if (le - pos + 1 < starts.length) {
          // A line cannot have more fields than bytes + 1, so no bounds check per field.
          for (let i = pos; i < le; i++) {
            if (buf[i] === delim) {
              ends[n] = i;
              n++;
              starts[n] = i + 1;
            }
          }
        } else {
          for (let i = pos; i < le; i++) {
            if (buf[i] === delim) {
              ends[n] = i;
              n++;
              if (n + 1 >= starts.length) {
                cursor.line = line;
                cursor.grow();
                starts = cursor.starts;
                ends = cursor.ends;
              }
              starts[n] = i + 1;
            }
          }
        }
        ends[n] = le;
        n++;
        cursor.quoted.fill(0, 0, n);
        this.nextLine++;
        cursor.count = n;
        cursor.line = line;
        pos = nl + 1;
        if (this.onRow(cursor) === false) {
          this.stopped = true;
          return;
        }
      } else {
        const rowEnd = this.splitQuotedRow(buf, pos, final);
        if (rowEnd < 0) {
          this.setCarry(copyBytes(buf, pos));
          return;
        }
        let newlines = 0;
        for (let k = buf.indexOf(LF, pos); k >= 0 && k <= rowEnd; k = buf.indexOf(LF, k + 1)) newlines++;
        this.nextLine += Math.max(newlines, 1);
        cursor.line = line;
        pos = rowEnd + 1;
        if (this.onRow(cursor) === false) {
          this.stopped = true;
          return;
        }
      }
    }
  }

  /**
   * Splits one row that contains a quote. Returns the index of the LF that ends it (or the
   * buffer end when `final`), or -1 when the buffer ends before the row does.
   */
  private splitQuotedRow(buf: Uint8Array, start: number, final: boolean): number {
    const cursor = this.cursor;
    const limit = buf.length;
    const delim = this.delimiter;
    let n = 0;
    let p = start;
    for (;;) {
      if (n === cursor.starts.length) cursor.grow();
      if (p < limit && buf[p] === QUOTE) {
        let q = p + 1;
        for (;;) {
          q = buf.indexOf(QUOTE, q);
          if (q < 0) {
            if (!final) return -1;
            q = limit;
            break;
          }
          if (q + 1 >= limit && !final) return -1;
          if (buf[q + 1] === QUOTE) {
            q += 2;
            continue;
          }
          break;
        }
        cursor.starts[n] = p + 1;
        cursor.ends[n] = q;
        cursor.quoted[n] = 1;
        n++;
        p = q + 1;
        // Anything between the closing quote and the delimiter is malformed; skip it.
        while (p < limit && buf[p] !== delim && buf[p] !== LF) p++;
      } else {
        let e = p;
        while (e < limit && buf[e] !== delim && buf[e] !== LF) e++;
        cursor.starts[n] = p;
        cursor.ends[n] = e < limit && buf[e] === LF && e > p && buf[e - 1] === CR ? e - 1 : e;
        if (e === limit && final && e > p && buf[e - 1] === CR) cursor.ends[n] = e - 1;
        cursor.quoted[n] = 0;
        n++;
        p = e;
      }
      if (p >= limit) {
        if (!final) return -1;
        cursor.count = n;
        return limit;
      }
      if (buf[p] === LF) {
        cursor.count = n;
        return p;
      }
      p++; // the delimiter
      if (p >= limit && !final) return -1;
    }
  }
}
