import { describe, expect, it } from 'vitest';
import {
  compoundedFactor,
  COVERAGE_RULE,
  DAYS_PER_QUARTER,
  opportunitiesPerStage,
  pipelineCoverage,
  TEN_PERCENT_EACH,
  velocityPerDay,
  whatIf,
  winRates,
  type Lever,
} from '../../src/domain/numbers.ts';
import { formatStageCount } from '../../src/domain/number-format.ts';

const NONE: Lever = { opportunities: 0, dealValue: 0, winRate: 0, cycleDays: 0 };

describe('velocityPerDay', () => {
  describe.each([
    { name: 'textbook figures', input: { opportunities: 40, dealValue: 25_000, winRate: 25, cycleDays: 90 }, perDay: 250_000 / 90 },
    { name: 'one deal a day', input: { opportunities: 1, dealValue: 1000, winRate: 100, cycleDays: 1 }, perDay: 1000 },
    { name: 'a zero win rate', input: { opportunities: 50, dealValue: 10_000, winRate: 0, cycleDays: 30 }, perDay: 0 },
    { name: 'no opportunities', input: { opportunities: 0, dealValue: 10_000, winRate: 30, cycleDays: 30 }, perDay: 0 },
    { name: 'a long cycle', input: { opportunities: 10, dealValue: 500_000, winRate: 20, cycleDays: 365 }, perDay: 1_000_000 / 365 },
  ])('$name', ({ input, perDay }) => {
    it('is opportunities × value × win rate / cycle', () => {
      expect(velocityPerDay(input)).toBeCloseTo(perDay, 6);
      expect(velocityPerDay(input)).toBeCloseTo(
        (input.opportunities * input.dealValue * input.winRate) / 100 / input.cycleDays,
        6,
      );
    });
  });
});

describe('compoundedFactor', () => {
  describe.each([
    { name: '+10 % on each lever, -10 % cycle', lever: TEN_PERCENT_EACH, factor: 1.4789, uplift: 0.479 },
    { name: 'no change', lever: NONE, factor: 1, uplift: 0 },
    { name: '+10 % opportunities only', lever: { ...NONE, opportunities: 0.1 }, factor: 1.1, uplift: 0.1 },
    { name: '-10 % cycle only', lever: { ...NONE, cycleDays: -0.1 }, factor: 1 / 0.9, uplift: 0.1111 },
    { name: 'a cycle twice as long', lever: { ...NONE, cycleDays: 1 }, factor: 0.5, uplift: -0.5 },
    { name: '+20 % win rate, -20 % value', lever: { ...NONE, winRate: 0.2, dealValue: -0.2 }, factor: 0.96, uplift: -0.04 },
  ])('$name', ({ lever, factor, uplift }) => {
    it(`multiplies velocity by ${factor}`, () => {
      expect(compoundedFactor(lever)).toBeCloseTo(factor, 4);
      expect(compoundedFactor(lever) - 1).toBeCloseTo(uplift, 3);
    });
  });

  it('gives +47.9 % for the ten-percent levers, i.e. 1.1³ / 0.9', () => {
    expect(compoundedFactor(TEN_PERCENT_EACH)).toBeCloseTo(1.1 ** 3 / 0.9, 12);
    expect(Math.round((compoundedFactor(TEN_PERCENT_EACH) - 1) * 1000) / 10).toBe(47.9);
  });
});

