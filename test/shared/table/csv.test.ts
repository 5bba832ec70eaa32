import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CsvReader } from '../../../shared/table/csv.ts';
import { ImportError } from '../../../shared/errors.ts';
import { nodeByteDecoder } from '../../../electron/import/byte-decoder.ts';
import type { RowCursor } from '../../../shared/table/row-cursor.ts';

function readAll(input: string | Uint8Array, chunkSize = Infinity, encoding: 'utf-8' | 'gb18030' = 'utf-8') {
  const data = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const rows: { line: number; cells: string[] }[] = [];
  const switches: number[] = [];
  const reader = new CsvReader(
    (c: RowCursor) => {
      const cells: string[] = [];
      for (let i = 0; i < c.count; i++) cells.push(c.raw(i));
      rows.push({ line: c.line, cells });
    },
    { decoder: nodeByteDecoder, encoding, onEncodingSwitch: (l) => switches.push(l), maxLineBytes: 4096 },
  );
  const step = Number.isFinite(chunkSize) ? chunkSize : data.length || 1;
  for (let p = 0; p < data.length; p += step) reader.push(data.slice(p, p + step));
  reader.end();
  return { rows, switches, encoding: reader.encoding };
}

describe('CsvReader', () => {
  it('splits rows and fields, with CRLF, LF, blank lines and no final newline', () => {
    const { rows } = readAll('a,b,c\r\n`1,`2,`\r\n\r\nx,,z');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['`1', '`2', '`'] },
      { line: 4, cells: ['x', '', 'z'] },
    ]);
  });

  it('undoes RFC 4180 quoting as Excel writes it, line breaks inside quotes included', () => {
    const { rows } = readAll('h1,h2,h3\n"a,b","say ""hi""",c\n"multi\nline",2,"3"\r\nlast,"",x');
    expect(rows.map((r) => r.cells)).toEqual([
      ['h1', 'h2', 'h3'],
      ['a,b', 'say "hi"', 'c'],
      ['multi\nline', '2', '3'],
      ['last', '', 'x'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it('gives the same rows whatever the chunk boundaries (property)', () => {
    const cell = fc.oneof(
      fc.stringMatching(/^[`a-z0-9 .:-]{0,12}$/),
      fc.constantFrom('交易时间', '商品名称，含逗号', '"quoted, with comma"', '"a ""b"""', '"two\nlines"', '¥28.16'),
    );
    const row = fc.array(cell, { minLength: 1, maxLength: 6 }).map((cells) => cells.join(','));
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.integer({ min: 1, max: 17 }), (lines, eol, chunk) => {
        const text = lines.join(eol) + eol;
        const whole = readAll(text).rows;
        const chunked = readAll(text, chunk).rows;
        expect(chunked).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('reads GB18030 and switches to it when UTF-8 bytes turn out not to be', () => {
    const gbk = new Uint8Array([...new TextEncoder().encode('id,name\n1,'), 0xd6, 0xd0, 0xce, 0xc4, 10]); // 中文 in GBK
    const { rows, switches, encoding } = readAll(gbk, 3);
    expect(rows[1]!.cells).toEqual(['1', '中文']);
    expect(switches).toEqual([2]);
    expect(encoding).toBe('gb18030');
  });

  it('with the encoding fixed, does not switch: bad UTF-8 reads as U+FFFD and the line is reported', () => {
    const gbk = new Uint8Array([...new TextEncoder().encode('id,name\n1,'), 0xd6, 0xd0, 0xce, 0xc4, 10, ...new TextEncoder().encode('2,好\n')]);
    const rows: string[][] = [];
    const invalid: number[] = [];
    const switches: number[] = [];
    const reader = new CsvReader(
      (c: RowCursor) => {
        const cells: string[] = [];
        for (let i = 0; i < c.count; i++) cells.push(c.text(i));
        rows.push(cells);
      },
      { decoder: nodeByteDecoder, encoding: 'utf-8', fixedEncoding: true, onInvalidBytes: (l) => invalid.push(l), onEncodingSwitch: (l) => switches.push(l) },
    );
    reader.push(gbk);
    reader.end();
    expect(rows[1]![1]).toMatch(/^\ufffd+$/);
    expect(rows[2]).toEqual(['2', '好']);
    expect(invalid).toEqual([2]);
    expect(switches).toEqual([]);
    expect(reader.encoding).toBe('utf-8');
  });

  it('stops with a specific error on a line longer than the limit, without buffering it all', () => {
    const long = 'x'.repeat(10_000);
    expect(() => readAll(long, 1000)).toThrow(ImportError);
    try {
      readAll(long, 1000);
    } catch (e) {
      expect((e as ImportError).code).toBe('line-too-long');
    }
  });

  it('reads money straight from bytes, with the text path for decorated values', () => {
    const seen: number[] = [];
    const reader = new CsvReader(
      (c) => {
        for (let i = 0; i < c.count; i++) seen.push(c.units(i, 2, { reason: 'empty' }));
      },
      { decoder: nodeByteDecoder, encoding: 'utf-8' },
    );
    reader.push(new TextEncoder().encode('`6.00,`-0.27,¥28.16,"1,234.50",`abc\n'));
    reader.end();
    expect(seen.slice(0, 4)).toEqual([600, -27, 2816, 123450]);
    expect(seen[4]).toBeNaN();
  });
});
