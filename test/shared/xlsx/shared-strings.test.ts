import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../shared/errors.ts';
import { SharedStringsScanner, parseSharedStrings as parseBytes } from '../../../shared/xlsx/shared-strings.ts';
import { nodeByteDecoder } from '../../../electron/import/byte-decoder.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const parseSharedStrings = (xml: string) => parseBytes(utf8(xml), nodeByteDecoder);

const XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="9">
<si><t>交易时间</t></si><si><t xml:space="preserve">  padded  </t></si><si><t/></si><si/>
<si><r><rPr><b/><sz val="11"/></rPr><t>Bold</t></r><r><t xml:space="preserve"> and plain</t></r></si>
<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>
<si><t>a &amp; b &lt;c&gt; &#x4E2D;&#25991;</t></si><si><t>line1_x000D_
line2 _x005F_x000D_</t></si>
<si>
  <t>pretty</t>
</si><si><t>\`4200000925202101284997714292</t></si></sst>`;

const EXPECTED = [
  '交易时间',
  '  padded  ',
  '',
  '',
  'Bold and plain',
  '東京',
  'a & b <c> 中文',
  'line1\r\nline2 _x000D_',
  'pretty',
  '`4200000925202101284997714292',
];

/** Byte pieces: cut inside tags, entities and multi-byte characters alike. */
function scanInChunks(xml: string, sizes: () => number): string[] {
  const scanner = new SharedStringsScanner(nodeByteDecoder);
  const bytes = utf8(xml);
  for (let p = 0; p < bytes.length; ) {
    const n = Math.max(1, sizes());
    scanner.push(bytes.slice(p, p + n));
    p += n;
  }
  return scanner.finish();
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

describe('SharedStringsScanner', () => {
  it('reads plain, padded, empty, rich, phonetic, escaped and pretty-printed strings', () => {
    expect(parseSharedStrings(XML)).toEqual(EXPECTED);
  });

  it('gives the same table however the XML is cut', () => {
    expect(scanInChunks(XML, () => 1)).toEqual(EXPECTED);
    for (let seed = 1; seed <= 20; seed++) {
      const next = random(seed);
      expect(scanInChunks(XML, () => Math.floor(next() * 40))).toEqual(EXPECTED);
    }
  });

  it('reads a namespace-prefixed table', () => {
    const xml = '<x:sst xmlns:x="m"><x:si><x:t>one</x:t></x:si><x:si><x:r><x:t>t</x:t></x:r><x:r><x:t>wo</x:t></x:r></x:si></x:sst>';
    expect(parseSharedStrings(xml)).toEqual(['one', 'two']);
    expect(scanInChunks(xml, () => 1)).toEqual(['one', 'two']);
  });

  it('an empty or missing table is empty', () => {
    expect(parseSharedStrings('<?xml version="1.0"?><sst count="0" uniqueCount="0"/>')).toEqual([]);
    expect(parseSharedStrings('')).toEqual([]);
  });

  it('refuses a table cut off inside a string', () => {
    expect(() => parseSharedStrings('<sst><si><t>one</t></si><si><t>tw')).toThrow(ImportError);
  });
});