describe('whatIf', () => {
  const input = { opportunities: 40, dealValue: 25_000, winRate: 25, cycleDays: 90 };

  it('applies the levers to the participant’s own figures', () => {
    const w = whatIf(input);
    expect(w.before.perDay).toBeCloseTo(250_000 / 90, 6);
    expect(w.before.perQuarter).toBeCloseTo((250_000 / 90) * DAYS_PER_QUARTER, 6);
    expect(w.after.input.opportunities).toBeCloseTo(44, 9);
    expect(w.after.input.dealValue).toBeCloseTo(27_500, 6);
    expect(w.after.input.winRate).toBeCloseTo(27.5, 9);
    expect(w.after.input.cycleDays).toBeCloseTo(81, 9);
    expect(w.after.perDay).toBeCloseTo(w.before.perDay * 1.4789, 0);
    expect(w.factor).toBeCloseTo(1.4789, 4);
    expect(w.uplift).toBeCloseTo(0.4789, 4);
  });

  it('lists each lever alone, in order', () => {
    const single = whatIf(input).single;
    expect(single.map((s) => s.lever)).toEqual(['opportunities', 'dealValue', 'winRate', 'cycleDays']);
    expect(single[0]!.uplift).toBeCloseTo(0.1, 9);
    expect(single[1]!.uplift).toBeCloseTo(0.1, 9);
    expect(single[2]!.uplift).toBeCloseTo(0.1, 9);
    expect(single[3]!.uplift).toBeCloseTo(1 / 0.9 - 1, 9);
  });

  it('never lets the win rate pass 100 %, so the real uplift falls short of the factor', () => {
    const w = whatIf({ ...input, winRate: 95 });
    expect(w.after.input.winRate).toBe(100);
    expect(w.uplift).toBeCloseTo((1.1 * 1.1 * (100 / 95)) / 0.9 - 1, 9);
    expect(w.uplift).toBeLessThan(w.factor - 1);
  });

  it('falls back to the factor when there is no velocity to compare with', () => {
    const w = whatIf({ ...input, opportunities: 0 });
    expect(w.before.perDay).toBe(0);
    expect(w.uplift).toBeCloseTo(0.4789, 4);
  });
});

describe('winRates', () => {
  describe.each([
    {
      name: 'wins of 20k and 10k against losses of 40k and 30k',
      deals: { wonCount: 2, wonValue: 30_000, lostCount: 2, lostValue: 70_000 },
      unit: 0.5,
      value: 0.3,
      unitWithOpen: 0.5,
      valueWithOpen: 0.3,
    },
    {
      name: 'the same with two open deals worth 50k',
      deals: { wonCount: 2, wonValue: 30_000, lostCount: 2, lostValue: 70_000, openCount: 2, openValue: 50_000 },
      unit: 0.5,
      value: 0.3,
      unitWithOpen: 2 / 6,
      valueWithOpen: 30_000 / 150_000,
    },
    {
      name: 'nothing decided yet',
      deals: { wonCount: 0, wonValue: 0, lostCount: 0, lostValue: 0 },
      unit: null,
      value: null,
      unitWithOpen: null,
      valueWithOpen: null,
    },
    {
      name: 'all won',
      deals: { wonCount: 3, wonValue: 90_000, lostCount: 0, lostValue: 0 },
      unit: 1,
      value: 1,
      unitWithOpen: 1,
      valueWithOpen: 1,
    },
  ])('$name', ({ deals, unit, value, unitWithOpen, valueWithOpen }) => {
    const r = winRates(deals);
    it('gives the unit and value win rates', () => {
      if (unit === null) expect(r.unit).toBeNull();
      else expect(r.unit).toBeCloseTo(unit, 9);
      if (value === null) expect(r.value).toBeNull();
      else expect(r.value).toBeCloseTo(value, 9);
    });
    it('gives the rates with open deals counted as not won', () => {
      if (unitWithOpen === null) expect(r.unitWithOpen).toBeNull();
      else expect(r.unitWithOpen).toBeCloseTo(unitWithOpen, 9);
      if (valueWithOpen === null) expect(r.valueWithOpen).toBeNull();
      else expect(r.valueWithOpen).toBeCloseTo(valueWithOpen, 9);
    });
  });

  it('open deals lower the with-open rates and raise the if-all-won rates', () => {
    const closed = winRates({ wonCount: 2, wonValue: 30_000, lostCount: 2, lostValue: 70_000 });
    const open = winRates({ wonCount: 2, wonValue: 30_000, lostCount: 2, lostValue: 70_000, openCount: 4, openValue: 100_000 });
    expect(open.unitWithOpen!).toBeLessThan(closed.unitWithOpen!);
    expect(open.valueWithOpen!).toBeLessThan(closed.valueWithOpen!);
    expect(open.unitWithOpen).toBeCloseTo(0.25, 9);
    expect(open.valueWithOpen).toBeCloseTo(0.15, 9);
    expect(open.unitIfOpenWon).toBeCloseTo(0.75, 9);
    expect(open.valueIfOpenWon).toBeCloseTo(130_000 / 200_000, 9);
    expect(open.unit).toBe(closed.unit);
    expect(open.value).toBe(closed.value);
  });

  it('counts open deals for the with-open rates even when nothing is decided yet', () => {
    const r = winRates({ wonCount: 0, wonValue: 0, lostCount: 0, lostValue: 0, openCount: 3, openValue: 30_000 });
    expect(r.unit).toBeNull();
    expect(r.unitWithOpen).toBe(0);
    expect(r.unitIfOpenWon).toBe(1);
  });
});

