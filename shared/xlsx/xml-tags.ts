/**
 * A small tag finder for the little XML parts of a workbook (workbook, relationships, styles,
 * content types), each a few KB. Regexes are fine here; the worksheet and shared-string scanners
 * have their own indexOf loops because they see hundreds of MB.
 *
 * Element names are matched by local name, so `<x:sheet>` (files written with a namespace
 * prefix, as some .NET libraries do) is found like `<sheet>`.
 */
import { unescapeXmlEntities } from './xml-text.ts';

export interface XmlTag {
  /** Attribute values by qualified name as written (`name`, `r:id`), entities undone. */
  attrs: Record<string, string>;
  /** Offset of `<` of the start tag. */
  start: number;
  /** Offset just after the start tag's `>`. */
  contentStart: number;
  selfClosing: boolean;
}

const NAME_CHARS = '[A-Za-z_][\\w.-]*';

/** Every start tag with this local name in xml[from, to). */
export function findTags(xml: string, localName: string, from = 0, to = xml.length): XmlTag[] {
  const pattern = new RegExp(`<(?:${NAME_CHARS}:)?${localName}(?=[\\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>`, 'g');
  pattern.lastIndex = from;
  const tags: XmlTag[] = [];
  for (let m = pattern.exec(xml); m !== null && m.index < to; m = pattern.exec(xml)) {
    const inner = m[1] ?? '';
    const selfClosing = inner.endsWith('/');
    tags.push({
      attrs: parseAttributes(selfClosing ? inner.slice(0, -1) : inner),
      start: m.index,
      contentStart: m.index + m[0].length,
      selfClosing,
    });
  }
  return tags;
}

/** The content range of the first element with this local name, or undefined. */
export function findElementContent(xml: string, localName: string): { start: number; end: number } | undefined {
  const open = findTags(xml, localName)[0];
  if (open === undefined) return undefined;
  if (open.selfClosing) return { start: open.contentStart, end: open.contentStart };
  const close = new RegExp(`</(?:${NAME_CHARS}:)?${localName}\\s*>`, 'g');
  close.lastIndex = open.contentStart;
  const m = close.exec(xml);
  return { start: open.contentStart, end: m === null ? xml.length : m.index };
}

export function parseAttributes(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const pattern = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    attrs[m[1] ?? ''] = unescapeXmlEntities(m[2] ?? m[3] ?? '');
  }
  return attrs;
}

/** The value of the attribute with this local name, whatever its prefix (`r:id`, `ns1:id`). */
export function attributeByLocalName(attrs: Record<string, string>, localName: string): string | undefined {
  for (const key of Object.keys(attrs)) {
    const colon = key.indexOf(':');
    if ((colon === -1 ? key : key.slice(colon + 1)) === localName && key !== 'xmlns:' + localName) return attrs[key];
  }
  return undefined;
}
