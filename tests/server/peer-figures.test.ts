import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mayShow } from '../../src/domain/anonymity.ts';
import { choosePeerGroup, peerGroupCandidates, relativeFromCounts, type PeerProfile } from '../../src/domain/peers.ts';
import { comparedWith, type Population } from '../../src/domain/population.ts';
import { findScore, upsertScore } from '../../src/server/repositories/scores.ts';
import { insertCompany } from '../../src/server/repositories/studies.ts';
import { keptFiguresFor, type GroupFigures } from '../../src/server/services/peer-figures.ts';
import { rebuildPeerStats, recordPeerStats } from '../../src/server/services/peer-stats.ts';
import { peerPosition, publishedQuartiles, sqlGroupFigures, type PeerSubject } from '../../src/server/services/peers.ts';
import { scoreRow } from '../../src/server/services/scoring.ts';
import { instrument } from '../helpers/instrument.ts';
import { addParticipant, addStudyWithCompany } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

/**
 * The peer figures of results pages and reports come from the kept
 * statistics minus the subject's company (src/server/services/peer-figures.ts);
 * they must be exactly the figures the scores themselves give when the
 * company is left out in SQL (sqlGroupFigures), anonymity thresholds included.
 */

const V = instrument.version;
/** Thirty random populations, each a fresh database: seconds on a quiet machine, generous for a busy one. */
const GENEROUS_MS = 240_000;
const MEASURES = ['velocity', 'value', 'number', 'winRate', 'cycle'] as const;
const INDUSTRIES = ['software-saas', 'manufacturing'];
const BANDS = ['50-249', '250-999'];

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.cleanup());

// Scores at hundredths, often on a few shared values so that ties and equal quartiles are common.
const hundredth = fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(0, 2_500, 4_210, 5_000, 10_000)).map((h) => h / 100);
const person = fc.record({
  industry: fc.constantFrom(...INDUSTRIES),
  employees: fc.constantFrom(...BANDS),
  company: fc.integer({ min: -1, max: 2 }),
  population: fc.constantFrom<Population>('benchmark', 'benchmark', 'benchmark', 'demo', 'unverified'),
  earlierVersion: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
  velocity: hundredth,
  value: fc.option(hundredth, { nil: null }),
  number: fc.option(hundredth, { nil: null }),
  winRate: fc.option(hundredth, { nil: null }),
  cycle: fc.option(hundredth, { nil: null }),
});
type Person = typeof person extends fc.Arbitrary<infer T> ? T : never;

/** Stores the people (companies 0-2, -1 for none) and returns their participant ids and company ids. */
async function store(people: readonly Person[]): Promise<{ ids: number[]; companyIds: (number | null)[]; studyId: number }> {
  const { studyId, companyId } = await addStudyWithCompany(t.db);
  const companies = [companyId, (await insertCompany(t.db, studyId, 'Beta', 'beta')).id, (await insertCompany(t.db, studyId, 'Gamma', 'gamma')).id];
  const ids: number[] = [];
  const companyIds: (number | null)[] = [];
  for (const p of people) {
    const company = p.company < 0 ? null : companies[p.company]!;
    const participant = await addParticipant(t.db, {
      industry: p.industry,
      employees: p.employees,
      studyId: company === null ? null : studyId,
      companyId: company,
      status: 'completed',
      instrumentVersion: p.earlierVersion ? V - 1 : V,
    });
    const scores = {
      itemScores: new Map<string, number>(),
      company: { velocity: p.velocity, value: p.value, number: p.number, winRate: p.winRate, cycle: p.cycle },
      personal: { approach: null, execution: null, personal: null },
    };
    await upsertScore(t.db, scoreRow(participant, scores, new Date(), p.population));
    ids.push(participant.id);
    companyIds.push(company);
  }
  // As a bulk load leaves them: the statistics hold the population in force.
  await rebuildPeerStats(t.db, instrument);
  return { ids, companyIds, studyId };
}

/** The fallback of keptFiguresFor where the kept statistics must answer every figure themselves. */
const noFallback = (): never => {
  throw new Error('the kept statistics are out of step with the scores');
};

/** Every figure a page or report asks of a group, at the values given. */
async function figuresOf(f: GroupFigures, values: readonly number[], k: number) {
  const measures = [];
  for (const m of MEASURES) {
    const counts = [];
    for (const v of values) counts.push(await f.countAtMost(m, v));
    const quartiles = [];
    for (const min of [1, k, 2 * k]) quartiles.push(await f.quartiles(m, min));
    measures.push({ counts, quartiles, published: await publishedQuartiles(f, k, m) });
  }
  return { histogram: await f.histogram(), measures };
}

