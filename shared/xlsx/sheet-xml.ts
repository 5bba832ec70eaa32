/**
 * A worksheet part (`xl/worksheets/sheetN.xml`), read incrementally, one `<row>` at a time.
 *
 * A 1,000,000-row bill re-saved by Excel is about 1 GB of XML, so this is the hot loop of an
 * import: it walks the text with indexOf and charCodeAt, parses attributes in place, and cuts
 * out nothing but each cell's value.
 *
 * Rows are reported as they appear in the file: rows absent from the file (Excel leaves out
 * empty rows) are not made up, and a `<row>` without cells is reported with no values.
 */
import { ImportError } from '../errors.ts';
import { CellType, type SheetRow } from '../table/cells.ts';
import { dateTimeToSerial } from './serial-date.ts';
import { isXmlSpace, richText, rootPrefix } from './shared-strings.ts';
import { detach, unescapeXmlText } from './xml-text.ts';

export interface SheetScannerOptions {
  /** The shared string table; `t="s"` cells index into it. */
  sharedStrings: readonly string[];
  /** From parseDateStyles: 1 for each `s=` style index that shows numbers as dates. */
  dateStyles: Uint8Array;
  /** For `t="d"` (ISO date) cells, which are turned into serials like other dates. */
  date1904?: boolean;
  /**
   * Called once per row. The row, its `values` and `types` are fresh objects the consumer may
   * keep; values never keep the XML they were cut from alive. Returning false stops the scan.
   */
  onRow: (row: SheetRow) => void | boolean;
  /** For error messages. */
  partName?: string;
}

/** Columns A..XFD. */
const MAX_COLUMNS = 16384;
/** A row longer than this is damage, not data: 16,384 cells of 32,767 characters is the theoretical most, far beyond. */
const MAX_ROW_CHARS = 64 * 1024 * 1024;

const Phase = { Root: 0, BeforeData: 1, InData: 2, Done: 3 } as const;
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

export class SheetXmlScanner {
  private readonly sharedStrings: readonly string[];
  private readonly dateStyles: Uint8Array;
  private readonly date1904: boolean;
  private readonly onRow: (row: SheetRow) => void | boolean;
  private readonly partName: string;

  private phase: Phase = Phase.Root;
  private stoppedByConsumer = false;
  private rootName = '';
  private prefix = '';
  private rowClose = '</row>';
  private sheetDataOpen = '<sheetData';
  private sheetDataClose = '</sheetData>';
  private carry = '';
  private lastRowNumber = 0;
  /** Types of the row being read; copied out (`slice`) for each row. */
  private readonly typesScratch = new Uint8Array(MAX_COLUMNS);

  constructor(options: SheetScannerOptions) {
    this.sharedStrings = options.sharedStrings;
    this.dateStyles = options.dateStyles;
    this.date1904 = options.date1904 ?? false;
    this.onRow = options.onRow;
    this.partName = options.partName ?? 'worksheet';
  }

  /** True once onRow has returned false. */
  get stopped(): boolean {
    return this.stoppedByConsumer;
  }

  /** Feeds the next piece of the XML; pieces may be cut anywhere. Returns false once stopped. */
  push(chunk: string): boolean {
    if (this.phase === Phase.Done) return !this.stoppedByConsumer;
    if (this.phase === Phase.InData && this.carry.length > 0) return this.pushAfterCarry(chunk);
    const text = this.carry.length === 0 ? chunk : this.carry + chunk;
    this.carry = '';
    let pos = 0;
    if (this.phase === Phase.Root) {
      const prefix = rootPrefix(text);
      if (prefix === undefined) {
        this.carry = text;
        return true;
      }
      this.prefix = prefix;
      this.rowClose = `</${prefix}row>`;
      this.sheetDataOpen = `<${prefix}sheetData`;
      this.sheetDataClose = `</${prefix}sheetData>`;
      this.rootName = rootLocalName(text, prefix);
      this.phase = Phase.BeforeData;
    }
    if (this.phase === Phase.BeforeData) {
      pos = this.findSheetData(text);
      if (pos < 0) {
        // Keep a tail long enough to hold a `<sheetData` cut in half.
        this.carry = text.slice(Math.max(0, text.length - this.sheetDataOpen.length - 1));
        return true;
      }
    }
    if (this.phase === Phase.InData) {
      pos = this.scanRows(text, pos);
      if (this.phase === Phase.InData && pos < text.length) this.carry = text.slice(pos);
    }
    return !this.stoppedByConsumer;
  }

