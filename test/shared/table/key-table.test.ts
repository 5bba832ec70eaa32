import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeyTable } from '../../../shared/table/key-table.ts';
import { IdColumnBuilder, utf8Bytes, type IdColumn } from '../../../shared/import/id-column.ts';

function column(ids: readonly string[]): IdColumn {
  const b = new IdColumnBuilder(4, true);
  for (const id of ids) b.add(id);
  return b.finish();
}

describe('KeyTable', () => {
  it('gives each distinct id one dense slot, like a Map, across columns and through growth (property)', () => {
    const id = fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('0', '1', 'a', 'Z', '-', '单', '号', '😀') });
    fc.assert(
      fc.property(fc.array(id, { maxLength: 1500 }), fc.array(id, { maxLength: 1500 }), fc.nat(8), (left, right, expected) => {
        const columns = [column(left), column(right)];
        const table = new KeyTable(expected);
        const map = new Map<string, number>();
        [left, right].forEach((ids, c) => {
          // Warming is only a cache hint: before, during or after inserts it changes nothing.
          table.warm(columns[c]!, 0, ids.length);
          ids.forEach((key, row) => {
            if (!map.has(key)) map.set(key, map.size);
            expect(table.slot(columns[c]!, row)).toBe(map.get(key));
          });
          table.warm(columns[c]!, 0, ids.length);
        });
        expect(table.size).toBe(map.size);
        for (const [key, slot] of map) {
          expect(table.keyOf(slot)).toBe(key);
          expect(table.find(utf8Bytes(key))).toBe(slot);
        }
        expect(table.find(utf8Bytes('not-there!'))).toBe(-1);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps ids as text: leading zeros and 28-digit ids stay distinct', () => {
    const c = column(['0042', '42', '4200000000000000000000000001', '4200000000000000000000000002']);
    const table = new KeyTable(2);
    expect([0, 1, 2, 3].map((row) => table.slot(c, row))).toEqual([0, 1, 2, 3]);
  });

  it('tells apart ids whose hashes collide', () => {
    const b = new IdColumnBuilder(4, true);
    for (const id of ['A1', 'B2', 'A1']) b.add(id);
    const c = b.finish();
    const forged = { ...c, hashes: new Int32Array([7, 7, 7]) };
    const table = new KeyTable(1);
    expect([0, 1, 2].map((row) => table.slot(forged, row))).toEqual([0, 1, 0]);
    expect(table.keyOf(1)).toBe('B2');
  });
});
