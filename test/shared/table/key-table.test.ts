import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeyTable, keyHash } from '../../../shared/table/key-table.ts';

describe('KeyTable', () => {
  it('gives each distinct key one dense slot, like a Map, through growth (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3000 }), fc.nat(8), (keys, expected) => {
        const table = new KeyTable(expected);
        const map = new Map<string, number>();
        for (const k of keys) {
          if (!map.has(k)) map.set(k, map.size);
          expect(table.slot(k, keyHash(k))).toBe(map.get(k));
        }
        expect(table.size).toBe(map.size);
        expect(table.keys).toEqual([...map.keys()]);
        for (const k of keys) expect(table.find(k)).toBe(map.get(k));
        expect(table.find('\u0000not-there')).toBe(map.get('\u0000not-there') ?? -1);
      }),
      { numRuns: 100 },
    );
  });

  it('tells apart keys whose hashes collide', () => {
    const table = new KeyTable(4);
    // Same hash forced: the strings decide.
    expect(table.slot('a', 7)).toBe(0);
    expect(table.slot('b', 7)).toBe(1);
    expect(table.slot('a', 7)).toBe(0);
    expect(table.find('b', 7)).toBe(1);
    expect(table.find('c', 7)).toBe(-1);
  });

  it('hashes ids as strings: leading zeros and 28-digit ids stay distinct', () => {
    expect(keyHash('0042')).not.toBe(keyHash('42'));
    expect(keyHash('4200000000000000000000000001')).not.toBe(keyHash('4200000000000000000000000002'));
  });
});
