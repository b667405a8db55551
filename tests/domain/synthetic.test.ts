import { beforeAll, describe, expect, it } from 'vitest';
import { allowsNotApplicable, checkAnswer, NOT_APPLICABLE } from '../../src/domain/answers.ts';
import { SubIndexKeys, type Instrument } from '../../src/domain/instrument.ts';
import { checkInstrument } from '../../src/domain/instrument-check.ts';
import { quantile } from '../../src/domain/peers.ts';
import { roleGroup } from '../../src/domain/profile.ts';
import { parseResponse } from '../../src/domain/response.ts';
import { companyCategory, scoreParticipant, type CompanyScores } from '../../src/domain/scoring.ts';
import { createSyntheticGenerator, type SyntheticParticipant } from '../../src/domain/synthetic.ts';
import { loadInstrument } from '../../src/server/instrument-loader.ts';
import { allItems, instrument, instrumentData } from '../fixtures/instrument.ts';

const people = (seed: number, n: number, inst = instrument) => {
  const next = createSyntheticGenerator(inst, seed);
  return Array.from({ length: n }, (_, i) => next(i));
};

describe('createSyntheticGenerator', () => {
  it.each([1, 42, 987_654])('gives the same participants for seed %d', (seed) => {
    expect(people(seed, 40)).toEqual(people(seed, 40));
  });

  it('gives different participants for different seeds', () => {
    expect(people(1, 5)).not.toEqual(people(2, 5));
  });

  it('gives participant i the same whatever was generated before it, as worker threads need', () => {
    const inOrder = people(5, 300);
    const next = createSyntheticGenerator(instrument, 5);
    const order = Array.from({ length: 300 }, (_, i) => (i * 7919) % 300);
    for (const i of order) expect(next(i), `participant ${i}`).toEqual(inOrder[i]);
  });

  const crowd = people(2024, 400);

  it('answers every item, with answers checkAnswer accepts', () => {
    for (const p of crowd) {
      for (const item of allItems) {
        const raw = p.answers[item.id];
        expect(raw, item.id).toBeDefined();
        const checked = checkAnswer(instrument, item, raw!);
        expect(checked, `${item.id} = ${raw}`).toEqual({ ok: true, value: raw });
      }
      expect(Object.keys(p.answers).sort()).toEqual(allItems.map((i) => i.id).sort());
    }
  });

  it('produces whole responses that parseResponse accepts', () => {
    for (const p of crowd) {
      const result = parseResponse(instrument, { profile: p.profile, answers: p.answers, ...(p.numbers ? { numbers: p.numbers } : {}) });
      expect(result.ok ? [] : result.errors).toEqual([]);
    }
  });

  it('uses not applicable now and then, only where allowed', () => {
    const na = crowd.flatMap((p) => allItems.filter((i) => p.answers[i.id] === NOT_APPLICABLE));
    expect(na.length).toBeGreaterThan(0);
    expect(na.every(allowsNotApplicable)).toBe(true);
  });

  it('spreads participants over the categories', () => {
    const labels = new Set(
      crowd.map((p) => scoreParticipant(instrument, p.answers).company.velocity).map((v) => companyCategory(instrument, v!).label),
    );
    expect(labels.size).toBeGreaterThanOrEqual(3);
  });

  it('gives plausible numbers to most participants', () => {
    const withNumbers = crowd.filter((p) => p.numbers);
    expect(withNumbers.length).toBeGreaterThan(crowd.length * 0.4);
    expect(withNumbers.length).toBeLessThan(crowd.length * 0.8);
    for (const { numbers } of withNumbers) {
      expect(numbers!.winRate).toBeGreaterThanOrEqual(5);
      expect(numbers!.winRate).toBeLessThanOrEqual(70);
      expect(numbers!.cycleDays).toBeGreaterThanOrEqual(7);
      expect(numbers!.stage1).toBeDefined();
    }
  });

  it('keeps number answers inside the item’s range when the range is not on a 0.1 grid', () => {
    const data = instrumentData();
    const coaching = data.company.sections[1]!.items[2]!;
    if (coaching.kind !== 'number') throw new Error('fixture changed: c-coaching is not a number item');
    coaching.max = 2.25;
    coaching.curve = [
      { value: 0, score: 0 },
      { value: 2.25, score: 1 },
    ];
    const checked = checkInstrument(data);
    if (!checked.ok) throw new Error(checked.errors.join('\n'));
    const item = checked.instrument.company.sections[1]!.items[2]!;
    const rejected = people(1, 200, checked.instrument)
      .map((p) => p.answers['c-coaching']!)
      .filter((v) => !checkAnswer(checked.instrument, item, v).ok);
    expect([...new Set(rejected)]).toEqual([]);
  });
});

