import { describe, expect, it } from 'vitest';
import { formatFen } from '../../renderer/src/format.ts';

describe('formatFen', () => {
  it.each([
    [0, '0.00'], [1, '0.01'], [-27, '-0.27'], [123450, '1,234.50'], [900719925474099, '9,007,199,254,740.99'],
  ])('%d → %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });
  it('refuses a fractional amount', () => {
    expect(() => formatFen(1.5)).toThrow(RangeError);
  });
});