  /**
   * The row cut off at the end of the last chunk is completed from the start of this one. Only
   * that row is joined (`carry + chunk` would be a cons string, slower to read character by
   * character than the flat chunk), and only once its end tag has arrived, so a row longer than
   * a chunk is not re-read for every piece of it.
   */
  private pushAfterCarry(chunk: string): boolean {
    const carry = this.carry;
    // What is pending is a row (up to its end tag) or, at the end, </sheetData> itself.
    let cut = endOfFirst(this.rowClose, carry, chunk);
    if (cut === -1) cut = endOfFirst(this.sheetDataClose, carry, chunk);
    if (cut === -1) {
      if (carry.length + chunk.length > MAX_ROW_CHARS) {
        throw new ImportError('xlsx-corrupt', { part: this.partName }, `a row of ${this.partName} exceeds ${MAX_ROW_CHARS} characters`);
      }
      this.carry = carry + chunk;
      return true;
    }
    this.carry = '';
    const head = carry + chunk.slice(0, cut);
    const headEnd = this.scanRows(head, 0);
    if (this.phase !== Phase.InData) return !this.stoppedByConsumer;
    let text = chunk;
    let pos = cut;
    if (headEnd < head.length) {
      // What was pending was not a row after all (a comment, say): read on from the joined text.
      text = head.slice(headEnd) + chunk.slice(cut);
      pos = 0;
    }
    pos = this.scanRows(text, pos);
    if (this.phase === Phase.InData && pos < text.length) this.carry = text.slice(pos);
    return !this.stoppedByConsumer;
  }

  /** Call after the last chunk: throws if the XML ended inside the sheet data. */
  finish(): void {
    if (this.stoppedByConsumer) return;
    if (this.phase === Phase.InData && this.carry.length > 0) {
      // A last self-closing row, say, still waiting for an end tag that no row will bring.
      const text = this.carry;
      this.carry = '';
      const end = this.scanRows(text, 0);
      if (this.stoppedByConsumer) return;
      if (this.phase === Phase.InData && end < text.length) this.carry = text.slice(end);
    }
    if (this.phase === Phase.InData || (this.phase !== Phase.Done && this.rootName === 'worksheet')) {
      throw new ImportError('xlsx-corrupt', { part: this.partName }, 'worksheet XML ends before </sheetData>');
    }
    this.phase = Phase.Done;
  }

  /** Moves to InData (or Done for `<sheetData/>`); returns the position after the tag, or -1. */
  private findSheetData(text: string): number {
    const open = this.sheetDataOpen;
    let from = 0;
    for (;;) {
      const at = text.indexOf(open, from);
      if (at === -1) return -1;
      const after = text.charCodeAt(at + open.length);
      if (Number.isNaN(after)) return -1;
      if (!isNameEnd(after)) {
        from = at + open.length;
        continue;
      }
      const gt = text.indexOf('>', at + open.length);
      if (gt === -1) return -1;
      this.phase = text.charCodeAt(gt - 1) === 47 /* / */ ? Phase.Done : Phase.InData;
      return gt + 1;
    }
  }

