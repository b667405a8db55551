import { describe, expect, it } from 'vitest';
import { aggregateCompany, meanItemScores, type Respondent } from '../../src/domain/aggregation.ts';
import { companyScores, scoreParticipant } from '../../src/domain/scoring.ts';
import { instrument, itemScores } from '../fixtures/instrument.ts';

const leader = (scores: Record<string, number>): Respondent => ({ roleGroup: 'leader', itemScores: itemScores(scores) });
const seller = (scores: Record<string, number>): Respondent => ({ roleGroup: 'seller', itemScores: itemScores(scores) });
/** A reading with k = 0: every figure may be shown, so the arithmetic can be checked alone. */
const OPEN = { minGroup: 0, readerRoleGroup: null };

describe('meanItemScores', () => {
  describe.each([
    { name: 'nobody', respondents: [], expected: {} },
    { name: 'one respondent', respondents: [seller({ 'c-plan': 0.75 })], expected: { 'c-plan': 0.75 } },
    {
      name: 'an item one person skipped',
      respondents: [seller({ 'c-plan': 1, 'c-stage': 0 }), seller({ 'c-plan': 0.5 })],
      expected: { 'c-plan': 0.75, 'c-stage': 0 },
    },
    {
      name: 'three respondents',
      respondents: [leader({ 'c-qualify': 1 }), seller({ 'c-qualify': 0.5 }), seller({ 'c-qualify': 0 })],
      expected: { 'c-qualify': 0.5 },
    },
  ])('$name', ({ respondents, expected }) => {
    it('averages over those who answered', () => {
      expect(Object.fromEntries(meanItemScores(respondents))).toEqual(expected);
    });
  });
});

