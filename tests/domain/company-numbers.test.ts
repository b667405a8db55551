import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  combineCompanyNumbers,
  CompanyFigureKeys,
  median,
  respondentFigures,
  velocityWinRate,
  type CompanyFigureKey,
  type Respondent,
} from '../../src/domain/company-numbers.ts';
import { velocityPerDay } from '../../src/domain/numbers.ts';
import type { YourNumbers } from '../../src/domain/profile.ts';

const K = 5;
const withWinRate = (winRate: number, extra: YourNumbers = {}): Respondent => ({ numbers: { winRate, ...extra } });

describe('median', () => {
  it.each([
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
    [[7, 7, 7, 7, 7], 7],
  ])('of %j is %d', (values, m) => expect(median(values)).toBe(m));

  it('leaves its input in order and refuses nothing', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
    expect(() => median([])).toThrow();
  });
});

describe('respondentFigures', () => {
  it('works out derived figures per respondent, from their own fields', () => {
    const f = respondentFigures({
      opportunities: 40,
      dealValue: 25_000,
      winRate: 22,
      cycleDays: 90,
      wonCount: 13,
      wonValue: 300_000,
      lostCount: 31,
      lostValue: 700_000,
      quota: 300_000,
      pipeline: 700_000,
      stage1: 50,
      stage2: 50,
      stage3: 50,
    });
    expect(f.winRate).toBeCloseTo(0.22, 12);
    expect(f.unitWinRate).toBeCloseTo(13 / 44, 12);
    expect(f.valueWinRate).toBeCloseTo(0.3, 12);
    // Velocity uses the entered win rate when there is one.
    expect(f.velocityPerDay).toBeCloseTo(velocityPerDay({ opportunities: 40, dealValue: 25_000, winRate: 22, cycleDays: 90 }), 9);
    expect(f.coverage).toBeCloseTo(7 / 3, 12);
    expect(f.firstStagePerWin).toBeCloseTo(8, 9);
  });

  it('falls back to the unit win rate of decided deals for velocity when none was entered, and says so', () => {
    const n: YourNumbers = { opportunities: 40, dealValue: 25_000, cycleDays: 90, wonCount: 1, lostCount: 3, wonValue: 1, lostValue: 3 };
    expect(velocityWinRate(n)).toEqual({ rate: 0.25, source: 'deals' });
    expect(velocityWinRate({ ...n, winRate: 22 })).toEqual({ rate: 0.22, source: 'entered' });
    expect(velocityWinRate({ wonCount: 0, lostCount: 0 })).toBeNull();
    expect(respondentFigures(n).velocityPerDay).toBeCloseTo((40 * 25_000 * 0.25) / 90, 9);
  });

  it('gives nothing for a blank numbers page', () => {
    expect(respondentFigures({})).toEqual({});
    expect(respondentFigures({ currency: 'USD' })).toEqual({});
  });
});

