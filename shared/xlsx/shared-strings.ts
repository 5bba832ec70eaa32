/**
 * The shared string table (`xl/sharedStrings.xml`), read incrementally: Excel stores every text
 * cell as an index into it, so for a re-saved WeChat bill it holds every id in the file and can
 * be hundreds of MB.
 *
 * Like the worksheet scanner it reads bytes, not text, and decodes each string on its own with
 * the injected decoder. That is faster than decoding the part and cutting strings out of it, and
 * it leaves each string a fresh copy in V8's compact one-byte form when it is ASCII (as ids are)
 * instead of a view that keeps a whole decoded chunk alive, two bytes a character if the chunk
 * held any Chinese.
 */
import { ImportError } from '../errors.ts';
import { copyBytes } from '../table/bytes.ts';
import type { ByteDecoder } from '../table/row-cursor.ts';
import { unescapeXmlText } from './xml-text.ts';

/** Reused out-parameter of plainTextEnd on the hot path. */
const TEXT_SCAN = { escaped: false };

/** UTF-8 and Latin-1 (for ASCII) decoding, injected: `shared/` has no TextDecoder. */
export type XmlDecoder = Pick<ByteDecoder, 'utf8' | 'latin1'>;

const EMPTY = new Uint8Array(0);
/** Zeros after the scanned bytes, so that look-ahead never reads past the array (see SheetXmlScanner.scan). */
const PADDING = 64;
/** A string longer than this is taken for damage: Excel's limit is 32,767 characters. */
const MAX_STRING_BYTES = 16 * 1024 * 1024;

export class SharedStringsScanner {
  private readonly strings: string[] = [];
  private readonly decoder: XmlDecoder;
  private readonly partName: string;
  /** `x:` when the file writes `<x:sst>`; undefined until the root element has been seen. */
  private prefix: string | undefined;
  private siOpen = bytesOf('<si');
  private siClose = bytesOf('</si>');
  private carry: Uint8Array = EMPTY;
  private work = new Uint8Array(0);

  constructor(decoder: XmlDecoder, partName = 'xl/sharedStrings.xml') {
    this.decoder = decoder;
    this.partName = partName;
  }

  /** Feeds the next piece of the part's UTF-8 bytes; pieces may be cut anywhere. */
  push(chunk: Uint8Array): void {
    if (this.prefix === undefined) {
      const head = this.carry.length === 0 ? chunk : concat(this.carry, chunk);
      const prefix = rootPrefix(this.decoder.latin1(head, 0, Math.min(head.length, 4096)));
      if (prefix === undefined && head.length < 4096) {
        this.carry = head.slice();
        return;
      }
      this.setPrefix(prefix ?? '');
      this.carry = EMPTY;
      this.scan(EMPTY, head);
      return;
    }
    if (this.carry.length > 0 && endOfFirst(this.siClose, this.carry, chunk) === -1) {
      // The pending string goes on past this chunk: keep it whole rather than re-read it.
      if (this.carry.length > MAX_STRING_BYTES) throw this.corrupt('a shared string longer than 16 MB');
      this.carry = concat(this.carry, chunk);
      return;
    }
    this.scan(this.carry, chunk);
  }

  /** The table, index = the `<v>` of a `t="s"` cell. */
  finish(): string[] {
    if (this.carry.length > 0) {
      if (this.prefix === undefined) this.setPrefix(rootPrefix(this.decoder.latin1(this.carry, 0, this.carry.length)) ?? '');
      this.scan(this.carry, EMPTY);
      if (indexOfBytes(this.carry, this.siOpen, 0, this.carry.length) !== -1) throw this.corrupt('the part ends inside <si>');
    }
    this.carry = EMPTY;
    return this.strings;
  }

  private setPrefix(prefix: string): void {
    this.prefix = prefix;
    this.siOpen = bytesOf(`<${prefix}si`);
    this.siClose = bytesOf(`</${prefix}si>`);
  }

