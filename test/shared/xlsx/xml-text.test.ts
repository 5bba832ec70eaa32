import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeXmlAttribute, escapeXmlText, unescapeXmlEntities, unescapeXmlText } from '../../../shared/xlsx/xml-text.ts';

describe('unescapeXmlText', () => {
  it('undoes the five entities and numeric references', () => {
    expect(unescapeXmlText('a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;')).toBe(`a & b <c> "d" 'e'`);
    expect(unescapeXmlText('&#123;&#x1F;&#X4E2D;&#x1F600;')).toBe('{\u001f中😀');
  });

  it('leaves what is not an entity alone', () => {
    expect(unescapeXmlText('AT&T & co; &nbsp; &#xZZ; &#; &')).toBe('AT&T & co; &nbsp; &#xZZ; &#; &');
    expect(unescapeXmlText('plain text, no work')).toBe('plain text, no work');
  });

  it('undoes _xHHHH_ escapes, left to right, once', () => {
    expect(unescapeXmlText('line1_x000D_\nline2')).toBe('line1\r\nline2');
    expect(unescapeXmlText('_x0009_tab_x001f_')).toBe('\ttab\u001f');
    // An escaped underscore followed by text that looks like an escape is that text.
    expect(unescapeXmlText('_x005F_x000D_')).toBe('_x000D_');
    expect(unescapeXmlText('_x00_ _xGGGG_ _x000D')).toBe('_x00_ _xGGGG_ _x000D');
    expect(unescapeXmlText('user_xname')).toBe('user_xname');
  });

  it('decodes entities before _x escapes, as Excel does', () => {
    expect(unescapeXmlText('&#95;x000D_')).toBe('\r');
  });

  it('attribute values get entities only', () => {
    expect(unescapeXmlEntities('a&amp;b_x000D_')).toBe('a&b_x000D_');
  });
});

describe('escapeXmlText', () => {
  it('is undone by unescapeXmlText, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(unescapeXmlText(escapeXmlText(s))).toBe(s);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('_', 'x', '0', 'D', '&', '\r', 'a', ';', '#'), maxLength: 30 }), (s) => {
        expect(unescapeXmlText(escapeXmlText(s))).toBe(s);
      }),
    );
  });

  it('writes what XML cannot carry as _xHHHH_', () => {
    expect(escapeXmlText('a\rb\u0001<&>')).toBe('a_x000D_b_x0001_&lt;&amp;&gt;');
    expect(escapeXmlText('_x000D_')).toBe('_x005F_x000D_');
    expect(escapeXmlAttribute('say "hi" & <go>')).toBe('say &quot;hi&quot; &amp; &lt;go&gt;');
  });
});
