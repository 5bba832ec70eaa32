/**
 * A worksheet part (`xl/worksheets/sheetN.xml`), read incrementally, one `<row>` at a time.
 *
 * A 1,000,000-row bill re-saved by Excel is about 1 GB of XML and 27 million cells, so this is
 * the hot loop of an import. It reads the inflated bytes themselves, not decoded text: on the
 * 2-core machine this was tuned on, a byte read costs about 1 ns and `String#charCodeAt` about
 * 4 ns; a string-based version of this scanner took 2.5 times as long, plus the time to decode
 * the part, and a 1,000,000-row import went from 14 s to 7. Only values are decoded, by the
 * injected decoder; a shared string is a table lookup.
 *
 * Rows are reported as they appear in the file: rows absent from the file (Excel leaves out
 * empty rows) are not made up, and a `<row>` without cells is reported with no values.
 */
import { ImportError } from '../errors.ts';
import { copyBytes } from '../table/bytes.ts';
import { CellType, type SheetRow } from '../table/cells.ts';
import { dateTimeToSerial } from './serial-date.ts';
import {
  bytesOf,
  concat,
  endOfFirst,
  indexOfBytes,
  isNameEnd,
  isXmlSpace,
  plainTextEnd,
  richTextOfBytes,
  rootPrefix,
  type XmlDecoder,
} from './shared-strings.ts';
import { unescapeXmlText } from './xml-text.ts';

export interface SheetScannerOptions {
  /** The shared string table; `t="s"` cells index into it. */
  sharedStrings: readonly string[];
  /** From parseDateStyles: 1 for each `s=` style index that shows numbers as dates. */
  dateStyles: Uint8Array;
  /** For `t="d"` (ISO date) cells, which are turned into serials like other dates. */
  date1904?: boolean;
  /** Decodes values (a Buffer-based one on the Node side). */
  decoder: XmlDecoder;
  /**
   * Called once per row. The row, its `values` and `types` are fresh objects the consumer may
   * keep. Returning false stops the scan.
   */
  onRow: (row: SheetRow) => void | boolean;
  /**
   * Hand every row in the same object and arrays (valid only during onRow; `count` says how many
   * cells are set). For consumers that keep nothing of the row: a 1M-row sheet then makes no
   * garbage per row, which measured about a second of GC.
   */
  reuseRows?: boolean;
  /** For error messages. */
  partName?: string;
}

/** Columns A..XFD. */
const MAX_COLUMNS = 16384;
/** A bill row is about 1 KB of XML; a row longer than this is taken for damage, which bounds memory. */
const MAX_ROW_BYTES = 64 * 1024 * 1024;
/** Bytes of the part kept while looking for `<sheetData>`. */
const MAX_HEAD_BYTES = 16 * 1024 * 1024;

const Phase = { Head: 0, InData: 1, Done: 2 } as const;
type Phase = (typeof Phase)[keyof typeof Phase];

/** The cell's `t=` attribute. */
const T_NUMBER = 0;
const T_SHARED = 1;
const T_STR = 2;
const T_INLINE = 3;
const T_BOOL = 4;
const T_ERROR = 5;
const T_DATE = 6;
const T_OTHER = 7;

const EMPTY = new Uint8Array(0);
/** Zeros after the scanned bytes; the longest look-ahead past a checked position is far shorter. */
const PADDING = 64;

export class SheetXmlScanner {
  private readonly sharedStrings: readonly string[];
  private readonly dateStyles: Uint8Array;
  private readonly date1904: boolean;
  private readonly decoder: XmlDecoder;
  private readonly onRow: (row: SheetRow) => void | boolean;
  private readonly partName: string;

  private phase: Phase = Phase.Head;
  private stoppedByConsumer = false;
  private rootName = '';
  /** The namespace prefix of the part (`x:` in `<x:worksheet>`), usually empty. */
  private prefix = '';
  private rowClose = bytesOf('</row>');
  private sheetDataClose = bytesOf('</sheetData>');
  /** Unread bytes: the head of the part, or a row cut off at the end of the last chunk. */
  private carry: Uint8Array = EMPTY;
  private lastRowNumber = 0;
  /** Where in the head the search for <sheetData> must resume when more bytes come. */
  private headResume = 0;
  /** Chunk bytes plus PADDING zeros; see scan. */
  private work = new Uint8Array(0);
  /** Values and types of the row being read, copied out (`slice`) for each row: one exact-size allocation each. */
  private readonly valuesScratch: string[] = [];
  private readonly typesScratch = new Uint8Array(MAX_COLUMNS);
  private readonly reusedRow: SheetRow | null;
  private readonly textScan = { escaped: false };
  /** Set by readCellChildren: where the `<v>` text is (-1: none), and the `<is>` text. */
  private childValueStart = -1;
  private childValueEnd = -1;
  private childInline: string | undefined;
  private plainInlineEnd = 0;
  private isClose = bytesOf('</is>');