  /** Reads complete rows from text[pos...]; returns where the unread rest starts. */
  private scanRows(text: string, start: number): number {
    const nameOffset = 1 + this.prefix.length;
    let pos = start;
    for (;;) {
      let lt = pos;
      if (text.charCodeAt(lt) !== 60 /* < */) {
        lt = text.indexOf('<', pos);
        if (lt === -1) return text.length;
      }
      const c1 = text.charCodeAt(lt + 1);
      if (c1 === 47 /* / */) {
        // Only </sheetData> closes anything at this level.
        this.phase = Phase.Done;
        return text.length;
      }
      if (c1 === 33 /* ! */ || c1 === 63 /* ? */) {
        const endMark = c1 === 33 ? '-->' : '?>';
        const end = text.indexOf(endMark, lt + 2);
        if (end === -1) return lt;
        pos = end + endMark.length;
        continue;
      }
      const name = lt + nameOffset;
      const afterName = text.charCodeAt(name + 3);
      if (Number.isNaN(afterName)) return lt;
      const gt = text.indexOf('>', name);
      if (gt === -1) return lt;
      if (
        text.charCodeAt(name) !== 114 /* r */ ||
        text.charCodeAt(name + 1) !== 111 /* o */ ||
        text.charCodeAt(name + 2) !== 119 /* w */ ||
        !isNameEnd(afterName)
      ) {
        // Not a row (nothing else belongs here); step over it.
        pos = gt + 1;
        continue;
      }
      const rowNumber = readRowNumber(text, name + 3, gt) ?? this.lastRowNumber + 1;
      if (text.charCodeAt(gt - 1) === 47 /* / */) {
        this.lastRowNumber = rowNumber;
        this.emit(rowNumber, [], 0);
        pos = gt + 1;
      } else {
        const end = this.readCells(text, gt + 1, rowNumber);
        if (end < 0) {
          // Cut off by the end of this chunk. If the row's end tag is there all the same, the
          // row is malformed, and waiting for more text would only re-read it for ever.
          if (text.indexOf(this.rowClose, gt) !== -1) throw this.corrupt(rowNumber, 'malformed row');
          return lt;
        }
        pos = end;
      }
      if (this.stoppedByConsumer) {
        this.phase = Phase.Done;
        return text.length;
      }
    }
  }