const median = (values: readonly number[]) => quantile([...values].sort((a, b) => a - b), 0.5);

function correlation(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/**
 * The demo population, generated and scored with the real code on the
 * instrument in force: it must look like a benchmark (README, "Demo data: the
 * latent model"). The bounds are wide enough for any seed and tight enough to
 * catch the old flaws: flat factors, industries 36 points apart, leaders and
 * sellers alike.
 */
describe('the demo population on the instrument in force', () => {
  const N = 4000;
  let real: Instrument;
  let crowd: SyntheticParticipant[];
  let scores: CompanyScores[];
  let velocity: number[];
  beforeAll(() => {
    real = loadInstrument();
    crowd = people(2024, N, real);
    scores = crowd.map((p) => scoreParticipant(real, p.answers).company);
    velocity = scores.map((s) => s.velocity!);
  });

  it('is the same for the same seed', () => {
    expect(people(2024, 300, real)).toEqual(crowd.slice(0, 300));
  });

  it('has a Velocity Index with a median of 50-60, an inter-quartile range of 14-21 and few participants at the extremes', () => {
    const sorted = [...velocity].sort((a, b) => a - b);
    expect(quantile(sorted, 0.5)).toBeGreaterThanOrEqual(50);
    expect(quantile(sorted, 0.5)).toBeLessThanOrEqual(60);
    expect(quantile(sorted, 0.75) - quantile(sorted, 0.25)).toBeGreaterThanOrEqual(14);
    expect(quantile(sorted, 0.75) - quantile(sorted, 0.25)).toBeLessThanOrEqual(21);
    expect(quantile(sorted, 0.05)).toBeGreaterThan(25);
    expect(quantile(sorted, 0.95)).toBeLessThan(85);
  });

  it('puts participants in every company category', () => {
    const labels = new Set(velocity.map((v) => companyCategory(real, v).label));
    expect([...labels].sort()).toEqual(real.categories.company.map((b) => b.label).sort());
  });

  it('keeps the four factors distinct: each participant’s sub-indices spread, and no two factors move as one', () => {
    const spreads = scores.map((s) => {
      const v = SubIndexKeys.map((k) => s[k]!);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    });
    expect(spreads.reduce((a, b) => a + b, 0) / N).toBeGreaterThan(5);
    for (const [i, a] of SubIndexKeys.entries()) {
      for (const b of SubIndexKeys.slice(i + 1)) {
        const r = correlation(scores.map((s) => s[a]!), scores.map((s) => s[b]!));
        expect(r, `${a} and ${b}`).toBeLessThan(0.85);
        expect(r, `${a} and ${b}: the factors share the company's level`).toBeGreaterThan(0.2);
      }
    }
  });

  it('keeps every industry’s median within 8 points of the overall median', () => {
    const overall = median(velocity);
    const byIndustry = Map.groupBy(velocity, (_, i) => crowd[i]!.profile.industry);
    expect(byIndustry.size).toBeGreaterThanOrEqual(10);
    for (const [industry, values] of byIndustry) expect(Math.abs(median(values) - overall), industry).toBeLessThanOrEqual(8);
  });

  it('has leaders rate their company visibly higher than sellers', () => {
    const byGroup = Map.groupBy(velocity, (_, i) => roleGroup(real, crowd[i]!.profile.role));
    expect(byGroup.get('leader')!.length).toBeGreaterThan(N / 4);
    expect(byGroup.get('seller')!.length).toBeGreaterThan(N / 4);
    expect(median(byGroup.get('leader')!) - median(byGroup.get('seller')!)).toBeGreaterThanOrEqual(2);
  });

  it('groups respondents into companies of 1 to 8 that share the name and profile', () => {
    const companies = Map.groupBy(crowd, (p) => p.profile.company);
    const sizes = [...companies.values()].map((c) => c.length);
    expect(Math.max(...sizes)).toBe(8);
    expect(sizes.filter((n) => n === 1).length).toBeGreaterThan(companies.size / 2);
    expect(sizes.filter((n) => n > 1).length).toBeGreaterThan(companies.size / 10);
    for (const [name, members] of companies) {
      const { role: _role, ...shared } = members[0]!.profile;
      for (const m of members) expect(m.profile, name).toMatchObject(shared);
    }
  });

  it('gives win rates that rise with the Win rate index', () => {
    const given = crowd.flatMap((p, i) => (p.numbers?.winRate === undefined ? [] : [[p.numbers.winRate, scores[i]!.winRate!] as const]));
    expect(correlation(given.map(([w]) => w), given.map(([, s]) => s))).toBeGreaterThan(0.4);
  });
});