  /** Reads every complete `<si>` of `before + bytes`; keeps the unread rest as the carry. */
  private scan(before: Uint8Array, bytes: Uint8Array): void {
    const length = before.length + bytes.length;
    if (this.work.length < length + PADDING) this.work = new Uint8Array(Math.max(length + PADDING, this.work.length * 2));
    const b = this.work;
    b.set(before, 0);
    b.set(bytes, before.length);
    b.fill(0, length, length + PADDING);
    const end = this.scanStrings(b, length);
    this.carry = end < length ? copyBytes(b, end, length) : EMPTY;
  }

  private scanStrings(b: Uint8Array, length: number): number {
    const open = this.siOpen;
    const closeLength = this.siClose.length;
    const prefix = this.prefix ?? '';
    const prefixLength = prefix.length;
    const decoder = this.decoder;
    let pos = 0;
    for (;;) {
      // The next string usually starts right where the last one ended.
      const at = b[pos] === 60 && b[pos + 1] === open[1] && b[pos + open.length - 1] === 105 /* i */ ? pos : indexOfBytes(b, open, pos, length);
      if (at === -1) return Math.max(pos, length - open.length); // an `<si` may be cut in half
      const after = at + open.length;
      if (after >= length) return at;
      const c = b[after]!;
      // Excel's usual `<si><t>text</t></si>`: a few reads and one decode.
      if (c === 62 /* > */ && b[after + 2 + prefixLength] === 116 /* t */ && b[after + 3 + prefixLength] === 62 /* > */) {
        const textStart = after + 4 + prefixLength;
        const textEnd = plainTextEnd(b, textStart, length, TEXT_SCAN);
        const escaped = TEXT_SCAN.escaped;
        const closeAt = textEnd + 4 + prefixLength; // after </t>
        if (textEnd >= length || closeAt + closeLength > length) return at;
        if (b[textEnd + 1] === 47 /* / */ && b[closeAt + 1] === 47 /* / */ && b[closeAt + 2 + prefixLength] === 115 /* s */) {
          const text = textEnd === textStart ? '' : decoder.utf8(b, textStart, textEnd);
          this.strings.push(escaped ? unescapeXmlText(text) : text);
          pos = closeAt + closeLength;
          continue;
        }
      }
      if (c !== 62 /* > */ && c !== 47 /* / */ && !isXmlSpace(c)) {
        pos = after; // `<sister>` or the like: not ours
        continue;
      }
      const tagEnd = b.indexOf(62, after);
      if (tagEnd === -1 || tagEnd >= length) return at;
      if (b[tagEnd - 1] === 47 /* / */) {
        this.strings.push('');
        pos = tagEnd + 1;
        continue;
      }
      const end = indexOfBytes(b, this.siClose, tagEnd + 1, length);
      if (end === -1) return at;
      this.strings.push(richTextOfBytes(b, tagEnd + 1, end, prefix, decoder));
      pos = end + closeLength;
    }
  }

  private corrupt(detail: string): ImportError {
    return new ImportError('xlsx-corrupt', { part: this.partName }, `${this.partName}: ${detail}`);
  }
}

/** Parses a whole shared strings part held in memory. */
export function parseSharedStrings(xml: Uint8Array, decoder: XmlDecoder, partName?: string): string[] {
  const scanner = new SharedStringsScanner(decoder, partName);
  scanner.push(xml);
  return scanner.finish();
}

/**
 * The text of a rich-text string (`<si>` or `<is>` content in b[start, end)): every `<t>`
 * concatenated, in order, including the runs of `<r>`, excluding the phonetic guides of `<rPh>`
 * (furigana or pinyin shown above the text, not part of it). Entities and `_xHHHH_` escapes are
 * undone once over the whole, as Excel does.
 */