  constructor(options: SheetScannerOptions) {
    this.sharedStrings = options.sharedStrings;
    this.dateStyles = options.dateStyles;
    this.date1904 = options.date1904 ?? false;
    this.decoder = options.decoder;
    this.onRow = options.onRow;
    this.partName = options.partName ?? 'worksheet';
    this.reusedRow = options.reuseRows === true ? { rowNumber: 0, values: this.valuesScratch, types: this.typesScratch, count: 0 } : null;
  }

  /** True once onRow has returned false. */
  get stopped(): boolean {
    return this.stoppedByConsumer;
  }

  /** Feeds the next piece of the part's UTF-8 bytes; pieces may be cut anywhere. Returns false once stopped. */
  push(chunk: Uint8Array): boolean {
    if (this.phase === Phase.Done) return !this.stoppedByConsumer;
    if (this.phase === Phase.InData) {
      if (this.carry.length > 0 && !this.carryMayEnd(chunk)) {
        // The pending row goes on past this chunk: keep it whole rather than re-read it.
        if (this.carry.length + chunk.length > MAX_ROW_BYTES) throw this.corrupt(this.lastRowNumber + 1, `a row longer than ${MAX_ROW_BYTES} bytes`);
        this.carry = concat(this.carry, chunk);
        return true;
      }
      this.scan(this.carry, chunk, 0);
      return !this.stoppedByConsumer;
    }
    const bytes = this.carry.length === 0 ? chunk : concat(this.carry, chunk);
    this.carry = EMPTY;
    const start = this.findSheetData(bytes);
    if (start < 0) {
      // Only what may still hold the start of <sheetData> is kept.
      const keep = bytes.subarray(this.headResume);
      if (keep.length > MAX_HEAD_BYTES) throw this.corrupt(0, 'no <sheetData> in the first 16 MB');
      this.carry = copyBytes(keep);
      return true;
    }
    // findSheetData has moved the phase on.
    if ((this.phase as Phase) === Phase.InData) this.scan(EMPTY, bytes, start);
    return !this.stoppedByConsumer;
  }

  /** Call after the last chunk: throws if the XML ended inside the sheet data. */
  finish(): void {
    if (this.stoppedByConsumer) return;
    if (this.phase === Phase.Head && this.rootName === '' && this.carry.length > 0) {
      this.findSheetData(this.carry);
    }
    if (this.phase === Phase.InData && this.carry.length > 0) {
      // A last self-closing row, say, still waiting for an end tag that no row will bring.
      this.scan(this.carry, EMPTY, 0);
      if (this.stoppedByConsumer) return;
    }
    if (this.phase === Phase.InData || (this.phase === Phase.Head && this.rootName === 'worksheet')) {
      throw new ImportError('xlsx-corrupt', { part: this.partName }, `${this.partName} ends before </sheetData>`);
    }
    this.phase = Phase.Done;
    this.carry = EMPTY;
  }

  /**
   * Scans `before + bytes` from `start` and keeps the unread rest as the carry. The bytes are
   * copied into a work buffer with zeroed padding after them: the scanner then never reads
   * past the end of a typed array, which V8 answers with `undefined` and, once it has seen that
   * happen at a load, compiles that load into a slower generic one.
   */
  private scan(before: Uint8Array, bytes: Uint8Array, start: number): void {
    const length = before.length + bytes.length;
    if (this.work.length < length + PADDING) this.work = new Uint8Array(Math.max(length + PADDING, this.work.length * 2));
    const work = this.work;
    work.set(before, 0);
    work.set(bytes, before.length);
    work.fill(0, length, length + PADDING);
    this.carry = EMPTY;
    const end = this.scanRows(work, start, length);
    if (this.phase === Phase.InData && end < length) this.carry = work.slice(end, length);
  }

