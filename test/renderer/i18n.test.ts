import { describe, expect, it } from 'vitest';
import { format, MESSAGES } from '../../renderer/src/i18n.ts';

describe('format', () => {
  it('fills names and leaves unknown ones visible', () => {
    expect(format('已选 {n} 项', { n: 3 })).toBe('已选 3 项');
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('takes the singular for one, formatted or not, and the plural otherwise', () => {
    const items = MESSAGES.en.items;
    expect(format(items, { n: 1 })).toBe('1 item');
    expect(format(items, { n: '1' })).toBe('1 item');
    expect(format(items, { n: 0 })).toBe('0 items');
    expect(format(items, { n: '1,000' })).toBe('1,000 items');
    expect(format(MESSAGES.en.daysOpen, { n: 1 })).toBe('open 1 day');
    expect(format(MESSAGES.en.daysOpen, { n: 4 })).toBe('open 4 days');
    // Chinese has no plural: the same words either way.
    expect(format(MESSAGES['zh-CN'].items, { n: 1 })).toBe('1 条');
  });
});