  /**
   * Reads the cells of a row from just after its start tag through its end tag and reports the
   * row. Returns the position after `</row>`, or -1 (reporting nothing) if the text ends first.
   * The common shape, `<c r="B2" s="1" t="s"><v>12</v></c>`, is read with one indexOf (the end
   * of the value); anything else (whitespace, formulas, inline strings) takes the general path.
   */
  private readCells(text: string, start: number, rowNumber: number): number {
    const prefixLength = this.prefix.length;
    const nameOffset = 1 + prefixLength;
    const types = this.typesScratch;
    const values: string[] = [];
    let count = 0;
    let column = -1;
    let p = start;
    for (;;) {
      if (text.charCodeAt(p) !== 60 /* < */) {
        p = text.indexOf('<', p);
        if (p === -1) return -1;
      }
      const c1 = text.charCodeAt(p + 1);
      if (c1 === 47 /* / */) {
        // The only end tag at this level is </row>.
        const gt = text.indexOf('>', p);
        if (gt === -1) return -1;
        if (text.charCodeAt(p + 1 + nameOffset) !== 114 /* r */) throw this.corrupt(rowNumber, 'a row is not closed by </row>');
        this.lastRowNumber = rowNumber;
        this.emit(rowNumber, values, count);
        return gt + 1;
      }
      const name = p + nameOffset;
      const afterName = text.charCodeAt(name + 1);
      if (Number.isNaN(afterName)) return -1;
      if (text.charCodeAt(name) !== 99 /* c */ || !isNameEnd(afterName)) {
        p = skipElement(text, p);
        if (p < 0) return -1;
        continue;
      }

      // Attributes: r (reference), s (style), t (type); others (cm, vm, ph) are skipped.
      let cellColumn = -1;
      let style = 0;
      let type = T_NUMBER;
      let selfClosing = false;
      let i = -1;
      // Each character read costs about as much as a comparison loop iteration, so Excel's exact
      // shape, `<c r="AB12"( s="3")?( t="s")?>`, is read with as few as possible: the positions of
      // `=` are implied by those of the quotes, and the row digits are jumped over with indexOf.
      if (afterName === 32 && text.charCodeAt(name + 2) === 114 /* r */ && text.charCodeAt(name + 4) === 34 /* " */) {
        let k = name + 5;
        let col = 0;
        let letter = (text.charCodeAt(k) & ~0x20) - 64;
        while (letter >= 1 && letter <= 26 && col <= MAX_COLUMNS) {
          col = col * 26 + letter;
          letter = (text.charCodeAt(++k) & ~0x20) - 64;
        }
        const quote = k > name + 5 && col <= MAX_COLUMNS ? text.indexOf('"', k) : -1;
        if (quote !== -1) {
          let j = quote + 1;
          let c = text.charCodeAt(j);
          let attr = c === 32 ? text.charCodeAt(j + 1) : 0;
          if (attr === 115 /* s */ && text.charCodeAt(j + 3) === 34 /* " */) {
            j += 4;
            c = text.charCodeAt(j);
            while (c >= 48 && c <= 57) {
              style = style * 10 + c - 48;
              c = text.charCodeAt(++j);
            }
            c = c === 34 ? text.charCodeAt(++j) : -1;
            attr = c === 32 ? text.charCodeAt(j + 1) : 0;
          }
          if (attr === 116 /* t */ && text.charCodeAt(j + 3) === 34 /* " */) {
            const first = text.charCodeAt(j + 4);
            if (text.charCodeAt(j + 5) === 34 /* " */) {
              type = typeOfOneLetter(first);
              j += 6;
            } else {
              const end = text.indexOf('"', j + 4);
              type = end === -1 ? T_NUMBER : parseType(text, j + 4, end);
              j = end === -1 ? text.length : end + 1;
            }
            c = text.charCodeAt(j);
          }
          if (c === 62 /* > */) {
            i = j + 1;
            cellColumn = col - 1;
          } else if (c === 47 /* / */ && text.charCodeAt(j + 1) === 62 /* > */) {
            i = j + 2;
            cellColumn = col - 1;
            selfClosing = true;
          } else {
            style = 0;
            type = T_NUMBER;
          }
        }
      }
      if (i < 0) {
        // The general path: any attribute order, spacing and quoting.
        i = name + 1;
        for (;;) {
          let c = text.charCodeAt(i);
          while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
          if (c === 62 /* > */) {
            i++;
            break;
          }
          if (c === 47 /* / */) {
            selfClosing = true;
            i += 2;
            break;
          }
          // Each character read costs: Excel's `r="B2"` shape is recognised with as few as possible.
          let attr = 0;
          let quote = 34;
          if (text.charCodeAt(i + 1) === 61 /* = */ && text.charCodeAt(i + 2) === 34 /* " */) {
            attr = c;
            i += 3;
          } else {
            if (Number.isNaN(c)) return -1;
            const nameStart = i;
            while (c !== 61 /* = */ && c === c) c = text.charCodeAt(++i);
            if (trimEnd(text, nameStart, i) - nameStart === 1) attr = text.charCodeAt(nameStart);
            c = text.charCodeAt(++i);
            while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
            if (c !== 34 && c !== 39) {
              if (Number.isNaN(c)) return -1;
              throw this.corrupt(rowNumber, 'malformed <c> attributes');
            }
            quote = c;
            i++;
          }
          if (attr === 114 /* r */) {
            // Letters then digits: the letters are the column; the row digits are not needed.
            let col = 0;
            c = text.charCodeAt(i);
            let letter = (c & ~0x20) - 64;
            const lettersStart = i;
            while (letter >= 1 && letter <= 26) {
              if (col <= MAX_COLUMNS) col = col * 26 + letter;
              c = text.charCodeAt(++i);
              letter = (c & ~0x20) - 64;
            }
            if (i > lettersStart) cellColumn = col - 1;
            // The row digits are not needed; one indexOf is cheaper than reading 5 or 6 of them.
            c = -1;
          } else if (attr === 115 /* s */) {
            c = text.charCodeAt(i);
            while (c >= 48 && c <= 57) {
              style = style * 10 + c - 48;
              c = text.charCodeAt(++i);
            }
          } else if (attr === 116 /* t */) {
            const first = text.charCodeAt(i);
            c = text.charCodeAt(++i);
            if (c === quote) type = typeOfOneLetter(first);
            else {
              const valueStart = i - 1;
              while (c !== quote && c === c) c = text.charCodeAt(++i);
              type = parseType(text, valueStart, i);
            }
          } else {
            c = -1;
          }
          if (c !== quote) {
            i = text.indexOf(quote === 34 ? '"' : "'", i);
            if (i === -1) return -1;
          }
          i++;
        }
      }
      if (i > text.length) return -1;
      column = cellColumn >= 0 ? cellColumn : column + 1;
      if (column >= MAX_COLUMNS) throw this.corrupt(rowNumber, 'cell column past XFD');
      p = i;
      if (selfClosing) continue;

      // Children: <v>; <f> (skipped: the cached <v> is what Excel shows); <is>; <extLst>.
      let vStart = -1;
      let vEnd = -1;
      let inline: string | undefined;
      // `<v>` (its `<` unchecked: a cell holds elements only, so `v>` right after the tag is one).
      if (text.charCodeAt(p + nameOffset) === 118 /* v */ && text.charCodeAt(p + nameOffset + 1) === 62 /* > */) {
        // Fast path: <v>text</v></c>
        vStart = p + nameOffset + 2;
        vEnd = text.indexOf('<', vStart);
        if (vEnd === -1) return -1;
        p = vEnd + 4 + prefixLength; // past </v>
        // </c>; its `<` and `>` go unchecked: after </v> nothing else could stand here in good XML.
        if (text.charCodeAt(p + 1) === 47 /* / */ && text.charCodeAt(p + 1 + nameOffset) === 99 /* c */) {
          p += 3 + nameOffset; // past </c>
        } else {
          p = this.readCellChildren(text, p, rowNumber);
          if (p < 0) return -1;
        }
      } else {
        p = this.readCellChildren(text, p, rowNumber);
        if (p < 0) return -1;
        vStart = this.childValueStart;
        vEnd = this.childValueEnd;
        inline = this.childInline;
      }

      let value: string;
      let cellType: CellType;
      if (inline !== undefined) {
        value = detach(inline);
        cellType = CellType.Text;
      } else if (vStart < 0 || (vStart === vEnd && type !== T_STR && type !== T_INLINE)) {
        continue; // no value: an empty (perhaps formatted) cell, or a formula never calculated
      } else if (type === T_SHARED) {
        let index = 0;
        let k = vStart;
        for (; k < vEnd; k++) {
          const d = text.charCodeAt(k) - 48;
          if (d < 0 || d > 9) break;
          index = index * 10 + d;
        }
        const shared = k === vEnd ? this.sharedStrings[index] : undefined;
        if (shared === undefined) {
          throw this.corrupt(rowNumber, `shared string ${text.slice(vStart, vEnd)} does not exist`);
        }
        value = shared;
        cellType = CellType.Text;
      } else if (type === T_NUMBER) {
        value = detach(text.slice(vStart, vEnd));
        cellType = style < this.dateStyles.length && this.dateStyles[style] === 1 ? CellType.Date : CellType.Number;
      } else if (type === T_BOOL) {
        const raw = text.slice(vStart, vEnd);
        value = raw === '1' ? 'TRUE' : raw === '0' ? 'FALSE' : detach(raw);
        cellType = CellType.Bool;
      } else if (type === T_ERROR) {
        value = detach(unescapeXmlText(text.slice(vStart, vEnd)));
        cellType = CellType.Error;
      } else if (type === T_DATE) {
        const raw = detach(unescapeXmlText(text.slice(vStart, vEnd)));
        const serial = dateTimeToSerial(raw, this.date1904);
        value = serial === null ? raw : String(serial);
        cellType = serial === null ? CellType.Text : CellType.Date;
      } else {
        value = detach(unescapeXmlText(text.slice(vStart, vEnd)));
        cellType = CellType.Text;
      }

      if (column === count) {
        values.push(value);
        count++;
      } else if (column > count) {
        while (count < column) {
          values.push('');
          types[count++] = CellType.Empty;
        }
        values.push(value);
        count++;
      } else {
        values[column] = value; // cells out of order: the later one wins
      }
      types[column] = cellType;
    }
  }

