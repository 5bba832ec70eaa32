import { describe, expect, it } from 'vitest';
import { beijingToIso, isoToBeijing, parseBeijingTime } from '../../../shared/import/time.ts';

describe('parseBeijingTime', () => {
  it.each([
    ['2026-11-26 23:59:58', '2026-11-26 23:59:58', 'second'],
    ['2014-10-30 13：35：25', '2014-10-30 13:35:25', 'second'],
    ['2021/1/28 17:07', '2021-01-28 17:07:00', 'minute'],
    ['2021/1/28', '2021-01-28 00:00:00', 'day'],
    ['2026年11月26日 08:05:09', '2026-11-26 08:05:09', 'second'],
    ['20141030133525', '2014-10-30 13:35:25', 'second'],
    ['2026-11-26T16:00:03Z', '2026-11-27 00:00:03', 'second'],
    ['2026-11-27T00:00:03+08:00', '2026-11-27 00:00:03', 'second'],
    ['2026-11-26T10:00:00.123-05:00', '2026-11-26 23:00:00', 'second'],
  ])('%s → %s', (input, text, precision) => {
    expect(parseBeijingTime(input)).toEqual({ text, precision });
  });
  it.each(['', 'yesterday', '2026-13-01 00:00:00', '2026-02-30 00:00:00', '2026-11-26 24:00:00', '45623.5'])('refuses %j', (input) => {
    expect(parseBeijingTime(input)).toBeNull();
  });
  it('formats for reports', () => {
    expect(beijingToIso('2026-11-26 23:59:58')).toBe('2026-11-26T23:59:58+08:00');
  });
});

describe('isoToBeijing', () => {
  it('shows an instant as Beijing wall time, across midnight and from any offset', () => {
    expect(isoToBeijing('2026-11-26T16:30:05.123Z')).toBe('2026-11-27 00:30:05');
    expect(isoToBeijing('2026-11-27T00:00:03+08:00')).toBe('2026-11-27 00:00:03');
    expect(isoToBeijing('2026-02-28T23:00:00-05:00')).toBe('2026-03-01 12:00:00');
  });

  it('leaves what is not an instant as it is', () => {
    expect(isoToBeijing('2026-11-27 09:00:00')).toBe('2026-11-27 09:00:00');
    expect(isoToBeijing('yesterday')).toBe('yesterday');
    expect(isoToBeijing('')).toBe('');
  });
});