  /** Whether the row pending in the carry can end in this chunk (its end tag, or </sheetData>, ends in it). */
  private carryMayEnd(chunk: Uint8Array): boolean {
    return endOfFirst(this.rowClose, this.carry, chunk) !== -1 || endOfFirst(this.sheetDataClose, this.carry, chunk) !== -1;
  }

  /**
   * Finds the root element's prefix and the start of `<sheetData>` in the head of the part,
   * read as Latin-1 so that string offsets are byte offsets. Moves to InData (or Done for
   * `<sheetData/>`) and returns the offset after the tag; -1 if more bytes are needed.
   */
  private findSheetData(bytes: Uint8Array): number {
    const text = this.decoder.latin1(bytes, 0, bytes.length);
    this.headResume = 0;
    if (this.rootName === '') {
      const prefix = rootPrefix(text);
      if (prefix === undefined) return -1;
      this.prefix = prefix;
      this.rowClose = bytesOf(`</${prefix}row>`);
      this.sheetDataClose = bytesOf(`</${prefix}sheetData>`);
      this.isClose = bytesOf(`</${prefix}is>`);
      this.rootName = rootLocalName(text, prefix);
    }
    const open = `<${this.prefix}sheetData`;
    for (let from = 0; ; ) {
      const at = text.indexOf(open, from);
      if (at === -1) {
        this.headResume = Math.max(0, text.length - open.length);
        return -1;
      }
      this.headResume = at;
      if (at + open.length >= text.length) return -1;
      if (!isNameEnd(text.charCodeAt(at + open.length))) {
        from = at + open.length;
        continue;
      }
      const gt = text.indexOf('>', at + open.length);
      if (gt === -1) return -1;
      this.phase = text.charCodeAt(gt - 1) === 47 /* / */ ? Phase.Done : Phase.InData;
      return gt + 1;
    }
  }

  /** Reads complete rows from b[start, length); returns where the unread rest starts. */
  private scanRows(b: Uint8Array, start: number, length: number): number {
    const nameOffset = 1 + this.prefix.length;
    let pos = start;
    for (;;) {
      let lt = pos;
      if (b[lt] !== 60 /* < */) {
        lt = b.indexOf(60, pos);
        if (lt === -1 || lt >= length) return length;
      }
      if (lt + 1 >= length) return lt;
      const c1 = b[lt + 1]!;
      if (c1 === 47 /* / */) {
        // Only </sheetData> closes anything at this level.
        this.phase = Phase.Done;
        return length;
      }
      if (c1 === 33 /* ! */ || c1 === 63 /* ? */) {
        const end = indexOfBytes(b, c1 === 33 ? COMMENT_END : PI_END, lt + 2, length);
        if (end === -1) return lt;
        pos = end + (c1 === 33 ? 3 : 2);
        continue;
      }
      const name = lt + nameOffset;
      if (name + 3 >= length) return lt;
      const gt = b.indexOf(62 /* > */, name);
      if (gt === -1 || gt >= length) return lt;
      if (b[name] !== 114 /* r */ || b[name + 1] !== 111 /* o */ || b[name + 2] !== 119 /* w */ || !isNameEnd(b[name + 3]!)) {
        // Not a row (nothing else belongs here); step over it.
        pos = gt + 1;
        continue;
      }
      const rowNumber = readRowNumber(b, name + 3, gt) ?? this.lastRowNumber + 1;
      if (b[gt - 1] === 47 /* / */) {
        this.lastRowNumber = rowNumber;
        this.emit(rowNumber, 0);
        pos = gt + 1;
      } else {
        const end = this.readCells(b, gt + 1, rowNumber, length);
        if (end < 0) {
          // Cut off by the end of this chunk. If the row's end tag is there all the same, the
          // row is malformed, and waiting for more bytes would only re-read it for ever.
          if (indexOfBytes(b, this.rowClose, gt, length) !== -1) throw this.corrupt(rowNumber, 'malformed row');
          return lt;
        }
        pos = end;
      }
      if (this.stoppedByConsumer) {
        this.phase = Phase.Done;
        return length;
      }
    }
  }