describe('pipelineCoverage', () => {
  describe.each([
    { name: '700k against 300k', pipeline: 700_000, quota: 300_000, ratio: 7 / 3, meets: false, shortfall: 200_000 },
    { name: 'exactly 3 : 1', pipeline: 900_000, quota: 300_000, ratio: 3, meets: true, shortfall: 0 },
    { name: 'above the rule', pipeline: 1_500_000, quota: 300_000, ratio: 5, meets: true, shortfall: 0 },
    { name: 'no pipeline', pipeline: 0, quota: 100_000, ratio: 0, meets: false, shortfall: 300_000 },
  ])('$name', ({ pipeline, quota, ratio, meets, shortfall }) => {
    it('gives ratio, rule and shortfall', () => {
      const c = pipelineCoverage(pipeline, quota)!;
      expect(c.ratio).toBeCloseTo(ratio, 9);
      expect(c.rule).toBe(COVERAGE_RULE);
      expect(c.meetsRule).toBe(meets);
      expect(c.shortfall).toBeCloseTo(shortfall, 6);
    });
  });

  it('700k against 300k reads as about 2.33 : 1', () => {
    expect(pipelineCoverage(700_000, 300_000)!.ratio).toBeCloseTo(2.33, 2);
  });

  it.each([0, -5])('has no figure for a quota of %d', (quota) => {
    expect(pipelineCoverage(500_000, quota)).toBeNull();
  });
});

describe('opportunitiesPerStage', () => {
  describe.each([
    { name: 'three 50 % conversions between four stages', rates: [50, 50, 50], needed: [8, 4, 2, 1] },
    { name: 'four 50 % conversions', rates: [50, 50, 50, 50], needed: [16, 8, 4, 2, 1] },
    { name: 'one stage at 25 %', rates: [25], needed: [4, 1] },
    { name: 'mixed rates', rates: [20, 50, 80], needed: [12.5, 2.5, 1.25, 1] },
    { name: 'all certain', rates: [100, 100], needed: [1, 1, 1] },
    { name: 'no rates', rates: [], needed: [1] },
  ])('$name', ({ rates, needed }) => {
    it(`gives ${needed.join(' : ')}`, () => {
      const got = opportunitiesPerStage(rates)!;
      expect(got).toHaveLength(needed.length);
      got.forEach((g, i) => expect(g).toBeCloseTo(needed[i]!, 9));
    });
  });

  it.each([[[50, 0, 50]], [[-10]], [[0]]])('has no answer when a rate is zero or less: %j', (rates) => {
    expect(opportunitiesPerStage(rates)).toBeNull();
  });
});

describe('opportunitiesPerStage as the reports print it', () => {
  it.each([
    { rates: [50, 50, 50], printed: '8 : 4 : 2 : 1' },
    // Once printed 19 : 11 : 5.6 (whole from 10, one decimal below); one rule now: whole opportunities, rounded up.
    { rates: [58, 51, 18], printed: '19 : 11 : 6 : 1' },
    { rates: [20, 50, 80], printed: '13 : 3 : 2 : 1' },
    { rates: [100, 100], printed: '1 : 1 : 1' },
  ])('$rates gives $printed', ({ rates, printed }) => {
    expect(opportunitiesPerStage(rates)!.map(formatStageCount).join(' : ')).toBe(printed);
  });
});
