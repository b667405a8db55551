import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateCompany } from '../../src/domain/aggregation.ts';
import { companyScores } from '../../src/domain/scoring.ts';
import { companyTrend, describeChange, directionOf, retakeTrend, TrendKeys, type Change } from '../../src/domain/trend.ts';
import { companyItemList, instrument } from '../fixtures/instrument.ts';

// Fewer resamples keep the property runs quick; the cases that check the interval itself use the full B.
const QUICK = { resamples: 200 };
const RUNS = { numRuns: 40 };

const LEVELS = [0, 0.25, 0.5, 0.75, 1];
const scoresArb = fc
  .array(fc.option(fc.constantFrom(...LEVELS), { nil: undefined, freq: 8 }), { minLength: companyItemList.length, maxLength: companyItemList.length })
  .map((values) => new Map(companyItemList.flatMap((item, i) => (values[i] === undefined ? [] : [[item.id, values[i]!] as [string, number]]))));
const respondentsArb = (min: number, max: number) => fc.array(scoresArb.map((itemScores) => ({ itemScores })), { minLength: min, maxLength: max });

/** A respondent whose every company item scores `level`, except that `jitter` moves some items a step. */
function respondent(level: number, jitter = 0): { itemScores: Map<string, number> } {
  return {
    itemScores: new Map(companyItemList.map((item, i) => [item.id, Math.min(1, Math.max(0, level + (i % 3 === 0 ? jitter : -jitter)))])),
  };
}

const byKey = (changes: Change[], key: string) => changes.find((c) => c.key === key)!;