  /**
   * Reads the cells of a row from just after its start tag through its end tag and reports the
   * row. Returns the position after `</row>`, or -1 (reporting nothing) if the bytes end first.
   * The common shape, `<c r="B2" s="1" t="s"><v>12</v></c>`, takes a fast path; anything else
   * (whitespace, other attribute orders or quotes, formulas, inline strings) the general one.
   */
  private readCells(b: Uint8Array, start: number, rowNumber: number, length: number): number {
    const prefixLength = this.prefix.length;
    const nameOffset = 1 + prefixLength;
    const types = this.typesScratch;
    const values = this.valuesScratch;
    let count = 0;
    let column = -1;
    let p = start;
    for (;;) {
      if (b[p] !== 60 /* < */) {
        p = b.indexOf(60, p);
        if (p === -1 || p >= length) return -1;
      }
      if (p + nameOffset + 1 >= length) return -1;
      if (b[p + 1] === 47 /* / */) {
        // The only end tag at this level is </row>.
        const gt = b.indexOf(62, p);
        if (gt === -1 || gt >= length) return -1;
        if (b[p + 1 + nameOffset] !== 114 /* r */) throw this.corrupt(rowNumber, 'a row is not closed by </row>');
        this.lastRowNumber = rowNumber;
        this.emit(rowNumber, count);
        return gt + 1;
      }
      const name = p + nameOffset;
      const afterName = b[name + 1]!;
      if (b[name] !== 99 /* c */ || !isNameEnd(afterName)) {
        p = skipElement(b, p, length);
        if (p < 0) return -1;
        continue;
      }

      // Attributes: r (reference), s (style), t (type); others (cm, vm, ph) are skipped.
      let cellColumn = -1;
      let style = 0;
      let type = T_NUMBER;
      let selfClosing = false;
      let i = -1;
      // Excel's exact shape, `<c r="AB12"( s="3")?( t="s")?>`: each `=` is implied by the quote after it.
      if (afterName === 32 && b[name + 2] === 114 /* r */ && b[name + 4] === 34 /* " */) {
        let k = name + 5;
        let col = 0;
        let letter = (b[k]! & ~0x20) - 64;
        while (letter >= 1 && letter <= 26 && col <= MAX_COLUMNS) {
          col = col * 26 + letter;
          letter = (b[++k]! & ~0x20) - 64;
        }
        let j = length;
        if (k > name + 5 && col <= MAX_COLUMNS) {
          j = k;
          while (j < length && b[j] !== 34) j++; // past the row digits
        }
        if (j < length) {
          j++;
          let c = b[j]!;
          let attr = c === 32 ? b[j + 1]! : 0;
          if (attr === 115 /* s */ && b[j + 3] === 34 /* " */) {
            j += 4;
            c = b[j]!;
            while (c >= 48 && c <= 57) {
              style = style * 10 + c - 48;
              c = b[++j]!;
            }
            c = c === 34 ? b[++j]! : 0;
            attr = c === 32 ? b[j + 1]! : 0;
          }
          if (attr === 116 /* t */ && b[j + 3] === 34 /* " */) {
            const valueStart = j + 4;
            j = valueStart;
            while (j < length && b[j] !== 34) j++;
            type = typeOf(b, valueStart, j);
            c = b[++j]!;
          }
          if (c === 62 /* > */) {
            i = j + 1;
            cellColumn = col - 1;
          } else if (c === 47 /* / */ && b[j + 1] === 62 /* > */) {
            i = j + 2;
            cellColumn = col - 1;
            selfClosing = true;
          }
        }
        if (i < 0) {
          style = 0;
          type = T_NUMBER;
        }
      }
      if (i < 0) {
        // The general path: any attribute order, spacing and quoting.
        i = name + 1;
        for (;;) {
          let c = b[i]!;
          while (c === 32 || c === 10 || c === 13 || c === 9) c = b[++i]!;
          if (i >= length) return -1;
          if (c === 62 /* > */) {
            i++;
            break;
          }
          if (c === 47 /* / */) {
            selfClosing = true;
            i += 2;
            break;
          }
          const nameStart = i;
          while (i < length && b[i] !== 61 /* = */) i++;
          const attr = trimEnd(b, nameStart, i) - nameStart === 1 ? b[nameStart]! : 0;
          i++;
          while (isXmlSpace(b[i]!)) i++;
          if (i >= length) return -1;
          const quote = b[i]!;
          if (quote !== 34 && quote !== 39) throw this.corrupt(rowNumber, 'malformed <c> attributes');
          const valueStart = ++i;
          while (i < length && b[i] !== quote) i++;
          if (i >= length) return -1;
          if (attr === 114 /* r */) {
            let col = 0;
            let k = valueStart;
            for (let letter = (b[k]! & ~0x20) - 64; letter >= 1 && letter <= 26; letter = (b[++k]! & ~0x20) - 64) {
              if (col <= MAX_COLUMNS) col = col * 26 + letter;
            }
            if (k > valueStart) cellColumn = col - 1;
          } else if (attr === 115 /* s */) {
            style = Math.max(0, parseDigits(b, valueStart, i));
          } else if (attr === 116 /* t */) {
            type = typeOf(b, valueStart, i);
          }
          i++;
        }
        if (i > length) return -1;
      }
      column = cellColumn >= 0 ? cellColumn : column + 1;
      if (column >= MAX_COLUMNS) throw this.corrupt(rowNumber, 'cell column past XFD');
      p = i;
      if (selfClosing) continue;

      // Children: <v>; <f> (skipped: the cached <v> is what Excel shows); <is>; <extLst>.
      let vStart = -1;
      let vEnd = -1;
      let inline: string | undefined;
      // `<v>` right after the tag (its `<` unchecked: a cell holds elements only).
      if (b[p + nameOffset] === 118 /* v */ && b[p + nameOffset + 1] === 62 /* > */) {
        vStart = p + nameOffset + 2;
        // Text cannot contain `<`: the next one starts </v>.
        vEnd = vStart;
        while (vEnd < length && b[vEnd] !== 60) vEnd++;
        p = vEnd + 4 + prefixLength; // past </v>
        if (p + 1 + nameOffset >= length) return -1;
        // </c>; its `>` goes unchecked: after </v> nothing else could stand here in good XML.
        if (b[p + 1] === 47 /* / */ && b[p + 1 + nameOffset] === 99 /* c */) {
          p += 3 + nameOffset;
        } else {
          p = this.readCellChildren(b, p, rowNumber, length);
          if (p < 0) return -1;
        }
      } else if (
        b[p + nameOffset] === 105 /* i */ &&
        b[p + nameOffset + 1] === 115 /* s */ &&
        b[p + nameOffset + 2] === 62 /* > */ &&
        b[p + 2 * nameOffset + 3] === 116 /* t */ &&
        b[p + 2 * nameOffset + 4] === 62 /* > */ &&
        (inline = this.plainInline(b, p + 2 * nameOffset + 5, length)) !== undefined
      ) {
        // <is><t>text</t></is></c>: plainInline has read it.
        p = this.plainInlineEnd;
      } else {
        p = this.readCellChildren(b, p, rowNumber, length);
        if (p < 0) return -1;
        vStart = this.childValueStart;
        vEnd = this.childValueEnd;
        inline = this.childInline;
      }

      let value: string;
      let cellType: CellType;
      if (inline !== undefined) {
        value = inline;
        cellType = CellType.Text;
      } else if (vStart < 0 || (vStart === vEnd && type !== T_STR && type !== T_INLINE)) {
        continue; // no value: an empty (perhaps formatted) cell, or a formula never calculated
      } else if (type === T_SHARED) {
        const index = parseDigits(b, vStart, vEnd);
        const shared = index < 0 ? undefined : this.sharedStrings[index];
        if (shared === undefined) {
          throw this.corrupt(rowNumber, `shared string ${this.decoder.latin1(b, vStart, vEnd)} does not exist`);
        }
        value = shared;
        cellType = CellType.Text;
      } else if (type === T_NUMBER) {
        value = this.decoder.latin1(b, vStart, vEnd);
        cellType = style < this.dateStyles.length && this.dateStyles[style] === 1 ? CellType.Date : CellType.Number;
      } else if (type === T_BOOL) {
        const one = vEnd - vStart === 1;
        value = one && b[vStart] === 49 ? 'TRUE' : one && b[vStart] === 48 ? 'FALSE' : this.text(b, vStart, vEnd);
        cellType = CellType.Bool;
      } else if (type === T_DATE) {
        const raw = this.text(b, vStart, vEnd);
        const serial = dateTimeToSerial(raw, this.date1904);
        value = serial === null ? raw : String(serial);
        cellType = serial === null ? CellType.Text : CellType.Date;
      } else {
        value = this.text(b, vStart, vEnd);
        cellType = type === T_ERROR ? CellType.Error : CellType.Text;
      }

      if (column >= count) {
        while (count < column) {
          values[count] = '';
          types[count++] = CellType.Empty;
        }
        count++;
      }
      // (A cell out of order overwrites: the later one wins.)
      values[column] = value;
      types[column] = cellType;
    }
  }

