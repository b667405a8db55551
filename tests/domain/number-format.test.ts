import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EN_NUMBERS, formatChange, formatMoney, formatPercent, formatRatio, formatStageCount, groupThousands, numberFormat } from '../../src/domain/number-format.ts';
import { numbersPage } from '../../src/domain/numbers-page.ts';
import { numberStyleFor } from '../../src/domain/reader-locale.ts';

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

describe("the reader's separators", () => {
  it('follows the first language of Accept-Language the runtime knows, English by default', () => {
    expect(numberStyleFor('de-DE,de;q=0.9,en;q=0.8')).toEqual({ group: '.', decimal: ',' });
    expect(numberStyleFor('en-US,en;q=0.9')).toEqual(EN_NUMBERS);
    // A space between thousands becomes a no-break space, which every report face has.
    expect(numberStyleFor('fr-FR')).toEqual({ group: '\u00a0', decimal: ',' });
    // Swiss German: an apostrophe between thousands (ICU versions differ on which one).
    expect(numberStyleFor('de-CH')).toMatchObject({ group: expect.stringMatching(/^['’]$/), decimal: '.' });
    for (const header of [null, '', '*', 'xx-invalid-@@', 'en;q=abc', ';;;,,,', 'a'.repeat(5000)]) expect(numberStyleFor(header), String(header).slice(0, 20)).toEqual(EN_NUMBERS);
    // A language whose own digits or marks a report would not print falls through to the next one.
    expect(numberStyleFor('ar-EG,de;q=0.5')).toEqual({ group: '.', decimal: ',' });
  });

  it('writes every rule with those separators', () => {
    const de = numberFormat({ group: '.', decimal: ',' });
    expect([de.percent(0.295), de.change(0.4789), de.change(0), de.ratio(2.345), de.money(1234567.4, 'EUR'), de.stageCount(1234.5), de.group(-9876543)]).toEqual([
      '29,5 %',
      '+47,9 %',
      '0,0 %',
      '2,3 : 1',
      'EUR 1.234.567',
      '1.235',
      '-9.876.543',
    ]);
    expect(numberFormat(EN_NUMBERS).percent(12.345)).toBe('1,234.5 %');
  });

  it('reaches the numbers page: a German reader reads 22,0 % and 29,5 %', () => {
    const page = numbersPage('Intro', { winRate: 22, wonCount: 13, wonValue: 300_000, lostCount: 31, lostValue: 700_000, currency: 'EUR' }, null, { group: '.', decimal: ',' })!;
    expect(page.own!.winRates!.rows.map((r) => r.value)).toEqual(['22,0 %', '29,5 %', '30,0 %']);
    expect(page.own!.winRates!.rows[2]!.label).toContain('EUR 300.000 won of EUR 1.000.000');
  });
});
