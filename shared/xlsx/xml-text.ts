/**
 * XML text and attribute values as OOXML stores them. Text goes through two layers: XML
 * entities, then the OOXML `_xHHHH_` escape that Excel uses for characters XML cannot carry
 * (control characters) or would normalise away (a carriage return becomes `_x000D_`).
 * Both are undone in that order, left to right and without overlap, as Excel and SheetJS do:
 * `_x005F_x000D_` is an escaped underscore followed by the literal text `x000D_`.
 */

/** Entities only: for attribute values (sheet names, relationship targets, format codes). */
export function unescapeXmlEntities(text: string): string {
  const amp = text.indexOf('&');
  return amp === -1 ? text : decodeEntities(text, amp);
}

/**
 * Entities, then `_xHHHH_` escapes: for cell text, shared strings and inline strings. A raw
 * carriage return is first read as XML reads it, as a line end (`\r\n` and `\r` become `\n`);
 * only `_x000D_` or `&#13;` stand for a real one.
 */
export function unescapeXmlText(text: string): string {
  const raw = text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
  const amp = raw.indexOf('&');
  const decoded = amp === -1 ? raw : decodeEntities(raw, amp);
  const underscore = decoded.indexOf('_x');
  return underscore === -1 ? decoded : decodeOoxmlEscapes(decoded, underscore);
}

function decodeEntities(text: string, firstAmp: number): string {
  let out = '';
  let copied = 0;
  let amp = firstAmp;
  while (amp !== -1) {
    const semi = text.indexOf(';', amp + 1);
    // Entity names are short; a lone `&` (invalid XML, but seen in hand-made files) stays as is.
    if (semi === -1 || semi - amp > 12) {
      amp = text.indexOf('&', amp + 1);
      continue;
    }
    const replacement = entityValue(text, amp + 1, semi);
    if (replacement !== undefined) {
      out += text.slice(copied, amp) + replacement;
      copied = semi + 1;
    }
    amp = text.indexOf('&', semi + 1);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function entityValue(text: string, start: number, end: number): string | undefined {
  const first = text.charCodeAt(start);
  if (first === 35 /* # */) {
    let codePoint = 0;
    let i = start + 1;
    const hex = text.charCodeAt(i) === 120 /* x */ || text.charCodeAt(i) === 88; /* X */
    if (hex) i++;
    if (i === end) return undefined;
    for (; i < end; i++) {
      const digit = hex ? hexDigit(text.charCodeAt(i)) : decimalDigit(text.charCodeAt(i));
      if (digit < 0) return undefined;
      codePoint = codePoint * (hex ? 16 : 10) + digit;
      if (codePoint > 0x10ffff) return undefined;
    }
    return String.fromCodePoint(codePoint);
  }
  switch (text.slice(start, end)) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
    default:
      return undefined;
  }
}

function decodeOoxmlEscapes(text: string, firstUnderscore: number): string {
  let out = '';
  let copied = 0;
  let at = firstUnderscore;
  while (at !== -1) {
    if (at + 6 < text.length && text.charCodeAt(at + 6) === 95 /* _ */) {
      const h0 = hexDigit(text.charCodeAt(at + 2));
      const h1 = hexDigit(text.charCodeAt(at + 3));
      const h2 = hexDigit(text.charCodeAt(at + 4));
      const h3 = hexDigit(text.charCodeAt(at + 5));
      if ((h0 | h1 | h2 | h3) >= 0) {
        out += text.slice(copied, at) + String.fromCharCode((h0 << 12) | (h1 << 8) | (h2 << 4) | h3);
        copied = at + 7;
        at = text.indexOf('_x', copied);
        continue;
      }
    }
    at = text.indexOf('_x', at + 1);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

function decimalDigit(code: number): number {
  return code >= 48 && code <= 57 ? code - 48 : -1;
}

/**
 * The inverse of unescapeXmlText, for writers: XML-escapes `& < >` and writes control characters
 * (and carriage returns, which XML would turn into line feeds) as `_xHHHH_`. An underscore that
 * would otherwise read as the start of an escape is itself escaped as `_x005F_`.
 */
export function escapeXmlText(text: string): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let replacement: string | undefined;
    if (code === 38) replacement = '&amp;';
    else if (code === 60) replacement = '&lt;';
    else if (code === 62) replacement = '&gt;';
    else if ((code < 32 && code !== 9 && code !== 10) || code === 0xfffe || code === 0xffff) {
      replacement = '_x' + code.toString(16).toUpperCase().padStart(4, '0') + '_';
    } else if (code === 95 && looksLikeOoxmlEscape(text, i)) replacement = '_x005F_';
    if (replacement !== undefined) {
      out += text.slice(copied, i) + replacement;
      copied = i + 1;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function looksLikeOoxmlEscape(text: string, at: number): boolean {
  if (text.charCodeAt(at + 1) !== 120 || text.charCodeAt(at + 6) !== 95) return false;
  for (let i = at + 2; i < at + 6; i++) if (hexDigit(text.charCodeAt(i)) < 0) return false;
  return true;
}

/** Escapes a value for a double-quoted XML attribute. */
export function escapeXmlAttribute(text: string): string {
  return text.replace(/[&<>"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
}

const ATTRIBUTE_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
