/**
 * APIv2 (XML) signing, verification and XML, as ../shared/reference/wechatpay-api.md §2.1
 * describes them: every non-empty field but `sign`, sorted by name in ASCII order, joined as
 * `k=v&…`, then `&key=<APIv2 key>`; MD5 (the default) or HMAC-SHA256 keyed with the API key over
 * that same string; uppercase hex. Node crypto only: this runs in the main process.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';

export type V2SignType = 'MD5' | 'HMAC-SHA256';

export type V2Fields = Record<string, string>;

/** The string that is signed, without the key: stringA of the reference. */
export function v2SignString(fields: V2Fields): string {
  return Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && fields[k] !== '')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
}

export function v2Sign(fields: V2Fields, apiKey: string, signType: V2SignType = 'MD5'): string {
  const signed = `${v2SignString(fields)}&key=${apiKey}`;
  const digest = signType === 'MD5' ? createHash('md5').update(signed, 'utf8') : createHmac('sha256', apiKey).update(signed, 'utf8');
  return digest.digest('hex').toUpperCase();
}

/**
 * Does `fields.sign` match? The algorithm follows the signature's length (64 hex characters:
 * HMAC-SHA256, else MD5), as WeChat's own SDKs decide it, and the comparison takes the same time
 * wherever the first difference is. Fields WeChat adds later are signed too, so all are included.
 */
export function v2Verify(fields: V2Fields, apiKey: string): boolean {
  const given = fields.sign;
  if (given === undefined || !/^[0-9A-Fa-f]{32}$|^[0-9A-Fa-f]{64}$/.test(given)) return false;
  const expected = v2Sign(fields, apiKey, given.length === 64 ? 'HMAC-SHA256' : 'MD5');
  return timingSafeEqual(Buffer.from(expected, 'ascii'), Buffer.from(given.toUpperCase(), 'ascii'));
}

/** A request body: `<xml>` with each field in CDATA (a `]]>` inside a value is split across two sections). */
export function v2Xml(fields: V2Fields): string {
  let xml = '<xml>';
  for (const [k, v] of Object.entries(fields)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`v2 field name not allowed in XML: ${k}`);
    xml += `<${k}><![CDATA[${v.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${k}>`;
  }
  return xml + '</xml>';
}

export class V2XmlError extends Error {
  readonly code = 'v2-xml-invalid';
}

const CDATA = '#cdata';

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML's predefined entities and character references in text; anything else is an error. */
function unescapeText(text: string, field: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[a-z]+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new V2XmlError(`field ${field}: a bare "&"`);
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new V2XmlError(`field ${field}: bad character reference ${whole}`);
      return String.fromCodePoint(cp);
    }
    const named = NAMED[ref];
    if (named === undefined) throw new V2XmlError(`field ${field}: unknown entity ${whole}`);
    return named;
  });
}

const parser = new XMLParser({
  // Every value stays the text it was: a 28-digit transaction id or a 0-led order number is an
  // id, not a number (the parser's default would turn 4200001234202301011234567890 into 4.2e27).
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  // No entity expansion at all: nothing in WeChat's replies needs it, and it is where the XML
  // attacks are (entity bombs, the CVEs of ecosystem-security.md §1.5).
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // CDATA apart from text, so that text can be unescaped (five named entities and character
  // references, nothing that expands) while CDATA stays as written.
  cdataPropName: CDATA,
});

/** One field's value: text, CDATA (one or several sections), or both; nested elements are refused. */
function fieldText(name: string, v: unknown): string {
  if (typeof v === 'string') return unescapeText(v, name);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new V2XmlError(`field ${name} is not a single text value`);
  let out = '';
  for (const [part, value] of Object.entries(v as Record<string, unknown>)) {
    if (part === CDATA) {
      const sections = Array.isArray(value) ? value : [value];
      if (!sections.every((x) => typeof x === 'string')) throw new V2XmlError(`field ${name} has odd CDATA`);
      out += sections.join('');
    } else if (part === '#text' && typeof value === 'string') {
      out = unescapeText(value, name) + out;
    } else {
      throw new V2XmlError(`field ${name} contains elements`);
    }
  }
  return out;
}

/**
 * A WeChat v2 reply: one `<xml>` element of flat string fields. Anything else (a DOCTYPE, nested
 * elements, repeated names, no `<xml>` root) is refused rather than half-read.
 */
export function parseV2Xml(body: string): V2Fields {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new V2XmlError('XML with a DOCTYPE or entity declaration is refused');
  let doc: unknown;
  try {
    doc = parser.parse(body, true);
  } catch (e) {
    throw new V2XmlError(`not well-formed XML: ${(e as Error).message}`);
  }
  const root = (doc as Record<string, unknown>).xml;
  if (root === undefined || root === null || typeof root !== 'object' || Array.isArray(root)) {
    // `<xml></xml>` parses to '', which has no fields either.
    if (root === '') return {};
    throw new V2XmlError('no <xml> root with fields');
  }
  const fields: V2Fields = Object.create(null) as V2Fields;
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    fields[k] = fieldText(k, v);
  }
  return fields;
}