  /** Set by readCellChildren: where the `<v>` text is (-1: none), and the `<is>` text. */
  private childValueStart = -1;
  private childValueEnd = -1;
  private childInline: string | undefined;

  /**
   * The general path through a cell's children, from just after its start tag: returns the
   * position after `</c>` (or -1 if the text ends first) and leaves the value in the child* fields.
   */
  private readCellChildren(text: string, start: number, rowNumber: number): number {
    const nameOffset = 1 + this.prefix.length;
    this.childValueStart = -1;
    this.childValueEnd = -1;
    this.childInline = undefined;
    let p = start;
    for (;;) {
      const lt = text.indexOf('<', p);
      if (lt === -1) return -1;
      const c1 = text.charCodeAt(lt + 1);
      if (c1 === 47 /* / */) {
        // <v>, <f> and <is> are stepped over whole, so the first end tag here is </c>.
        const after = text.charCodeAt(lt + 2 + nameOffset);
        if (Number.isNaN(after)) return -1;
        if (text.charCodeAt(lt + 1 + nameOffset) !== 99 /* c */ || !isNameEnd(after)) {
          throw this.corrupt(rowNumber, 'a cell is not closed by </c>');
        }
        const gt = text.indexOf('>', lt);
        return gt === -1 ? -1 : gt + 1;
      }
      const cn = lt + nameOffset;
      const c0 = text.charCodeAt(cn);
      if (Number.isNaN(text.charCodeAt(cn + 2))) return -1;
      if (c0 === 118 /* v */ && isNameEnd(text.charCodeAt(cn + 1))) {
        const gt = text.indexOf('>', cn);
        if (gt === -1) return -1;
        if (text.charCodeAt(gt - 1) === 47 /* / */) {
          this.childValueStart = this.childValueEnd = gt + 1;
          p = gt + 1;
        } else {
          // Text cannot contain `<`: the next one starts </v>.
          const end = text.indexOf('<', gt + 1);
          if (end === -1) return -1;
          const closeEnd = text.indexOf('>', end);
          if (closeEnd === -1) return -1;
          this.childValueStart = gt + 1;
          this.childValueEnd = end;
          p = closeEnd + 1;
        }
      } else if (c0 === 105 /* i */ && text.charCodeAt(cn + 1) === 115 /* s */ && isNameEnd(text.charCodeAt(cn + 2))) {
        const gt = text.indexOf('>', cn);
        if (gt === -1) return -1;
        if (text.charCodeAt(gt - 1) === 47 /* / */) {
          this.childInline = '';
          p = gt + 1;
        } else {
          const close = text.indexOf(`</${this.prefix}is>`, gt);
          if (close === -1) return -1;
          this.childInline = richText(text, gt + 1, close, this.prefix);
          p = close + 4 + this.prefix.length;
        }
      } else {
        p = skipElement(text, lt);
        if (p < 0) return -1;
      }
      if (p > text.length) throw this.corrupt(rowNumber, 'malformed cell');
    }
  }

