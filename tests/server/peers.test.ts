import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { peerGroupCandidates, peerRelative, quartiles, type PeerProfile } from '../../src/domain/peers.ts';
import type { PeerPopulation } from '../../src/domain/population.ts';
import { velocitiesOf } from '../../src/server/repositories/scores.ts';
import { groupQuartiles, peerPosition } from '../../src/server/services/peers.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { addScored } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const K = 5;
const V = instrument.version;
/** A group condition on the instrument version in force and one population (hand-made scores are in the benchmark). */
const v = (where: Partial<PeerProfile>, population: PeerPopulation = 'benchmark') => ({ ...where, instrumentVersion: V, population });
/** Seeded participants are demo data, compared with demo data. */
const d = (where: Partial<PeerProfile>) => v(where, 'demo');
const M = 'manufacturing';
const I = 'it-services';
const E = '50-249';
const S = '1-49';

/** Removes one occurrence of the subject's own value: the brute-force group without the subject. */
function without(values: number[], v: number): number[] {
  const i = values.indexOf(v);
  expect(i, `the subject's velocity ${v} is stored in its own group`).toBeGreaterThanOrEqual(0);
  return [...values.slice(0, i), ...values.slice(i + 1)];
}

describe('peerPosition on hand-made groups', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(() => t.cleanup());

  const others = async (groups: [industry: string, employees: string, n: number][], velocity = 50) => {
    for (const [industry, employees, n] of groups) for (let i = 0; i < n; i++) await addScored(t.db, { industry, employees, velocity: velocity + i });
  };

  it('leaves the subject out of its own group', async () => {
    await others([[M, E, 4]]);
    const id = await addScored(t.db, { industry: M, employees: E, velocity: 60 });
    // Five stored scores, but only four peers besides the subject: below k everywhere.
    expect(await peerPosition(t.db, { instrumentVersion: V, population: 'benchmark', participantId: id, industry: M, employees: E, velocity: 60 }, K)).toBeNull();
    await addScored(t.db, { industry: M, employees: E, velocity: 10 });
    const pos = (await peerPosition(t.db, { instrumentVersion: V, population: 'benchmark', participantId: id, industry: M, employees: E, velocity: 60 }, K))!;
    expect(pos.group).toMatchObject({ id: 'industry+employees', size: 5 });
  });

  it('counts a subject that is not stored against everyone in the group', async () => {
    await others([[M, E, 5]]);
    const pos = (await peerPosition(t.db, { instrumentVersion: V, population: 'benchmark', industry: M, employees: E, velocity: 52 }, K))!;
    expect(pos.group).toMatchObject({ id: 'industry+employees', size: 5 });
    // 50, 51, 52 are not better than 52.
    expect(pos.relative).toBeCloseTo(60, 10);
  });

  it('does not count ties as better', async () => {
    for (const v of [50, 50, 40, 60, 70]) await addScored(t.db, { industry: M, employees: E, velocity: v });
    const id = await addScored(t.db, { industry: M, employees: E, velocity: 50 });
    const pos = (await peerPosition(t.db, { instrumentVersion: V, population: 'benchmark', participantId: id, industry: M, employees: E, velocity: 50 }, K))!;
    // 50, 50 and 40 of the five peers are not better than 50.
    expect(pos.relative).toBeCloseTo(60, 10);
  });

  it('gives 0 below everyone and 100 at the top', async () => {
    await others([[M, E, 6]]);
    expect((await peerPosition(t.db, { instrumentVersion: V, population: 'benchmark', industry: M, employees: E, velocity: 1 }, K))!.relative).toBe(0);
    expect((await peerPosition(t.db, { instrumentVersion: V, population: 'benchmark', industry: M, employees: E, velocity: 99 }, K))!.relative).toBe(100);
  });

  describe.each([
    { expected: 'industry+employees', size: 5, groups: [[M, E, 5], [I, S, 9]] },
    { expected: 'industry', size: 5, groups: [[M, E, 4], [M, S, 1], [I, E, 9]] },
    { expected: 'employees', size: 5, groups: [[M, E, 2], [M, S, 2], [I, E, 3]] },
    { expected: 'everyone', size: 8, groups: [[M, E, 1], [M, S, 2], [I, E, 2], [I, S, 3]] },
    { expected: null, size: 0, groups: [[M, E, 1], [I, S, 3]] },
  ] as { expected: string | null; size: number; groups: [string, string, number][] }[])(
    'fallback with peers $groups',
    ({ expected, size, groups }) => {
      it(`chooses ${expected ?? 'no group'}${expected ? ` of ${size}` : ''}`, async () => {
        await others(groups);
        const id = await addScored(t.db, { industry: M, employees: E, velocity: 55 });
        const pos = await peerPosition(t.db, { instrumentVersion: V, population: 'benchmark', participantId: id, industry: M, employees: E, velocity: 55 }, K);
        if (expected === null) {
          expect(pos).toBeNull();
          return;
        }
        expect(pos?.group.id).toBe(expected);
        expect(pos?.group.size).toBe(size);
        const brute = without(await velocitiesOf(t.db, v(pos!.group.where)), 55);
        expect(pos!.relative).toBe(peerRelative(55, brute));
      });
    },
  );

  it('never compares a participant with participants of another instrument version', async () => {
    await others([[M, E, 5]]);
    const old = await addScored(t.db, { industry: M, employees: E, velocity: 99 });
    await t.raw.run('UPDATE scores SET instrument_version = ? WHERE participant_id = ?', V - 1, old);
    const pos = (await peerPosition(t.db, { instrumentVersion: V, population: 'benchmark', industry: M, employees: E, velocity: 52 }, K))!;
    expect(pos.group.size).toBe(5);
    expect(await peerPosition(t.db, { instrumentVersion: V - 1, population: 'benchmark', industry: M, employees: E, velocity: 52 }, K)).toBeNull();
  });

  it('returns null when even everyone is below k, and a group once it reaches k', async () => {
    await others([[I, S, 4]]);
    expect(await peerPosition(t.db, { instrumentVersion: V, population: 'benchmark', industry: M, employees: E, velocity: 50 }, K)).toBeNull();
    await others([[I, S, 1]]);
    expect((await peerPosition(t.db, { instrumentVersion: V, population: 'benchmark', industry: M, employees: E, velocity: 50 }, K))?.group).toMatchObject({ id: 'everyone', size: 5 });
  });
});

