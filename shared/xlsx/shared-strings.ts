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
    const text = this.carry.length === 0 ? chunk : this.carry + chunk;
    let pos = 0;
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
    const open = this.siOpen;
    const close = this.siClose;
    const openLength = open.length;
    for (;;) {
      const start = text.indexOf(open, pos);
      if (start === -1) {
        // Keep enough of the tail that an `<si` cut in half is found next time.
        pos = Math.max(pos, text.length - openLength);
        break;
      }
      const after = text.charCodeAt(start + openLength);
      if (after !== 62 /* > */ && after !== 47 /* / */ && !isXmlSpace(after)) {
        if (Number.isNaN(after)) {
          pos = start;
          break;
        }
        pos = start + openLength;
        continue;
      }
      const tagEnd = text.indexOf('>', start + openLength);
      if (tagEnd === -1) {
        pos = start;
        break;
      }
      if (text.charCodeAt(tagEnd - 1) === 47 /* / */) {
        this.strings.push('');
        pos = tagEnd + 1;
        continue;
      }
      const end = text.indexOf(close, tagEnd + 1);
      if (end === -1) {
        pos = start;
        break;
      }
      this.strings.push(detach(richText(text, tagEnd + 1, end, this.prefix)));
      pos = end + close.length;
    }
    this.carry = pos >= text.length ? '' : text.slice(pos);
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