describe('peer figures from the kept statistics', () => {
  it('equal the figures of the scores with the company (or the subject) left out, on random populations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(person, { minLength: 0, maxLength: 45 }),
        fc.nat(),
        fc.array(fc.double({ min: -1, max: 101, noNaN: true }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
        async (people, pick, rawValues, k) => {
          await t.cleanup();
          t = await openTestStore();
          const { ids, companyIds } = await store(people);
          // Values as pages ask them: stored scores, company means with more decimals, and the ends of the scale.
          const values = [...rawValues, ...people.slice(0, 3).map((p) => p.velocity), 0, 100];
          const at = people.length === 0 ? -1 : pick % (people.length + 1);
          const stored = at >= 0 && at < people.length;
          const p = stored ? people[at]! : { industry: INDUSTRIES[0]!, employees: BANDS[1]!, population: 'benchmark' as Population, velocity: 55.5 };
          const subject: PeerSubject = {
            participantId: stored ? ids[at] : undefined,
            companyId: stored ? companyIds[at] : null,
            velocity: p.velocity,
            instrumentVersion: V,
            population: p.population,
            industry: p.industry,
            employees: p.employees,
          };
          const peers = { instrumentVersion: V, population: comparedWith(subject.population) };
          const where = (g: Partial<PeerProfile>) => ({ ...g, ...peers, ...(subject.companyId == null ? {} : { notCompany: subject.companyId }) });
          const sql = async (g: Partial<PeerProfile>) => sqlGroupFigures(t.db, where(g), subject.participantId);
          // The first candidate's counts are read along with the start, as peerPosition asks; used once only.
          const candidates = peerGroupCandidates(subject);
          const kept = await keptFiguresFor(t.db, peers, subject, noFallback, candidates[0]?.where);
          // The statistics hold the benchmark once anyone is in it, demo data before.
          const held = people.some((q) => q.population === 'benchmark' && !q.earlierVersion) ? 'benchmark' : 'demo';
          expect(kept === null).toBe(peers.population !== held);
          // The first group twice: its second figures must not start from counts the first already left people out of.
          for (const g of [...candidates, candidates[0]!]) {
            if (kept) expect(await figuresOf(await kept(g.where), values, k)).toEqual(await figuresOf(await sql(g.where), values, k));
          }

          // The position a page shows: the same group, size and rank as choosing among the groups in SQL.
          const counted = new Map<string, { size: number; notBetter: number }>();
          for (const g of peerGroupCandidates(subject)) counted.set(g.id, await (await sql(g.where)).countAtMost('velocity', subject.velocity));
          const expected = choosePeerGroup(peerGroupCandidates(subject), (g) => counted.get(g.id)!.size, k);
          const position = await peerPosition(t.db, subject, k);
          expect(position?.group ?? null).toEqual(expected);
          if (position && expected) {
            expect(position.relative).toBe(relativeFromCounts(counted.get(expected.id)!.notBetter, expected.size));
            const sizes: number[] = [];
            const sqlSizes: number[] = [];
            for (const m of MEASURES) {
              sizes.push((await position.figures.countAtMost(m, subject.velocity)).size);
              sqlSizes.push((await (await sql(expected.where)).countAtMost(m, subject.velocity)).size);
            }
            expect(sizes.map((n) => mayShow({ count: n, readerIncluded: false }, k))).toEqual(
              sqlSizes.map((n) => mayShow({ count: n, readerIncluded: false }, k)),
            );
          }
        },
      ),
      { numRuns: 30 },
    );
  }, GENEROUS_MS);

  it('never count a colleague who finishes while a page is being put together', async () => {
    const group = { industry: INDUSTRIES[0]!, employees: BANDS[0]! };
    const people: Person[] = Array.from({ length: 12 }, (_, i) => ({
      ...group,
      company: i === 0 ? 0 : -1,
      population: 'benchmark',
      earlierVersion: false,
      velocity: (i * 37) % 100,
      value: (i * 17) % 100,
      number: (i * 29) % 100,
      winRate: (i * 41) % 100,
      cycle: (i * 53) % 100,
    }));
    const { ids, companyIds, studyId } = await store(people);
    const subject: PeerSubject = { participantId: ids[0], companyId: companyIds[0], velocity: 50, instrumentVersion: V, population: 'benchmark', ...group };
    const peers = { instrumentVersion: V, population: 'benchmark' as const };
    const kept = await keptFiguresFor(t.db, peers, subject, noFallback, group);
    const figures = await kept!(group);
    // The page's first figure: the group without the reader's company (the reader alone so far).
    expect(await figures.countAtMost('velocity', 100)).toEqual({ size: 11, notBetter: 11 });
    // A colleague finishes now, before the page asks for the sub-indices: same company, same group.
    const colleague = await addParticipant(t.db, { ...group, studyId, companyId: companyIds[0], status: 'completed', instrumentVersion: V });
    const scores = { itemScores: new Map<string, number>(), company: { velocity: 99, value: 99, number: 99, winRate: 99, cycle: 99 }, personal: { approach: null, execution: null, personal: null } };
    await upsertScore(t.db, scoreRow(colleague, scores, new Date(), 'benchmark'));
    await recordPeerStats(t.db, (await findScore(t.db, colleague.id))!, 1);
    // Each later figure still leaves the whole company out, the colleague included: what SQL gives now.
    const sql = await sqlGroupFigures(t.db, { ...group, ...peers, notCompany: companyIds[0]! }, ids[0]);
    for (const m of MEASURES.filter((x) => x !== 'velocity')) {
      expect(await figures.countAtMost(m, 100), m).toEqual(await sql.countAtMost(m, 100));
      expect((await figures.countAtMost(m, 100)).size, m).toBe(11);
    }
  });

  it('are read from the statistics, not the scores: scores removed behind their back change nothing', async () => {
    const people: Person[] = Array.from({ length: 30 }, (_, i) => ({
      industry: INDUSTRIES[i % 2]!,
      employees: BANDS[0]!,
      company: i < 4 ? 0 : -1,
      population: 'benchmark',
      earlierVersion: false,
      velocity: (i * 337) % 100,
      value: i % 3 === 0 ? null : (i * 17) % 100,
      number: (i * 29) % 100,
      winRate: (i * 41) % 100,
      cycle: (i * 53) % 100,
    }));
    const { ids, companyIds } = await store(people);
    const subject: PeerSubject = { participantId: ids[0], companyId: companyIds[0], velocity: 50, instrumentVersion: V, population: 'benchmark', industry: INDUSTRIES[0]!, employees: BANDS[0]! };
    const before = (await peerPosition(t.db, subject, 3))!;
    const figures = await figuresOf(before.figures, [50], 3);
    expect(before.group.id).toBe('industry+employees');
    // 15 in the subject's industry, its company's 2 of them left out.
    expect(before.group.size).toBe(13);
    // The statistics are left as they were; the scores of everyone outside the company go.
    await t.raw.run('DELETE FROM scores WHERE company_id IS NULL');
    const after = (await peerPosition(t.db, subject, 3))!;
    expect(after.group).toEqual(before.group);
    expect(await figuresOf(after.figures, [50], 3)).toEqual(figures);
  });

  it('fall back to the scores when the statistics do not count a company member', async () => {
    const people: Person[] = Array.from({ length: 20 }, (_, i) => ({
      industry: INDUSTRIES[0]!, employees: BANDS[0]!, company: i < 3 ? 0 : -1, population: 'benchmark', earlierVersion: false,
      velocity: i * 5, value: i * 4, number: null, winRate: i * 3, cycle: i * 2,
    }));
    const { ids, companyIds } = await store(people);
    // A colleague's score stored behind the statistics' back: subtracting it would leave the counts wrong.
    const colleague = await addParticipant(t.db, { industry: INDUSTRIES[0]!, employees: BANDS[0]!, companyId: companyIds[0], status: 'completed' });
    await upsertScore(t.db, scoreRow(colleague, { itemScores: new Map(), company: { velocity: 99.99, value: 99.99, number: null, winRate: 1, cycle: 1 }, personal: { approach: null, execution: null, personal: null } }, new Date(), 'benchmark'));
    const subject: PeerSubject = { participantId: ids[0], companyId: companyIds[0], velocity: 50, instrumentVersion: V, population: 'benchmark', industry: INDUSTRIES[0]!, employees: BANDS[0]! };
    const position = (await peerPosition(t.db, subject, 3))!;
    const sql = await sqlGroupFigures(t.db, { ...position.group.where, instrumentVersion: V, population: 'benchmark', notCompany: companyIds[0]! }, ids[0]);
    expect(position.group.size).toBe(17);
    expect(await figuresOf(position.figures, [50, 99.99], 3)).toEqual(await figuresOf(sql, [50, 99.99], 3));
  });
});