describe('peerPosition and groupQuartiles on seeded participants', () => {
  let t: TestStore;
  let subjects: { participantId: number; industry: string; employees: string; velocity: number }[];
  beforeAll(async () => {
    t = await openTestStore();
    await seedParticipants(t.db, instrument, { count: 600, seed: 11, now: new Date('2026-01-01T00:00:00Z') });
    subjects = await t.raw.all<(typeof subjects)[number]>('SELECT participant_id AS "participantId", industry, employees, velocity FROM scores ORDER BY participant_id');
  });
  afterAll(() => t.cleanup());

  it('gives every stored participant the relative score of a brute-force count over velocitiesOf()', async () => {
    const chosen = new Set<string>();
    for (const s of subjects) {
      const pos = (await peerPosition(t.db, { ...s, instrumentVersion: V, population: 'demo' }, K))!;
      expect(pos, `participant ${s.participantId}`).not.toBeNull();
      // The chosen group is the first candidate with at least k others.
      const sizes: number[] = [];
      for (const g of peerGroupCandidates(s)) sizes.push((await velocitiesOf(t.db, d(g.where))).length - 1);
      const first = peerGroupCandidates(s)[sizes.findIndex((n) => n >= K)]!;
      expect(pos.group.id).toBe(first.id);
      const brute = without(await velocitiesOf(t.db, d(pos.group.where)), s.velocity);
      expect(pos.group.size).toBe(brute.length);
      expect(pos.relative, `participant ${s.participantId}`).toBe(peerRelative(s.velocity, brute));
      chosen.add(pos.group.id);
    }
    // The seeded population exercises more than one step of the fallback.
    expect(chosen.size).toBeGreaterThan(1);
  });

  it('places a new, unstored subject against the whole group', async () => {
    for (const velocity of [0, 33.33, 50, 61.5, 100]) {
      const subject = { industry: 'software-saas', employees: '1-49', velocity };
      const pos = (await peerPosition(t.db, { ...subject, instrumentVersion: V, population: 'demo' }, K))!;
      const brute = await velocitiesOf(t.db, d(pos.group.where));
      expect(pos.group.size).toBe(brute.length);
      expect(pos.relative).toBe(peerRelative(velocity, brute));
    }
  });

  it('gives the quartiles that the domain quartiles() gives for every value of the group', async () => {
    const groups: Partial<PeerProfile>[] = [{}];
    for (const r of await t.raw.all<PeerProfile>('SELECT DISTINCT industry, employees FROM scores ORDER BY industry, employees')) {
      groups.push({ industry: r.industry }, { employees: r.employees }, r);
    }
    let compared = 0;
    for (const where of groups) {
      const values = await velocitiesOf(t.db, d(where));
      const q = await groupQuartiles(t.db, d(where), K);
      if (values.length < K) {
        expect(q, JSON.stringify(where)).toBeNull();
        continue;
      }
      expect(q, JSON.stringify(where)).toEqual(quartiles(values));
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('gives null for an empty group', async () => {
    expect(await groupQuartiles(t.db, d({ industry: 'no-such-industry' }), K)).toBeNull();
  });
});

describe('groupQuartiles at the minimum size', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(() => t.cleanup());

  it('is null with k - 1 members and exact with k', async () => {
    const values = [12.5, 80, 40, 40, 61.25];
    for (const v of values.slice(0, 4)) await addScored(t.db, { industry: M, employees: E, velocity: v });
    expect(await groupQuartiles(t.db, v({ industry: M }), K)).toBeNull();
    await addScored(t.db, { industry: M, employees: E, velocity: values[4]! });
    expect(await groupQuartiles(t.db, v({ industry: M }), K)).toEqual({ n: 5, min: 12.5, q1: 40, median: 40, q3: 61.25, max: 80 });
    expect(await groupQuartiles(t.db, v({ industry: M }), K)).toEqual(quartiles(values));
  });

  it('interpolates between ranks', async () => {
    for (const v of [10, 20, 30, 40, 50, 60]) await addScored(t.db, { industry: M, employees: E, velocity: v });
    // n = 6: the quartiles sit at ranks 1.25, 2.5 and 3.75.
    expect(await groupQuartiles(t.db, v({}), K)).toEqual({ n: 6, min: 10, q1: 22.5, median: 35, q3: 47.5, max: 60 });
  });
});