  private emit(rowNumber: number, values: string[], count: number): void {
    const row: SheetRow = { rowNumber, values, types: this.typesScratch.slice(0, count) };
    if (this.onRow(row) === false) this.stoppedByConsumer = true;
  }

  private corrupt(rowNumber: number, detail: string): ImportError {
    return new ImportError('xlsx-corrupt', { part: this.partName, row: rowNumber }, `${this.partName} row ${rowNumber}: ${detail}`);
  }
}

/**
 * The position just after the first `tag` that ends within `chunk`, looking across the seam
 * with the text before it; -1 if there is none.
 */
function endOfFirst(tag: string, before: string, chunk: string): number {
  const keep = Math.min(before.length, tag.length - 1);
  const seam = before.slice(before.length - keep) + chunk.slice(0, tag.length - 1);
  const inSeam = seam.indexOf(tag);
  if (inSeam !== -1) return inSeam + tag.length - keep;
  const at = chunk.indexOf(tag);
  return at === -1 ? -1 : at + tag.length;
}

/** Steps over the element starting at `lt` (start tag, content, end tag); -1 if the text ends first. */
function skipElement(text: string, lt: number): number {
  const gt = text.indexOf('>', lt);
  if (gt === -1) return -1;
  const c1 = text.charCodeAt(lt + 1);
  if (c1 === 47 /* / */ || c1 === 33 /* ! */ || c1 === 63 /* ? */ || text.charCodeAt(gt - 1) === 47) return gt + 1;
  let nameEnd = lt + 1;
  while (nameEnd < gt && !isNameEnd(text.charCodeAt(nameEnd))) nameEnd++;
  const close = text.indexOf(`</${text.slice(lt + 1, nameEnd)}>`, gt + 1);
  return close === -1 ? -1 : close + nameEnd - lt + 2;
}