describe('combineCompanyNumbers', () => {
  it('gives the median of those who gave a figure, with their number', () => {
    const c = combineCompanyNumbers([20, 25, 30, 35, 60, 22, 41].map((w) => withWinRate(w)), K);
    expect(c.figures.winRate).toEqual({ value: 0.3, n: 7 });
    // Nobody gave anything else.
    expect(Object.keys(c.figures)).toEqual(['winRate']);
  });

  it('shows nothing below k, and nothing of anyone who left a figure blank', () => {
    const four = [20, 25, 30, 35].map((w) => withWinRate(w));
    expect(combineCompanyNumbers(four, K).figures).toEqual({});
    expect(combineCompanyNumbers([...four, { numbers: null }, { numbers: { currency: 'USD' } }], K).figures).toEqual({});
    expect(combineCompanyNumbers([...four, withWinRate(40)], K).figures.winRate).toEqual({ value: 0.3, n: 5 });
  });

  it("counts k after the reader's own figure is left out, and takes the reader into the median once it is shown", () => {
    const others = [20, 25, 30, 35].map((w) => withWinRate(w));
    const reader: Respondent = { ...withWinRate(90), reader: true };
    expect(combineCompanyNumbers([...others, reader], K).figures.winRate).toBeUndefined();
    const shown = combineCompanyNumbers([...others, withWinRate(40), reader], K);
    expect(shown.withReader).toBe(true);
    expect(shown.figures.winRate!.n).toBe(6);
    expect(shown.figures.winRate!.value).toBeCloseTo(0.325, 12);
    // A reader who gave no win rate does not lower the bar.
    expect(combineCompanyNumbers([...others, { numbers: null, reader: true }], K).figures.winRate).toBeUndefined();
  });

  it("combines money only in one currency: the reader's, else the one most respondents gave", () => {
    const usd = [10_000, 20_000, 30_000, 40_000, 50_000].map((dealValue): Respondent => ({ numbers: { dealValue, currency: 'USD' } }));
    const eur = [1, 2, 3, 4, 5, 6].map((d): Respondent => ({ numbers: { dealValue: d * 1000, currency: 'EUR' } }));
    const consultant = combineCompanyNumbers([...usd, ...eur], K);
    expect(consultant.currency).toBe('EUR');
    expect(consultant.figures.dealValue).toEqual({ value: 3500, n: 6 });
    const readerInUsd = combineCompanyNumbers([...usd, ...eur, { numbers: { dealValue: 60_000, currency: 'USD' }, reader: true }], K);
    expect(readerInUsd.currency).toBe('USD');
    expect(readerInUsd.figures.dealValue).toEqual({ value: 35_000, n: 6 });
    // Rates mix currencies freely: won value over decided value is a share whatever the currency.
    expect(combineCompanyNumbers([...usd.slice(0, 3), ...eur.slice(0, 3)].map((r) => ({ numbers: { ...r.numbers, winRate: 20 } })), K).figures.winRate?.n).toBe(6);
  });

  it('refuses two readers', () => {
    expect(() => combineCompanyNumbers([{ numbers: null, reader: true }, { numbers: null, reader: true }], K)).toThrow();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties over any company of up to 14 respondents with any mix of figures.

const numbersArb: fc.Arbitrary<YourNumbers | null> = fc.option(
  fc.record(
    {
      opportunities: fc.integer({ min: 0, max: 500 }),
      dealValue: fc.integer({ min: 0, max: 1_000_000 }),
      currency: fc.constantFrom('USD', 'EUR', 'GBP'),
      winRate: fc.integer({ min: 0, max: 100 }),
      cycleDays: fc.integer({ min: 1, max: 720 }),
      quota: fc.integer({ min: 0, max: 5_000_000 }),
      pipeline: fc.integer({ min: 0, max: 20_000_000 }),
      wonCount: fc.integer({ min: 0, max: 50 }),
      wonValue: fc.integer({ min: 0, max: 5_000_000 }),
      lostCount: fc.integer({ min: 0, max: 50 }),
      lostValue: fc.integer({ min: 0, max: 5_000_000 }),
      stage1: fc.integer({ min: 1, max: 100 }),
      stage2: fc.integer({ min: 1, max: 100 }),
    },
    { requiredKeys: [] },
  ),
  { nil: null },
);

const companyArb = fc
  .tuple(fc.array(numbersArb, { maxLength: 14 }), fc.integer({ min: -1, max: 13 }), fc.integer({ min: 1, max: 8 }))
  .map(([all, readerAt, k]) => ({ respondents: all.map((numbers, i): Respondent => ({ numbers, reader: i === readerAt })), k }));

/** Who gave a figure, as combineCompanyNumbers counts them. */
function contributors(respondents: readonly Respondent[], key: CompanyFigureKey, currency: string) {
  return respondents.filter((r) => {
    if (!r.numbers || respondentFigures(r.numbers)[key] === undefined) return false;
    return key !== 'dealValue' && key !== 'velocityPerDay' ? true : (r.numbers.currency ?? '') === currency;
  });
}

describe('combineCompanyNumbers, for any company', () => {
  it('produces no figure that fewer than k people other than the reader gave', () => {
    fc.assert(
      fc.property(companyArb, ({ respondents, k }) => {
        const c = combineCompanyNumbers(respondents, k);
        for (const key of CompanyFigureKeys) {
          const who = contributors(respondents, key, c.currency);
          const others = who.filter((r) => !r.reader).length;
          if (others < k) expect(c.figures[key], key).toBeUndefined();
          else expect(c.figures[key]?.n, key).toBe(who.length);
        }
      }),
    );
  });

  it('does not depend on the order of the respondents', () => {
    fc.assert(
      fc.property(
        companyArb.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(c.respondents, { minLength: c.respondents.length, maxLength: c.respondents.length }))),
        ([{ respondents, k }, shuffled]) => {
          expect(combineCompanyNumbers(shuffled, k)).toEqual(combineCompanyNumbers(respondents, k));
        },
      ),
    );
  });

  it('keeps every figure within the lowest and the highest of those who gave it', () => {
    fc.assert(
      fc.property(companyArb, ({ respondents, k }) => {
        const c = combineCompanyNumbers(respondents, k);
        for (const [key, figure] of Object.entries(c.figures) as [CompanyFigureKey, { value: number; n: number }][]) {
          const values = contributors(respondents, key, c.currency).map((r) => respondentFigures(r.numbers!)[key]!);
          expect(figure.value, key).toBeGreaterThanOrEqual(Math.min(...values));
          expect(figure.value, key).toBeLessThanOrEqual(Math.max(...values));
        }
      }),
    );
  });
});