describe('aggregateCompany', () => {
  // A leader and two sellers; c-forecast is answered only by the leader.
  const team: Respondent[] = [
    leader({ 'c-plan': 1, 'c-qualify': 1, 'c-review': 0.5, 'c-stalled': 1, 'c-forecast': 1 }),
    seller({ 'c-plan': 0, 'c-qualify': 0.75, 'c-review': 0.5, 'c-stalled': 0.25 }),
    seller({ 'c-plan': 0.5, 'c-qualify': 0.75, 'c-review': 0.5, 'c-stalled': 0.75 }),
  ];
  const agg = aggregateCompany(instrument, team, OPEN);

  it('counts the respondents', () => {
    expect(agg.respondents).toBe(3);
    expect(agg.byRole!.leader.respondents).toBe(1);
    expect(agg.byRole!.seller.respondents).toBe(2);
  });

  it.each([
    ['c-plan', 0.5],
    ['c-qualify', 2.5 / 3],
    ['c-review', 0.5],
    ['c-stalled', 2 / 3],
    ['c-forecast', 1],
  ])('takes the mean item score of %s', (id, mean) => {
    expect(agg.itemScores.get(id)).toBeCloseTo(mean, 12);
  });

  it('computes the sub-indices from the mean item scores', () => {
    expect(agg.scores).toEqual(companyScores(instrument, agg.itemScores));
    // value: (2 × 0.5 + 1 × 1) / 3
    expect(agg.scores.value).toBe(66.67);
  });

  it('does not average the respondents’ own sub-indices', () => {
    // Respondent A: value 100; B: value 0. Their mean is 50, but the mean item
    // scores (plan 0.5, forecast 0 from B alone) give (2 × 0.5 + 0) / 3.
    const a = leader({ 'c-plan': 1 });
    const b = seller({ 'c-plan': 0, 'c-forecast': 0 });
    expect(companyScores(instrument, a.itemScores).value).toBe(100);
    expect(companyScores(instrument, b.itemScores).value).toBe(0);
    expect(aggregateCompany(instrument, [a, b], OPEN).scores.value).toBe(33.33);
  });

  it('lists spreads widest first, only for items two or more answered', () => {
    // Population standard deviations: plan sd(1, 0, .5) = .408, stalled sd(1, .25, .75) = .312,
    // qualify sd(1, .75, .75) = .118, review 0; forecast has one answer.
    expect(agg.spreads.map((s) => s.itemId)).toEqual(['c-plan', 'c-stalled', 'c-qualify', 'c-review']);
    const plan = agg.spreads[0]!;
    expect(plan.n).toBe(3);
    expect(plan.mean).toBeCloseTo(0.5, 12);
    expect(plan.spread).toBeCloseTo(Math.sqrt(1 / 6), 12);
    // No minimum or maximum: each is one person's answer.
    expect(Object.keys(plan).sort()).toEqual(['itemId', 'mean', 'n', 'spread']);
    expect(agg.spreads[3]!.spread).toBe(0);
    for (const s of agg.spreads) {
      expect(s.spread).toBeGreaterThanOrEqual(0);
      expect(s.spread).toBeLessThanOrEqual(0.5);
    }
  });

  it('breaks ties between spreads by instrument order', () => {
    const tied = aggregateCompany(instrument, [
      seller({ 'c-forecast': 0, 'c-stage': 1, 'c-plan': 0, 'c-review': 0.5 }),
      seller({ 'c-forecast': 1, 'c-stage': 0, 'c-plan': 1, 'c-review': 0.5 }),
    ], OPEN);
    expect(tied.spreads.map((s) => s.itemId)).toEqual(['c-plan', 'c-stage', 'c-forecast', 'c-review']);
    expect(tied.spreads[0]!.spread).toBe(0.5);
  });

  it('contrasts leaders with sellers on the items both answered, widest gap first', () => {
    // Leader − seller mean: plan 1 − .25, qualify 1 − .75, review 0, stalled 1 − .5.
    expect(agg.contrasts.map((c) => c.itemId)).toEqual(['c-plan', 'c-stalled', 'c-qualify', 'c-review']);
    const [plan, stalled, qualify, review] = agg.contrasts;
    expect(plan).toEqual({ itemId: 'c-plan', leaders: 1, sellers: 0.25, gap: 0.75 });
    expect(stalled!.gap).toBeCloseTo(0.5, 12);
    expect(qualify!.gap).toBeCloseTo(0.25, 12);
    expect(review!.gap).toBe(0);
  });

  it('signs the gap: negative when sellers see it more favourably', () => {
    const r = aggregateCompany(instrument, [leader({ 'c-stage': 0 }), seller({ 'c-stage': 1 }), seller({ 'c-stage': 0.5 })], OPEN);
    expect(r.contrasts).toEqual([{ itemId: 'c-stage', leaders: 0, sellers: 0.75, gap: -0.75 }]);
  });

  it('scores each role group from its own means', () => {
    expect(agg.byRole!.leader.scores).toEqual(companyScores(instrument, itemScores({ 'c-plan': 1, 'c-qualify': 1, 'c-review': 0.5, 'c-stalled': 1, 'c-forecast': 1 })));
    expect(agg.byRole!.seller.scores).toEqual(
      companyScores(instrument, itemScores({ 'c-plan': 0.25, 'c-qualify': 0.75, 'c-review': 0.5, 'c-stalled': 0.5 })),
    );
  });

  it('has no role scores and no contrasts when a group is missing', () => {
    const r = aggregateCompany(instrument, [seller({ 'c-plan': 1 }), seller({ 'c-plan': 0 })], OPEN);
    expect(r.byRole).toBeNull();
    expect(r.contrasts).toEqual([]);
  });

  it('keeps the leaders’ means when a single leader joins, so their answers cannot be read off the difference', () => {
    const team = (leaders: number) => [
      ...Array.from({ length: leaders }, (_, i) => leader({ 'c-plan': i < 6 ? 0.5 : 0 })),
      ...Array.from({ length: 6 }, () => seller({ 'c-plan': 1 })),
    ];
    const six = aggregateCompany(instrument, team(6), { minGroup: 5, readerRoleGroup: null });
    const seven = aggregateCompany(instrument, team(7), { minGroup: 5, readerRoleGroup: null });
    expect(six.contrasts).toHaveLength(1);
    expect(seven.contrasts).toEqual(six.contrasts);
    expect(seven.byRole!.leader.respondents).toBe(6);
  });

  it('publishes an item mean only over k + 1 answers, so "not applicable" cannot thin it to a colleague or two', () => {
    // Six respondents; only two answer c-forecast, all six c-plan (k = 5).
    const six = [0, 1, 2, 3, 4, 5].map((i) => seller(i < 2 ? { 'c-plan': i % 2, 'c-forecast': i % 2 } : { 'c-plan': 0.5 }));
    const r = aggregateCompany(instrument, six, { minGroup: 5, readerRoleGroup: 'seller' });
    expect(r.itemScores.has('c-plan')).toBe(true);
    expect(r.itemScores.has('c-forecast')).toBe(false);
    expect(r.spreads.map((x) => x.itemId)).toEqual(['c-plan']);
  });

  describe('role contrasts under the anonymity rule', () => {
    const company = (leaders: number, sellers: number) => [
      ...Array.from({ length: leaders }, (_, i) => leader({ 'c-plan': i % 2 })),
      ...Array.from({ length: sellers }, (_, i) => seller({ 'c-plan': (i % 3) / 2 })),
    ];
    // Each role group, like the company, shows from k + 1 members and grows in steps of k.
    it.each([
      { leaders: 4, sellers: 9, reader: null, shown: false },
      { leaders: 5, sellers: 5, reader: null, shown: false },
      { leaders: 6, sellers: 6, reader: null, shown: true },
      { leaders: 5, sellers: 9, reader: 'leader' as const, shown: false },
      { leaders: 6, sellers: 6, reader: 'leader' as const, shown: true },
      { leaders: 6, sellers: 5, reader: 'seller' as const, shown: false },
    ])('$leaders leaders and $sellers sellers, read by $reader: shown $shown (k = 5)', ({ leaders, sellers, reader, shown }) => {
      const r = aggregateCompany(instrument, company(leaders, sellers), { minGroup: 5, readerRoleGroup: reader });
      expect(r.byRole !== null).toBe(shown);
      expect(r.contrasts.length > 0).toBe(shown);
      // The company's own figures do not depend on the reader.
      expect(r.scores).toEqual(aggregateCompany(instrument, company(leaders, sellers), OPEN).scores);
    });
  });

  it('gives empty results for nobody', () => {
    const r = aggregateCompany(instrument, [], OPEN);
    expect(r.respondents).toBe(0);
    expect(r.spreads).toEqual([]);
    expect(r.contrasts).toEqual([]);
    expect(r.scores.velocity).toBeNull();
  });

  it('equals the single respondent’s own scores for a company of one', () => {
    const answers = { 'c-plan': 'a', 'c-qualify': 'mi', 'c-stalled': '0-25', 'c-stage': 'proposal', 'c-coaching': '7' };
    const own = scoreParticipant(instrument, answers);
    const r = aggregateCompany(instrument, [{ roleGroup: 'seller', itemScores: own.itemScores }], OPEN);
    expect(r.scores).toEqual(own.company);
    expect(r.spreads).toEqual([]);
  });
});
