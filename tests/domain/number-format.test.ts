import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatChange, formatMoney, formatPercent, formatRatio, formatStageCount, groupThousands } from '../../src/domain/number-format.ts';

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

describe('one rounding rule per kind of figure', () => {
  it('prints stage counts as whole opportunities rounded up, so the win reads 1 and 50 % steps read 8 : 4 : 2 : 1', () => {
    expect([1, 1.25, 1.54, 2, 2.95, 5.6, 8, 11.1, 18.5, 1234.5].map(formatStageCount)).toEqual(['1', '2', '2', '2', '3', '6', '8', '12', '19', '1,235']);
    // Floating-point error just above a whole number is not one opportunity more.
    expect(formatStageCount(1 / 0.5 / 0.5 / 0.5)).toBe('8');
    expect(formatStageCount(1 / 0.1 / 0.1 / 0.1)).toBe('1,000');
  });

  it('prints every percentage with one decimal, never "-0.0"', () => {
    expect([0.22, 0.295, 1, 0, 0.0004, 2 / 3].map(formatPercent)).toEqual(['22.0 %', '29.5 %', '100.0 %', '0.0 %', '0.0 %', '66.7 %']);
    expect([0.4789, -0.04, 0, -0.0001].map(formatChange)).toEqual(['+47.9 %', '-4.0 %', '0.0 %', '0.0 %']);
    expect(formatRatio(700_000 / 300_000)).toBe('2.3 : 1');
  });

  it('prints amounts whole, after their currency', () => {
    expect(formatMoney(3629.4, 'USD')).toBe('USD 3,629');
    expect(formatMoney(398000, '')).toBe('398,000');
    expect(formatMoney(-1500.5, undefined)).toBe('-1,500');
  });

  it('never prints a stage count below the exact figure, nor a whole one more', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e6, noNaN: true }), (v) => {
        const shown = Number(formatStageCount(v).replace(/,/g, ''));
        return shown >= v - 1e-9 && shown < v + 1;
      }),
    );
  });
});
