import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { optionsOf } from '../../src/domain/answers.ts';
import { SubIndexKeys } from '../../src/domain/instrument.ts';
import { peerRelative, quartiles } from '../../src/domain/peers.ts';
import { itemScore } from '../../src/domain/scoring.ts';
import type { Store } from '../../src/server/data/store.ts';
import { findParticipant, saveAnswers } from '../../src/server/repositories/participants.ts';
import { storedStatsSource } from '../../src/server/repositories/peer-stats.ts';
import { comparisonFor } from '../../src/server/services/comparison.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { landingStats } from '../../src/server/services/landing.ts';
import { storedStatsPopulation } from '../../src/server/services/peer-stats.ts';
import { companyReportFor, personalReportFor } from '../../src/server/services/reports.ts';
import { participantResults } from '../../src/server/services/results.ts';
import { sampleReport } from '../../src/server/services/sample-report.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { postForm } from '../helpers/forms.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant } from '../helpers/participants.ts';
import { insertStudy } from '../../src/server/repositories/studies.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { openTestStore, rawSql, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/**
 * Issue 11: `npm start` seeded 2,000 synthetic participants with a fixed seed
 * into the same tables as real ones, so anyone with the repository could
 * regenerate them and subtract them from any group size, median or
 * top-performer mean, and demo rows counted towards k. Now demo data is a
 * population of its own: a real reader's every figure comes from real
 * participants only, and wherever demo data is shown it says so.
 */
const K = 5;
const PASSWORD = 'correct horse battery staple';
const INDUSTRY = 'manufacturing';
const EMPLOYEES = '250-999';
const YESTERDAY = new Date(Date.now() - 24 * 60 * 60 * 1000);
const tmp = tempDir('velocity-demo-apart-');

/** Every company item at the option `at` (0 worst … 1 best) picks from those ranked by score. */
function answersAt(at: number) {
  return completeAnswers(instrument, (item) => {
    if (item.kind === 'number') return undefined;
    const ranked = optionsOf(instrument, item).map((o) => o.id).sort((a, b) => itemScore(instrument, item, a)! - itemScore(instrument, item, b)!);
    return ranked[Math.round(at * (ranked.length - 1))]!;
  });
}

/** A real participant of a consultant's study (so in the benchmark), finished yesterday. */
async function realParticipant(db: Store, studyId: number, at: number, profile: { industry?: string; employees?: string } = {}) {
  const p = await addParticipant(db, { studyId, industry: INDUSTRY, employees: EMPLOYEES, ...profile });
  await saveAnswers(db, p.id, answersAt(at));
  await finishParticipant(db, instrument, p.id, YESTERDAY);
  return (await findParticipant(db, p.id))!;
}

async function benchmarkScores(db: Store, column: string, where = '1 = 1', ...params: unknown[]): Promise<number[]> {
  const rows = await rawSql(db).all<{ v: number }>(`SELECT ${column} AS v FROM scores WHERE population = 'benchmark' AND ${column} IS NOT NULL AND ${where}`, ...params);
  return rows.map((r) => r.v);
}