  /**
   * The text of the usual inline string, `<is><t>text</t></is></c>` from just after `<t>`, with
   * the position after `</c>` in plainInlineEnd; undefined for any other shape.
   */
  private plainInline(b: Uint8Array, textStart: number, length: number): string | undefined {
    const prefixLength = this.prefix.length;
    const textEnd = plainTextEnd(b, textStart, length, this.textScan);
    const escaped = this.textScan.escaped;
    const isClose = textEnd + 4 + prefixLength; // after </t>
    const cellClose = isClose + 5 + prefixLength; // after </is>
    const end = cellClose + 4 + prefixLength; // after </c>
    if (
      end > length ||
      b[textEnd + 1] !== 47 /* / */ ||
      b[isClose + 1] !== 47 ||
      b[isClose + 2 + prefixLength] !== 105 /* i */ ||
      b[cellClose + 1] !== 47 ||
      b[cellClose + 2 + prefixLength] !== 99 /* c */
    ) {
      return undefined;
    }
    this.plainInlineEnd = end;
    const text = textEnd === textStart ? '' : this.decoder.utf8(b, textStart, textEnd);
    return escaped ? unescapeXmlText(text) : text;
  }

  /**
   * The general path through a cell's children, from just after its start tag: returns the
   * position after `</c>` (or -1 if the bytes end first) and leaves the value in the child* fields.
   */
  private readCellChildren(b: Uint8Array, start: number, rowNumber: number, length: number): number {
    const nameOffset = 1 + this.prefix.length;
    this.childValueStart = -1;
    this.childValueEnd = -1;
    this.childInline = undefined;
    let p = start;
    for (;;) {
      const lt = b.indexOf(60, p);
      if (lt === -1 || lt + nameOffset + 2 >= length) return -1;
      const cn = lt + nameOffset;
      if (b[lt + 1] === 47 /* / */) {
        // <v>, <f> and <is> are stepped over whole, so the first end tag here is </c>.
        if (b[cn + 1] !== 99 /* c */ || !isNameEnd(b[cn + 2]!)) throw this.corrupt(rowNumber, 'a cell is not closed by </c>');
        const gt = b.indexOf(62, lt);
        return gt === -1 || gt >= length ? -1 : gt + 1;
      }
      const c0 = b[cn]!;
      if (c0 === 118 /* v */ && isNameEnd(b[cn + 1]!)) {
        const gt = b.indexOf(62, cn);
        if (gt === -1 || gt >= length) return -1;
        if (b[gt - 1] === 47 /* / */) {
          this.childValueStart = this.childValueEnd = gt + 1;
          p = gt + 1;
        } else {
          const end = b.indexOf(60, gt + 1);
          if (end === -1 || end >= length) return -1;
          const closeEnd = b.indexOf(62, end);
          if (closeEnd === -1 || closeEnd >= length) return -1;
          this.childValueStart = gt + 1;
          this.childValueEnd = end;
          p = closeEnd + 1;
        }
      } else if (c0 === 105 /* i */ && b[cn + 1] === 115 /* s */ && isNameEnd(b[cn + 2]!)) {
        const gt = b.indexOf(62, cn);
        if (gt === -1 || gt >= length) return -1;
        if (b[gt - 1] === 47 /* / */) {
          this.childInline = '';
          p = gt + 1;
        } else {
          const close = indexOfBytes(b, this.isClose, gt, length);
          if (close === -1) return -1;
          this.childInline = richTextOfBytes(b, gt + 1, close, this.prefix, this.decoder);
          p = close + 4 + this.prefix.length;
        }
      } else {
        p = skipElement(b, lt, length);
        if (p < 0) return -1;
      }
    }
  }

