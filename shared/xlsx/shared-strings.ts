/**
 * The shared string table (`xl/sharedStrings.xml`), read incrementally: Excel stores every text
 * cell as an index into it, so for a re-saved WeChat bill it holds every id in the file and can
 * be hundreds of MB.
 */
import { ImportError } from '../errors.ts';
import { detach, unescapeXmlText } from './xml-text.ts';

export class SharedStringsScanner {
  private readonly strings: string[] = [];
  private carry = '';
  /** `x:` when the file writes `<x:sst>`; undefined until the root element has been seen. */
  private prefix: string | undefined;
  private siOpen = '<si';
  private siClose = '</si>';
  private readonly partName: string;

  constructor(partName = 'xl/sharedStrings.xml') {
    this.partName = partName;
  }

  /** Feeds the next piece of the XML; pieces may be cut anywhere. */
  push(chunk: string): void {
    if (this.prefix !== undefined && this.carry.length > 0) {
      // Complete the cut-off `<si>` from the start of this chunk rather than joining the two
      // (a joined cons string is slower to read character by character than the flat chunk).
      const close = this.siClose;
      const keep = Math.min(this.carry.length, close.length - 1);
      const seam = this.carry.slice(this.carry.length - keep) + chunk.slice(0, close.length - 1);
      const inSeam = seam.indexOf(close);
      let cut = inSeam === -1 ? -1 : inSeam + close.length - keep;
      if (cut === -1) {
        const at = chunk.indexOf(close);
        cut = at === -1 ? -1 : at + close.length;
      }
      if (cut === -1) {
        this.carry += chunk;
        return;
      }
      const head = this.carry + chunk.slice(0, cut);
      this.carry = '';
      const headEnd = this.scan(head, 0);
      if (headEnd < head.length) {
        const text = head.slice(headEnd) + chunk.slice(cut);
        this.carry = text.slice(this.scan(text, 0));
      } else {
        const end = this.scan(chunk, cut);
        this.carry = end >= chunk.length ? '' : chunk.slice(end);
      }
      return;
    }
    const text = this.carry.length === 0 ? chunk : this.carry + chunk;
    if (this.prefix === undefined) {
      const prefix = rootPrefix(text);
      if (prefix === undefined) {
        this.carry = text;
        return;
      }
      this.prefix = prefix;
      this.siOpen = `<${prefix}si`;
      this.siClose = `</${prefix}si>`;
    }
    const end = this.scan(text, 0);
    this.carry = end >= text.length ? '' : text.slice(end);
  }

  /** Reads every complete `<si>` from text[pos...]; returns where the unread rest starts. */
  private scan(text: string, start: number): number {
    const open = this.siOpen;
    const close = this.siClose;
    const openLength = open.length;
    const prefix = this.prefix ?? '';
    const prefixLength = prefix.length;
    let pos = start;
    for (;;) {
      const at = text.indexOf(open, pos);
      if (at === -1) {
        // Keep enough of the tail that an `<si` cut in half is found next time.
        return Math.max(pos, text.length - openLength);
      }
      const after = at + openLength;
      const c = text.charCodeAt(after);
      // Fast path, Excel's usual `<si><t>text</t></si>`: four reads and one indexOf.
      if (c === 62 /* > */ && text.charCodeAt(after + 2 + prefixLength) === 116 /* t */ && text.charCodeAt(after + 3 + prefixLength) === 62 /* > */) {
        const textStart = after + 4 + prefixLength;
        const textEnd = text.indexOf('<', textStart);
        const closeAt = textEnd + 4 + prefixLength; // after </t>
        if (
          textEnd !== -1 &&
          text.charCodeAt(textEnd + 1) === 47 /* / */ &&
          text.charCodeAt(closeAt + 1) === 47 /* / */ &&
          text.charCodeAt(closeAt + 2 + prefixLength) === 115 /* s */ &&
          closeAt + close.length <= text.length
        ) {
          this.strings.push(textEnd === textStart ? '' : detach(unescapeXmlText(text.slice(textStart, textEnd))));
          pos = closeAt + close.length;
          continue;
        }
      }
      if (c !== 62 /* > */ && c !== 47 /* / */ && !isXmlSpace(c)) {
        if (Number.isNaN(c)) return at;
        pos = after;
        continue;
      }
      const tagEnd = text.indexOf('>', after);
      if (tagEnd === -1) return at;
      if (text.charCodeAt(tagEnd - 1) === 47 /* / */) {
        this.strings.push('');
        pos = tagEnd + 1;
        continue;
      }
      const end = text.indexOf(close, tagEnd + 1);
      if (end === -1) return at;
      this.strings.push(detach(richText(text, tagEnd + 1, end, prefix)));
      pos = end + close.length;
    }
  }

  /** The table, index = the `<v>` of a `t="s"` cell. */
  finish(): string[] {
    if (this.carry.includes(this.siOpen)) {
      throw new ImportError('xlsx-corrupt', { part: this.partName }, 'shared strings end inside <si>');
    }
    this.carry = '';
    return this.strings;
  }
}

/** Parses a whole shared strings part held as one string. */
export function parseSharedStrings(xml: string, partName?: string): string[] {
  const scanner = new SharedStringsScanner(partName);
  scanner.push(xml);
  return scanner.finish();
}

/**
 * The text of a rich-text string (`<si>` or `<is>` content in xml[start, end)): every `<t>`
 * concatenated, in order, including the runs of `<r>`, excluding the phonetic guides of `<rPh>`
 * (furigana / pinyin shown above the text, not part of it). Entities and `_xHHHH_` escapes are
 * undone once over the whole, as Excel does.
 */
export function richText(xml: string, start: number, end: number, prefix: string): string {
  const nameOffset = 1 + prefix.length;
  let raw = '';
  let pieces = 0;
  let pos = start;
  while (pos < end) {
    const lt = xml.indexOf('<', pos);
    if (lt === -1 || lt >= end) break;
    const name = lt + nameOffset;
    const c0 = xml.charCodeAt(name);
    if (c0 === 116 /* t */ && isNameEnd(xml.charCodeAt(name + 1))) {
      const tagEnd = xml.indexOf('>', name);
      if (tagEnd === -1 || tagEnd >= end) break;
      if (xml.charCodeAt(tagEnd - 1) === 47 /* / */) {
        pos = tagEnd + 1;
        continue;
      }
      // Text cannot contain `<`, so the next one is `</t>`.
      const textEnd = xml.indexOf('<', tagEnd + 1);
      if (textEnd === -1 || textEnd > end) break;
      const piece = xml.slice(tagEnd + 1, textEnd);
      raw = pieces === 0 ? piece : raw + piece;
      pieces++;
      pos = textEnd + 1;
    } else if (
      c0 === 114 /* r */ &&
      xml.charCodeAt(name + 1) === 80 /* P */ &&
      xml.charCodeAt(name + 2) === 104 /* h */ &&
      isNameEnd(xml.charCodeAt(name + 3))
    ) {
      const tagEnd = xml.indexOf('>', name);
      if (tagEnd === -1 || tagEnd >= end) break;
      if (xml.charCodeAt(tagEnd - 1) === 47 /* / */) {
        pos = tagEnd + 1;
        continue;
      }
      const closeAt = xml.indexOf(`</${prefix}rPh>`, tagEnd + 1);
      pos = closeAt === -1 || closeAt >= end ? end : closeAt + 6 + prefix.length;
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

export function isXmlSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function isNameEnd(c: number): boolean {
  return c === 62 /* > */ || c === 47 /* / */ || c === 32 || c === 10 || c === 13 || c === 9;
}