/** The `r` attribute of a row's start tag text[from, to), if there is a usable one. */
function readRowNumber(text: string, from: number, to: number): number | undefined {
  let i = from;
  while (i < to) {
    while (i < to && isXmlSpace(text.charCodeAt(i))) i++;
    const nameStart = i;
    while (i < to && text.charCodeAt(i) !== 61 /* = */) i++;
    const nameEnd = trimEnd(text, nameStart, i);
    i++;
    while (i < to && isXmlSpace(text.charCodeAt(i))) i++;
    const quote = text.charCodeAt(i);
    if (quote !== 34 && quote !== 39) return undefined;
    const valueStart = i + 1;
    const valueEnd = text.indexOf(quote === 34 ? '"' : "'", valueStart);
    if (valueEnd === -1 || valueEnd > to) return undefined;
    if (nameEnd - nameStart === 1 && text.charCodeAt(nameStart) === 114 /* r */) {
      const n = parseDigits(text, valueStart, valueEnd);
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

function isNameEnd(c: number): boolean {
  return c === 62 /* > */ || c === 47 /* / */ || c === 32 || c === 10 || c === 13 || c === 9;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isXmlSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** A non-negative decimal integer; -1 if there is none. */
function parseDigits(text: string, start: number, end: number): number {
  let n = 0;
  let i = start;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return i === start ? -1 : n;
}

function typeOfOneLetter(c: number): number {
  if (c === 115 /* s */) return T_SHARED;
  if (c === 110 /* n */) return T_NUMBER;
  if (c === 98 /* b */) return T_BOOL;
  if (c === 101 /* e */) return T_ERROR;
  if (c === 100 /* d */) return T_DATE;
  return T_OTHER;
}

function parseType(text: string, start: number, end: number): number {
  const length = end - start;
  const c = text.charCodeAt(start);
  if (length === 1) return typeOfOneLetter(c);
  if (length === 3 && c === 115 /* s */) return T_STR;
  else if (length === 9 && c === 105 /* i */) return T_INLINE;
  return T_OTHER;
}
