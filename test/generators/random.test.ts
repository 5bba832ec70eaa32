import { describe, expect, it } from 'vitest';
import { SeededRandom, SelectionSampler, WeightedTable } from './random.ts';

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 8 }, ((r) => () => r.uint32())(new SeededRandom(seed)));
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('keeps int() inside its inclusive range and reaches both ends', () => {
    const r = new SeededRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(-2, 2);
      expect(v).toBeGreaterThanOrEqual(-2);
      expect(v).toBeLessThanOrEqual(2);
      seen.add(v);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    const big = r.int(0, 2 ** 40);
    expect(Number.isSafeInteger(big)).toBe(true);
    expect(() => r.int(2, 1)).toThrow(RangeError);
  });

  it('draws strings from the alphabet with the asked length', () => {
    const r = new SeededRandom(4);
    expect(r.string(27, 'ab')).toMatch(/^[ab]{27}$/);
    expect(r.hex(9)).toMatch(/^[0-9a-f]{9}$/);
    expect(r.digits(20)).toMatch(/^\d{20}$/);
  });

  it('forks independent streams', () => {
    const a = new SeededRandom(5);
    const fork = a.fork(1);
    expect(fork.uint32()).not.toBe(a.uint32());
  });
});

describe('SelectionSampler', () => {
  it('chooses exactly k of n', () => {
    for (const [k, n] of [[0, 10], [3, 10], [10, 10], [7, 1000]] as const) {
      const s = new SelectionSampler(new SeededRandom(k + n), k, n);
      let chosen = 0;
      for (let i = 0; i < n; i++) if (s.take()) chosen++;
      expect(chosen).toBe(k);
    }
    expect(() => new SelectionSampler(new SeededRandom(1), 2, 1)).toThrow(RangeError);
  });
});

describe('WeightedTable', () => {
  it('picks by weight', () => {
    const t = new WeightedTable([['a', 1], ['b', 3]]);
    expect(t.pick(0)).toBe('a');
    expect(t.pick(0.249)).toBe('a');
    expect(t.pick(0.25)).toBe('b');
    expect(t.pick(0.999)).toBe('b');
  });
});
