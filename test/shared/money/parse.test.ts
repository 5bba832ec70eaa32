import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FEN_SCALE, MILLI_FEN_SCALE, MoneyParseError, numberToUnits, parseMoneyText, parseNumericCellUnits, yuanToFen, yuanToMilliFen,
  type MoneyFailureOut,
} from '../../../shared/money/parse.ts';
import { fenToYuanGrouped, fenToYuanText, milliFenToYuanText } from '../../../shared/money/format.ts';

const out = (): MoneyFailureOut => ({ reason: 'empty' });

describe('yuanToFen', () => {
  it.each([
    ['6.00', 600], ['0.0', 0], ['0', 0], ['0.01', 1], ['-0.27', -27], ['¥28.16', 2816], ['￥28.16', 2816],
    ['1,234.50', 123450], ['1,234,567.89', 123456789], ['12.00元', 1200], ['  3.5 ', 350], ['-¥1.00', -100],
    ['¥-1.00', -100], ['(3.00)', -300], ['+2', 200], ['.5', 50], ['５.００', 500], ['－1.00', -100], ['`6.00', 600],
    ['0.10000', 10], ['-0', 0],
  ])('%s → %d fen', (text, fen) => {
    expect(yuanToFen(text)).toBe(fen);
  });

  it.each([
    ['abc', 'not-a-number'], ['1.2.3', 'not-a-number'], ['1,23', 'not-a-number'], ['12,3456', 'not-a-number'],
    ['1e3', 'not-a-number'], ['0.001', 'too-precise'], ['28.165', 'too-precise'], ['', 'empty'], ['   ', 'empty'],
    ['1 234', 'not-a-number'], ['99999999999999999', 'too-large'], ['--1', 'not-a-number'], ['-', 'not-a-number'],
    ['NaN', 'not-a-number'], ['Infinity', 'not-a-number'], ['0x10', 'not-a-number'],
  ])('refuses %j (%s)', (text, reason) => {
    expect(() => yuanToFen(text)).toThrow(MoneyParseError);
    try {
      yuanToFen(text);
    } catch (e) {
      expect((e as MoneyParseError).reason).toBe(reason);
    }
  });

  it('reads bill fees at five decimals into 0.001 fen', () => {
    expect(yuanToMilliFen('0.04000')).toBe(4000);
    expect(yuanToMilliFen('-0.27000')).toBe(-27000);
    expect(yuanToMilliFen('0.00001')).toBe(1);
    expect(() => yuanToMilliFen('0.000001')).toThrow(/too-precise/);
  });
});

describe('numeric spreadsheet cells', () => {
  it('takes the decimal the spreadsheet showed, within float noise', () => {
    expect(numberToUnits(28.16, FEN_SCALE, out())).toBe(2816);
    expect(numberToUnits(0.1 + 0.2, FEN_SCALE, out())).toBe(30);
    expect(numberToUnits(-0.27, MILLI_FEN_SCALE, out())).toBe(-27000);
    expect(numberToUnits(1e15 / 100, FEN_SCALE, out())).toBe(1e15);
  });
  it('refuses what would be rounded', () => {
    const o = out();
    expect(numberToUnits(28.165, FEN_SCALE, o)).toBeNaN();
    expect(o.reason).toBe('too-precise');
    expect(numberToUnits(Number.NaN, FEN_SCALE, o)).toBeNaN();
    expect(numberToUnits(1e300, FEN_SCALE, o)).toBeNaN();
    expect(o.reason).toBe('too-large');
  });
  it('reads raw cell text in exponent form', () => {
    expect(parseNumericCellUnits('2.816E1', FEN_SCALE, out())).toBe(2816);
    expect(parseNumericCellUnits('1E-2', FEN_SCALE, out())).toBe(1);
    expect(parseNumericCellUnits('0.30000000000000004', FEN_SCALE, out())).toBe(30);
    expect(parseNumericCellUnits('x1', FEN_SCALE, out())).toBeNaN();
  });
});

describe('round trips (property)', () => {
  const fen = fc.integer({ min: -9_000_000_000_000, max: 9_000_000_000_000 });
  it('fen → text → fen', () => {
    fc.assert(fc.property(fen, (f) => yuanToFen(fenToYuanText(f)) === f));
  });
  it('fen → grouped text with decorations → fen', () => {
    const decorate = fc.constantFrom((s: string) => s, (s: string) => `¥${s}`, (s: string) => `${s}元`, (s: string) => ` ${s} `, (s: string) => `\`${s}`);
    fc.assert(fc.property(fen, decorate, (f, d) => yuanToFen(d(fenToYuanGrouped(f))) === f));
  });
  it('milli-fen → five-decimal text → milli-fen', () => {
    fc.assert(fc.property(fen, (m) => yuanToMilliFen(milliFenToYuanText(m)) === m));
  });
  it('trailing zeros never change the value; extra non-zero digits are refused', () => {
    fc.assert(
      fc.property(fen, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }), (f, zeros, digit) => {
        const text = fenToYuanText(f);
        expect(yuanToFen(text + '0'.repeat(zeros))).toBe(f);
        const o = out();
        expect(parseMoneyText(text + '0'.repeat(zeros - 1) + String(digit), FEN_SCALE, o)).toBeNaN();
        expect(o.reason).toBe('too-precise');
      }),
    );
  });
  it('a double that holds an exact fen amount comes back exact', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), (f) => numberToUnits(f / 100, FEN_SCALE, out()) === f));
  });
  it('never returns a non-integer', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const v = parseMoneyText(s, FEN_SCALE, out());
        return Number.isNaN(v) || Number.isSafeInteger(v);
      }),
    );
  });
});
