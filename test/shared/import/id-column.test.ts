import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { idAt, idEquals, idHash, idIsNull, IdColumnBuilder, utf8Bytes, utf8Text } from '../../../shared/import/id-column.ts';

describe('id columns', () => {
  it('round-trips any string through UTF-8 exactly as TextEncoder does (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const bytes = utf8Bytes(text);
        expect(bytes).toEqual(new TextEncoder().encode(text));
        expect(utf8Text(bytes, 0, bytes.length)).toBe(text);
      }),
    );
  });

  it('keeps every id, null included, through growth; bytes and strings give the same id and hash', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? null : i % 11 === 0 ? `订单-${i}` : `4200000${String(i).padStart(21, '0')}`));
    const b = new IdColumnBuilder(16, true);
    const fromBytes = new IdColumnBuilder(16, true);
    for (const id of ids) {
      b.add(id);
      const bytes = utf8Bytes(id ?? '');
      fromBytes.addBytes(bytes, 0, bytes.length);
    }
    const c = b.finish();
    const d = fromBytes.finish();
    ids.forEach((id, i) => {
      expect(idAt(c, i)).toBe(id);
      expect(idIsNull(c, i)).toBe(id === null);
      expect(idEquals(c, i, d, i)).toBe(true);
      expect(c.hashes![i]).toBe(d.hashes![i]);
      if (id !== null) expect(c.hashes![i]).toBe(idHash(utf8Bytes(id), 0, utf8Bytes(id).length));
    });
    expect(idEquals(c, 1, c, 2)).toBe(false);
  });

  it('clears an id after the fact (leading zeros found lost)', () => {
    const b = new IdColumnBuilder(4, true);
    b.add('12345');
    b.add('0012345');
    b.clear(0);
    const c = b.finish();
    expect(idAt(c, 0)).toBeNull();
    expect(c.hashes![0]).toBe(0);
    expect(idAt(c, 1)).toBe('0012345');
  });
});