  /** Cell text: UTF-8, with XML and OOXML escapes undone. */
  private text(b: Uint8Array, start: number, end: number): string {
    return unescapeXmlText(this.decoder.utf8(b, start, end));
  }

  /** Reports the row held in the scratch arrays: fresh exact-size copies, or the scratch itself. */
  private emit(rowNumber: number, count: number): void {
    let row: SheetRow;
    if (this.reusedRow !== null) {
      row = this.reusedRow;
      row.rowNumber = rowNumber;
      row.count = count;
    } else {
      row = { rowNumber, values: this.valuesScratch.slice(0, count), types: this.typesScratch.slice(0, count) };
    }
    if (this.onRow(row) === false) this.stoppedByConsumer = true;
  }

  private corrupt(rowNumber: number, detail: string): ImportError {
    return new ImportError('xlsx-corrupt', { part: this.partName, row: rowNumber }, `${this.partName} row ${rowNumber}: ${detail}`);
  }
}

const COMMENT_END = bytesOf('-->');
const PI_END = bytesOf('?>');

/** Steps over the element starting at `lt` (start tag, content, end tag); -1 if the bytes end first. */
function skipElement(b: Uint8Array, lt: number, length: number): number {
  const gt = b.indexOf(62, lt);
  if (gt === -1 || gt >= length) return -1;
  const c1 = b[lt + 1];
  if (c1 === 47 /* / */ || c1 === 33 /* ! */ || c1 === 63 /* ? */ || b[gt - 1] === 47) return gt + 1;
  let nameEnd = lt + 1;
  while (nameEnd < gt && !isNameEnd(b[nameEnd]!)) nameEnd++;
  const close = new Uint8Array(nameEnd - lt + 2);
  close[0] = 60;
  close[1] = 47;
  close.set(b.subarray(lt + 1, nameEnd), 2);
  close[close.length - 1] = 62;
  const at = indexOfBytes(b, close, gt + 1, length);
  return at === -1 ? -1 : at + close.length;
}