describe('demo data apart from the benchmark (issue 11)', () => {
  let db: Store;
  let consultantId: number;
  let studyId: number;
  let demoOnly: TestStore;
  let mixed: TestStore;
  let empty: TestStore | undefined;

  beforeAll(async () => {
    demoOnly = await openTestStore();
    await createConsultant(demoOnly.db, { email: 'c@example.com', password: PASSWORD });
    await seedParticipants(demoOnly.db, instrument, { count: 300, seed: 1, now: new Date('2026-01-10T00:00:00Z') });

    mixed = await openTestStore();
    db = mixed.db;
    const consultant = await createConsultant(db, { email: 'c@example.com', password: PASSWORD });
    consultantId = consultant.id;
    // The demo data as `npm start` seeds it, seed 1: what anyone with the repository can regenerate.
    await seedParticipants(db, instrument, { count: 2000, seed: 1, now: new Date('2026-01-10T00:00:00Z') });
    studyId = (await insertStudy(db, consultantId, 'Real study', 'real-study')).id;
  }, SETUP_MS);
  afterAll(async () => {
    await Promise.all([demoOnly?.cleanup(), mixed?.cleanup(), empty?.cleanup()]);
    tmp.cleanup();
  });

  it('counts no demo row towards k: a real reader with three real peers gets no peer figure, whatever the demo data holds', async () => {
    const reader = await realParticipant(db, studyId, 0.5);
    for (const at of [0.2, 0.6, 0.9]) await realParticipant(db, studyId, at);
    const results = (await participantResults(db, instrument, reader, K))!;
    expect(results.peer).toBeNull();
    expect((await companyReportFor(db, reader, K))!.meta.peerSize).toBeNull();
    expect((await personalReportFor(db, reader, K))!.position).toBeNull();
  });

  it('gives a real reader peer group size, relative position and medians of real participants only', async () => {
    // Now twelve real participants in all, ten of them in the reader's industry and size: group sizes beside 2,000 demo rows.
    for (const at of [0.1, 0.3, 0.4, 0.7, 0.8]) await realParticipant(db, studyId, at);
    await realParticipant(db, studyId, 0.5, { industry: 'other', employees: '1-49' });
    await realParticipant(db, studyId, 0.55, { industry: 'other', employees: '1-49' });
    const reader = (await findParticipant(db, (await mixed.raw.get<{ id: number }>("SELECT min(participant_id) AS id FROM scores WHERE population = 'benchmark'"))!.id))!;
    const own = (await mixed.raw.get<{ velocity: number }>('SELECT * FROM scores WHERE participant_id = ?', reader.id))!;
    const results = (await participantResults(db, instrument, reader, K))!;
    const peers = await benchmarkScores(db, 'velocity', 'industry = ? AND employees = ? AND participant_id != ?', INDUSTRY, EMPLOYEES, reader.id);
    expect(peers).toHaveLength(8);
    expect(results.peer).not.toBeNull();
    expect(results.peer!.size).toBe(peers.length);
    expect(results.peer!.relative).toBe(peerRelative(own.velocity, peers));
    // Eight peers are fewer than the 2k medians need: none, rather than one made up with demo rows.
    for (const k of SubIndexKeys) expect(results.peer!.medians[k]).toBeNull();

    const report = (await companyReportFor(db, reader, K))!;
    expect(report.meta.peerSize).toBe(peers.length);
    const personal = (await personalReportFor(db, reader, K))!;
    expect(personal.position!.size).toBe((await benchmarkScores(db, 'personal', 'participant_id != ?', reader.id)).length);
  });

  it('publishes medians from real participants once there are 2k of them', async () => {
    for (const at of [0.15, 0.25, 0.35, 0.45]) await realParticipant(db, studyId, at);
    const reader = (await findParticipant(db, (await mixed.raw.get<{ id: number }>("SELECT min(participant_id) AS id FROM scores WHERE population = 'benchmark'"))!.id))!;
    const results = (await participantResults(db, instrument, reader, K))!;
    const where = 'industry = ? AND employees = ? AND participant_id != ?';
    expect(results.peer!.size).toBe((await benchmarkScores(db, 'velocity', where, INDUSTRY, EMPLOYEES, reader.id)).length);
    expect(results.peer!.size).toBeGreaterThanOrEqual(2 * K);
    for (const k of SubIndexKeys) {
      const column = { value: 'value', number: 'number', winRate: 'win_rate', cycle: 'cycle' }[k];
      expect(results.peer!.medians[k], k).toBe(Math.round(quartiles(await benchmarkScores(db, column, where, INDUSTRY, EMPLOYEES, reader.id))!.median));
    }
  });

  it('keeps the seeded rows as demo data and the study’s participants as the benchmark', async () => {
    const rows = await mixed.raw.all('SELECT population, count(*) AS n FROM scores GROUP BY population ORDER BY population');
    expect(rows).toEqual([
      { population: 'benchmark', n: 15 },
      { population: 'demo', n: 2000 },
    ]);
  });

  it('compares real participants only in the consultant comparison, and the stored statistics hold them alone', async () => {
    expect(await storedStatsPopulation(db, instrument)).toBe('benchmark');
    const real = (await benchmarkScores(db, 'velocity')).length;
    const source = await storedStatsSource(db);
    const everyone = [...source.points('all').values()].flatMap((m) => m.get('velocity') ?? []).reduce((s, c) => s + c.n, 0);
    expect(everyone).toBe(real);
    const comparison = (await comparisonFor(db, instrument, consultantId, { dimension: 'industry', measure: 'velocity' }, K))!;
    for (const g of comparison.model.groups) {
      expect(g.n, g.key).toBe((await benchmarkScores(db, 'velocity', 'industry = ?', g.key)).length);
    }
    expect(comparison.model.groups.reduce((s, g) => s + g.n, 0)).toBeLessThanOrEqual(real);
  });

  it('counts real participants only on the landing page', async () => {
    const stats = await landingStats(db, instrument, K);
    expect(stats.population).toBe('benchmark');
    expect(stats.participants).toBe((await benchmarkScores(db, 'velocity')).length);
    const industry = stats.groups.find((g) => /industry/i.test(g.title))!;
    const shown = industry.sizes.filter((s) => s.n !== null);
    for (const s of shown) expect(s.n).toBeLessThanOrEqual(stats.participants);
  });

  it('serves the sample report from demo data of its own, with no demo data in the database', async () => {
    const sample = await sampleReport();
    const stored = (await rawSql(sample.db).get<{ population: string }>('SELECT population FROM scores WHERE participant_id = ?', sample.participant.id))!;
    expect(stored.population).toBe('demo');
    expect(sample.db).not.toBe(db);
    const report = (await companyReportFor(sample.db, sample.participant, K))!;
    expect(report.meta.peerSize).toBeGreaterThanOrEqual(K);
    expect(report.meta.company).toContain('(sample, demo data)');
  });

  describe('on the built site', () => {
    let demoSite: RunningSite;
    let emptySite: RunningSite;
    let mixedSite: RunningSite;
    beforeAll(async () => {
      empty = await openTestStore();
      [demoSite, emptySite, mixedSite] = await Promise.all([startSite(demoOnly.url), startSite(empty.url), startSite(mixed.url)]);
    }, SETUP_MS);
    afterAll(async () => {
      await Promise.all([demoSite?.stop(), emptySite?.stop(), mixedSite?.stop()]);
    });

    const signedIn = async (site: RunningSite) => {
      const res = await postForm(site.base, '/consultant/sign-in', { email: 'c@example.com', password: PASSWORD });
      expect(res.status).toBe(303);
      return res.headers.get('set-cookie')!.split(';')[0]!;
    };

    it('says plainly "Demo data" on the landing page and the comparison while they show demo figures', async () => {
      const home = await (await fetch(`${demoSite.base}/`)).text();
      expect(home).toContain('data-testid="demo-notice"');
      expect(home).toMatch(/Demo data\./);
      expect(home).toMatch(/demo assessments/);
      const cookie = await signedIn(demoSite);
      const compare = await (await fetch(`${demoSite.base}/consultant/compare?dimension=industry`, { headers: { cookie } })).text();
      expect(compare).toContain('data-testid="demo-notice"');
      const csv = await fetch(`${demoSite.base}/consultant/compare.csv?dimension=industry`, { headers: { cookie } });
      expect(csv.headers.get('content-disposition')).toContain('demo-data');
      await csv.text();
    });

    it('shows no demo notice where the figures are real participants', async () => {
      const home = await (await fetch(`${mixedSite.base}/`)).text();
      expect(home).not.toContain('data-testid="demo-notice"');
      expect(home).not.toMatch(/demo assessments/);
      const cookie = await signedIn(mixedSite);
      const compare = await (await fetch(`${mixedSite.base}/consultant/compare?dimension=industry`, { headers: { cookie } })).text();
      expect(compare).not.toContain('data-testid="demo-notice"');
    });

    it('still serves the sample report when the database holds no demo data at all', async () => {
      const res = await fetch(`${emptySite.base}/sample/company.pdf`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const file = join(tmp.dir, 'sample.pdf');
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;
      expect(text).toContain('(sample, demo data)');
    });
  });
});