describe('companyTrend', () => {
  it('gives the published figures as the two sides and their difference as the change', () => {
    const before = [respondent(0.25), respondent(0.5), respondent(0.5, 0.25), respondent(0.75), respondent(0.25, 0.25), respondent(0.5)];
    const after = [respondent(0.75), respondent(0.5), respondent(1, 0.25), respondent(0.75), respondent(0.75, 0.25), respondent(0.5)];
    const trend = companyTrend(instrument, { respondents: before }, { respondents: after });
    const published = (rs: typeof before) => aggregateCompany(instrument, rs.map((r) => ({ ...r, roleGroup: 'seller' as const })), { minGroup: 5, readerRoleGroup: null }).scores;
    expect(trend.nBefore).toBe(6);
    expect(trend.nAfter).toBe(6);
    expect(trend.method).toBe('respondents');
    for (const key of TrendKeys) {
      const c = byKey(trend.changes, key);
      expect(c.before).toBe(published(before)[key]);
      expect(c.after).toBe(published(after)[key]);
      expect(c.change).toBeCloseTo(c.after! - c.before!, 2);
    }
  });

  it('keeps to the items the published figures keep', () => {
    const before = [respondent(0.25), respondent(0.5)];
    const after = [respondent(0.75), respondent(0.5)];
    const kept = new Set(companyItemList.slice(0, 5).map((i) => i.id));
    const trend = companyTrend(instrument, { respondents: before, items: kept }, { respondents: after, items: kept }, QUICK);
    const expected = companyScores(instrument, new Map([...kept].map((id) => [id, 0.375])));
    expect(byKey(trend.changes, 'velocity').before).toBe(expected.velocity);
  });

  it('calls a large shift with many respondents a change, outside the noise, in the right direction', () => {
    const before = Array.from({ length: 30 }, (_, i) => respondent(0.25, (i % 4) * 0.05));
    const after = Array.from({ length: 30 }, (_, i) => respondent(0.75, (i % 4) * 0.05));
    const trend = companyTrend(instrument, { respondents: before }, { respondents: after });
    for (const c of trend.changes) {
      expect(c.withinNoise).toBe(false);
      expect(c.low!).toBeGreaterThan(0);
      expect(directionOf(c)).toBe('up');
      expect(describeChange(c)).toMatch(/^up \d+ points$/);
    }
  });

  it('calls a small shift in a small, spread-out group within noise', () => {
    const before = [respondent(0), respondent(1), respondent(0.25), respondent(0.75), respondent(0.5), respondent(0.5)];
    const after = [respondent(0), respondent(1), respondent(0.25), respondent(0.75), respondent(0.5), respondent(0.75)];
    const velocity = byKey(companyTrend(instrument, { respondents: before }, { respondents: after }).changes, 'velocity');
    expect(velocity.change!).toBeGreaterThan(0);
    expect(velocity.withinNoise).toBe(true);
    expect(directionOf(velocity)).toBe('steady');
    expect(describeChange(velocity)).toMatch(/^up \d+ points?, within noise$/);
  });

  it('identical rounds: no change, within noise', () => {
    fc.assert(
      fc.property(respondentsArb(1, 8), (rs) => {
        const trend = companyTrend(instrument, { respondents: rs }, { respondents: rs }, QUICK);
        for (const c of trend.changes) {
          if (c.change === null) continue;
          expect(c.change).toBe(0);
          expect(c.withinNoise).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('the interval always contains the change, and the same data gives the same interval', () => {
    fc.assert(
      fc.property(respondentsArb(1, 7), respondentsArb(1, 7), (a, b) => {
        const first = companyTrend(instrument, { respondents: a }, { respondents: b }, QUICK);
        const again = companyTrend(instrument, { respondents: a }, { respondents: b }, QUICK);
        expect(again).toEqual(first);
        for (const c of first.changes) {
          if (c.change === null) continue;
          expect(c.low!).toBeLessThanOrEqual(c.change);
          expect(c.high!).toBeGreaterThanOrEqual(c.change);
          expect(c.withinNoise).toBe(c.low! <= 0 && c.high! >= 0);
        }
      }),
      RUNS,
    );
  });
});

describe('retakeTrend', () => {
  it('the same answers twice: no change, within noise', () => {
    fc.assert(
      fc.property(scoresArb, (s) => {
        for (const c of retakeTrend(instrument, s, s, QUICK).changes) {
          if (c.change === null) continue;
          expect(c.change).toBe(0);
          expect([c.low, c.high]).toEqual([0, 0]);
          expect(c.withinNoise).toBe(true);
          expect(describeChange(c)).toBe('no change');
        }
      }),
      RUNS,
    );
  });

  it('a move from the bottom to the top of every scale is outside the noise of the questions', () => {
    const trend = retakeTrend(instrument, respondent(0).itemScores, respondent(1).itemScores);
    expect(trend).toMatchObject({ method: 'items', nBefore: 1, nAfter: 1 });
    for (const c of trend.changes) {
      expect(c.change).toBe(100);
      expect(c.withinNoise).toBe(false);
    }
  });

  it('one answer a step better among many is within the noise of the questions', () => {
    const before = respondent(0.5, 0.25).itemScores;
    const after = new Map(before);
    after.set(companyItemList[1]!.id, Math.min(1, before.get(companyItemList[1]!.id)! + 0.25));
    const velocity = byKey(retakeTrend(instrument, before, after).changes, 'velocity');
    expect(velocity.change!).toBeGreaterThan(0);
    expect(velocity.withinNoise).toBe(true);
  });

  it('the point estimate is the difference of the two scores, inside its interval, deterministically', () => {
    fc.assert(
      fc.property(scoresArb, scoresArb, (a, b) => {
        const trend = retakeTrend(instrument, a, b, QUICK);
        expect(retakeTrend(instrument, a, b, QUICK)).toEqual(trend);
        const sa = companyScores(instrument, a);
        const sb = companyScores(instrument, b);
        for (const c of trend.changes) {
          expect(c.before).toBe(sa[c.key]);
          expect(c.after).toBe(sb[c.key]);
          if (c.change === null) continue;
          expect(c.low!).toBeLessThanOrEqual(c.change);
          expect(c.high!).toBeGreaterThanOrEqual(c.change);
        }
      }),
      RUNS,
    );
  });
});

describe('describeChange', () => {
  const change = (value: number, withinNoise: boolean): Change => ({ key: 'velocity', before: 50, after: 50 + value, change: value, low: value - 1, high: value + 1, withinNoise });
  it.each([
    [6, false, 'up 6 points'],
    [-1, false, 'down 1 point'],
    [0.3, false, 'unchanged at whole points'],
    [0, true, 'no change'],
    [-3.4, true, 'down 3 points, within noise'],
  ])('%d (within noise: %s) reads "%s"', (value, noise, words) => {
    expect(describeChange(change(value, noise))).toBe(words);
  });
});