/** The `r` attribute of a row's start tag b[from, to), if there is a usable one. */
function readRowNumber(b: Uint8Array, from: number, to: number): number | undefined {
  let i = from;
  while (i < to) {
    while (i < to && isXmlSpace(b[i]!)) i++;
    const nameStart = i;
    while (i < to && b[i] !== 61 /* = */) i++;
    const nameEnd = trimEnd(b, nameStart, i);
    i++;
    while (i < to && isXmlSpace(b[i]!)) i++;
    const quote = b[i];
    if (quote !== 34 && quote !== 39) return undefined;
    const valueStart = i + 1;
    let valueEnd = valueStart;
    while (valueEnd < to && b[valueEnd] !== quote) valueEnd++;
    if (valueEnd >= to) return undefined;
    if (nameEnd - nameStart === 1 && b[nameStart] === 114 /* r */) {
      const n = parseDigits(b, valueStart, valueEnd);
      return n > 0 ? n : undefined;
    }
    i = valueEnd + 1;
  }
  return undefined;
}

function rootLocalName(text: string, prefix: string): string {
  let at = 0;
  for (;;) {
    at = text.indexOf('<', at);
    const c = text.charCodeAt(at + 1);
    if (c !== 63 && c !== 33) break;
    at++;
  }
  let end = at + 1 + prefix.length;
  while (end < text.length && !isNameEnd(text.charCodeAt(end))) end++;
  return text.slice(at + 1 + prefix.length, end);
}

function trimEnd(b: Uint8Array, start: number, end: number): number {
  while (end > start && isXmlSpace(b[end - 1]!)) end--;
  return end;
}

/** A non-negative decimal integer filling b[start, end); -1 otherwise. */
function parseDigits(b: Uint8Array, start: number, end: number): number {
  if (start >= end) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function typeOf(b: Uint8Array, start: number, end: number): number {
  const length = end - start;
  const c = b[start];
  if (length === 1) {
    if (c === 115 /* s */) return T_SHARED;
    if (c === 110 /* n */) return T_NUMBER;
    if (c === 98 /* b */) return T_BOOL;
    if (c === 101 /* e */) return T_ERROR;
    if (c === 100 /* d */) return T_DATE;
  } else if (length === 3 && c === 115 /* s */) return T_STR;
  else if (length === 9 && c === 105 /* i */) return T_INLINE;
  return T_OTHER;
}
