import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount, formatMoney, groupThousands } from '../../src/domain/number-format.ts';

describe('groupThousands', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1,000'],
    [12345.6, '12,346'],
    [-1234567, '-1,234,567'],
    [1e21, '1e+21'],
    [Number.NaN, 'NaN'],
  ])('%d → %s', (value, text) => expect(groupThousands(value)).toBe(text));

  it('writes what toLocaleString("en-US") writes for every whole number of a report (but never "-0")', () => {
    expect(groupThousands(-0.4)).toBe('0');
    fc.assert(fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), (v) => groupThousands(v) === (Math.round(v) || 0).toLocaleString('en-US')));
  });
});

describe('formatCount and formatMoney', () => {
  it('print stage counts whole from 10 up and to one decimal below, and amounts after their currency', () => {
    expect([1, 1.54, 2.95, 9.96, 10.4, 1234.5].map(formatCount)).toEqual(['1', '1.5', '3', '10', '10', '1,235']);
    expect(formatMoney(3629.4, 'USD')).toBe('USD 3,629');
    expect(formatMoney(398000, '')).toBe('398,000');
    expect(formatMoney(-1500.5, undefined)).toBe('-1,500');
  });
});