export function richTextOfBytes(b: Uint8Array, start: number, end: number, prefix: string, decoder: XmlDecoder): string {
  const nameOffset = 1 + prefix.length;
  let raw = '';
  let pos = start;
  while (pos < end) {
    const lt = b.indexOf(60, pos);
    if (lt === -1 || lt >= end) break;
    const name = lt + nameOffset;
    if (b[name] === 116 /* t */ && isNameEnd(b[name + 1]!)) {
      const gt = b.indexOf(62, name);
      if (gt === -1 || gt >= end) break;
      if (b[gt - 1] === 47 /* / */) {
        pos = gt + 1;
        continue;
      }
      // Text cannot contain `<`, so the next one starts </t>.
      const textEnd = b.indexOf(60, gt + 1);
      if (textEnd === -1 || textEnd > end) break;
      raw += decoder.utf8(b, gt + 1, textEnd);
      pos = textEnd + 1;
    } else if (b[name] === 114 /* r */ && b[name + 1] === 80 /* P */ && b[name + 2] === 104 /* h */ && isNameEnd(b[name + 3]!)) {
      const gt = b.indexOf(62, name);
      if (gt === -1 || gt >= end) break;
      if (b[gt - 1] === 47 /* / */) {
        pos = gt + 1;
        continue;
      }
      const close = indexOfBytes(b, bytesOf(`</${prefix}rPh>`), gt, end);
      pos = close === -1 ? end : close + 6 + prefix.length;
    } else {
      pos = lt + 1;
    }
  }
  return raw.length === 0 ? raw : unescapeXmlText(raw);
}

/**
 * The namespace prefix of the document's root element (`''` or `'x:'`), or undefined if the
 * root's name is not complete in `text` yet.
 */
export function rootPrefix(text: string): string | undefined {
  let pos = 0;
  for (;;) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) return undefined;
    const c = text.charCodeAt(lt + 1);
    if (c === 63 /* ? */ || c === 33 /* ! */) {
      // The declaration, a comment or a doctype: skip past its end.
      const endMark = c === 33 && text.startsWith('<!--', lt) ? '-->' : '>';
      const end = text.indexOf(endMark, lt + 2);
      if (end === -1) return undefined;
      pos = end + endMark.length;
      continue;
    }
    let i = lt + 1;
    let colon = -1;
    for (; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (isNameEnd(ch)) break;
      if (ch === 58 /* : */) colon = i;
    }
    if (i >= text.length) return undefined;
    return colon === -1 ? '' : text.slice(lt + 1, colon + 1);
  }
}

/**
 * The position just after the first `tag` that ends within `chunk`, looking across the seam
 * with the bytes before it; -1 if there is none.
 */
export function endOfFirst(tag: Uint8Array, before: Uint8Array, chunk: Uint8Array): number {
  const keep = Math.min(before.length, tag.length - 1);
  const seam = concat(before.subarray(before.length - keep), chunk.subarray(0, tag.length - 1));
  const inSeam = indexOfBytes(seam, tag, 0, seam.length);
  if (inSeam !== -1) return inSeam + tag.length - keep;
  const at = indexOfBytes(chunk, tag, 0, chunk.length);
  return at === -1 ? -1 : at + tag.length;
}

/** The first `needle` in haystack[from, length); -1 if none. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number, length: number): number {
  const first = needle[0]!;
  const last = length - needle.length;
  for (let at = haystack.indexOf(first, from); at !== -1 && at <= last; at = haystack.indexOf(first, at + 1)) {
    let k = 1;
    while (k < needle.length && haystack[at + k] === needle[k]) k++;
    if (k === needle.length) return at;
  }
  return -1;
}

export function bytesOf(ascii: string): Uint8Array {
  const out = new Uint8Array(ascii.length);
  for (let i = 0; i < ascii.length; i++) out[i] = ascii.charCodeAt(i);
  return out;
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * The end of the text that starts at `start` (the next `<`), noting in `out.escaped` whether it
 * holds anything unescapeXmlText must undo (`&`, CR, `_xHHHH_`); `length` when no `<` follows.
 */
export function plainTextEnd(b: Uint8Array, start: number, length: number, out: { escaped: boolean }): number {
  let end = start;
  let escaped = false;
  for (; end < length; end++) {
    const x = b[end]!;
    if (x === 60 /* < */) break;
    if (x === 38 /* & */ || x === 13 /* CR */ || (x === 95 /* _ */ && b[end + 1] === 120) /* _x */) escaped = true;
  }
  out.escaped = escaped;
  return end;
}

export function isXmlSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export function isNameEnd(c: number): boolean {
  return c === 62 /* > */ || c === 47 /* / */ || c === 32 || c === 10 || c === 13 || c === 9;
}
