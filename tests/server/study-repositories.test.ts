import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completedCountsOfStudy, completedWithFloorsOfStudy, raiseReleaseFloor, releaseFloorOf, studyIdOfCompany } from '../../src/server/repositories/company-figures.ts';
import { deleteDemoParticipants } from '../../src/server/repositories/demo-data.ts';
import {
  completedOfCompany,
  deleteParticipant,
  findParticipantByResumeHash,
  firstWithNumbers,
  loadAnswers,
  loadNumbers,
  markCompleted,
  saveAnswers,
  saveNumbers,
} from '../../src/server/repositories/participants.ts';
import { readLookupStart } from '../../src/server/repositories/peer-lookup.ts';
import { insertReferenceStudy } from '../../src/server/repositories/reference-study.ts';
import { findRetakeOf, studyNameAndStatus } from '../../src/server/repositories/retakes.ts';
import {
  countAtMost,
  countScored,
  finishedBefore,
  findScore,
  groupCounts,
  hasPopulation,
  participantTotal,
  scoreAtRank,
  scoresAtRanks,
  upsertScore,
  velocitiesOf,
  velocityHistogram,
} from '../../src/server/repositories/scores.ts';
import {
  brandOfStudy,
  companiesOf,
  companyInStudy,
  findInvite,
  findLogo,
  insertCompany,
  insertStudy,
  insertWave,
  latestWaveOf,
  linksOfWave,
  participantsOfStudy,
  studiesOf,
  studyIsClosed,
  studyName,
  studyOf,
  updateCompany,
  updateStudy,
  updateStudyBrand,
  wavesOf,
} from '../../src/server/repositories/studies.ts';
import { completedOfStudyByRound, studyScoreSetOf } from '../../src/server/repositories/study-comparison.ts';
import { answersOfStudy, participantsOfStudyById, scoresOfStudy } from '../../src/server/repositories/study-exports.ts';
import { completionTimesOfWave, progressOfWave, studySummaries } from '../../src/server/repositories/study-progress.ts';
import { findWave } from '../../src/server/repositories/wave-by-id.ts';
import { scoreRow } from '../../src/server/services/scoring.ts';
import { instrument } from '../helpers/instrument.ts';
import { addParticipant, addScored } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

/**
 * The participant, score and study repositories give the same rows on
 * SQLite and on PostgreSQL: the same types (Dates, numbers, null), the same
 * order, the same counts. Consultants are written with plain SQL, so these
 * run on their own.
 */

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.cleanup());

const V = instrument.version;
let tokens = 0;
const token = () => `token-${++tokens}`;

async function consultant(email = 'c@example.com'): Promise<number> {
  await t.raw.run('INSERT INTO consultants (email, password_hash) VALUES (?, ?)', email, 'x');
  return Number((await t.raw.get<{ id: number }>('SELECT id FROM consultants WHERE email = ?', email))!.id);
}

const noScores = {
  itemScores: new Map<string, number>(),
  company: { value: 40, number: null, winRate: 0.25, cycle: null, velocity: 0 },
  personal: { approach: 3, execution: null, personal: 7.5 },
};

/** A completed participant with a stored score of `velocity`, in `where` (a study's company, say). */
async function scored(velocity: number, where: Parameters<typeof addParticipant>[1] = {}, population: 'benchmark' | 'demo' = 'benchmark', at = new Date()) {
  const p = await addParticipant(t.db, { status: 'completed', completedAt: at, ...where });
  await upsertScore(t.db, scoreRow(p, { ...noScores, company: { ...noScores.company, velocity } }, at, population));
  return p;
}

describe('studies and their waves', () => {
  it('insert a study with its first wave and link, companies with links in the latest wave, and new waves with links for all', async () => {
    const owner = await consultant();
    const study = await insertStudy(t.db, owner, 'Spring', 'study-link');
    expect(study).toMatchObject({ consultantId: owner, name: 'Spring', status: 'open', inviteToken: 'study-link', reminderMax: 2, brandName: null });
    expect(study.createdAt).toBeInstanceOf(Date);
    expect(Object.keys(study)).not.toContain('brandLogo');
    const zeta = await insertCompany(t.db, study.id, 'Zeta', 'zeta-link', { industry: 'manufacturing' });
    const acme = await insertCompany(t.db, study.id, 'acme', 'acme-link');
    expect(zeta).toMatchObject({ studyId: study.id, name: 'Zeta', industry: 'manufacturing', employees: null, releaseFloor: 0 });
    // Bytewise, as SQLite orders text: capitals first.
    expect((await companiesOf(t.db, study.id)).map((c) => c.name)).toEqual(['Zeta', 'acme']);
    expect(await companyInStudy(t.db, study.id, acme.id)).toEqual(acme);
    expect(await companyInStudy(t.db, study.id + 1, acme.id)).toBeUndefined();

    const first = (await latestWaveOf(t.db, study.id))!;
    expect(first).toMatchObject({ studyId: study.id, number: 1 });
    expect(await linksOfWave(t.db, first.id)).toEqual([
      { companyId: null, token: 'study-link' },
      { companyId: zeta.id, token: 'zeta-link' },
      { companyId: acme.id, token: 'acme-link' },
    ]);
    const invite = (await findInvite(t.db, 'zeta-link'))!;
    expect(invite).toMatchObject({ latestWave: 1, wave: { id: first.id, number: 1 }, company: zeta, study: { id: study.id, name: 'Spring' } });
    expect(Object.keys(invite.study)).not.toContain('brandLogo');
    expect((await findInvite(t.db, 'study-link'))!.company).toBeNull();
    expect(await findInvite(t.db, 'no-such-link')).toBeUndefined();

    // Two new waves asked for at once: rounds 2 and 3, never two of one number.
    const [a, b] = await Promise.all([insertWave(t.db, study.id, token), insertWave(t.db, study.id, token)]);
    expect([a!.number, b!.number].sort()).toEqual([2, 3]);
    expect((await wavesOf(t.db, study.id)).map((w) => w.number)).toEqual([1, 2, 3]);
    const latest = (await latestWaveOf(t.db, study.id))!;
    expect(latest.number).toBe(3);
    expect((await linksOfWave(t.db, latest.id)).map((l) => l.companyId)).toEqual([null, zeta.id, acme.id]);
    expect(await findInvite(t.db, 'zeta-link')).toMatchObject({ latestWave: 3, wave: { number: 1 } });
    expect(await findWave(t.db, latest.id)).toEqual(latest);
    expect(await findWave(t.db, null)).toBeUndefined();
    expect(await findWave(t.db, 987_654)).toBeUndefined();
  });

  it('are read back for their owner only, newest first, and changed', async () => {
    const owner = await consultant();
    const other = await consultant('other@example.com');
    const older = await insertStudy(t.db, owner, 'Older', 'older');
    const newer = await insertStudy(t.db, owner, 'Newer', 'newer', 'closed');
    await t.raw.run('UPDATE studies SET created_at = ? WHERE id = ?', t.raw.at(Date.UTC(2025, 0, 1)), older.id);
    expect((await studiesOf(t.db, owner)).map((s) => s.name)).toEqual(['Newer', 'Older']);
    expect(await studiesOf(t.db, other)).toEqual([]);
    expect(await studyOf(t.db, other, older.id)).toBeUndefined();
    expect((await studyOf(t.db, owner, older.id))!.createdAt.getTime()).toBe(Date.UTC(2025, 0, 1));
    expect(await studyIsClosed(t.db, newer.id)).toBe(true);
    expect(await studyIsClosed(t.db, older.id)).toBe(false);
    expect(await studyIsClosed(t.db, null)).toBe(false);
    await updateStudy(t.db, older.id, { name: 'Renamed', status: 'closed' });
    expect(await studyNameAndStatus(t.db, older.id)).toEqual({ name: 'Renamed', status: 'closed' });
    expect(await studyNameAndStatus(t.db, 987_654)).toBeUndefined();
    expect(await studyName(t.db, older.id)).toBe('Renamed');
    expect(await studyName(t.db, null)).toBeUndefined();

    const company = await insertCompany(t.db, older.id, 'Acme', 'acme');
    const stated = { name: 'Acme Ltd', industry: 'manufacturing', employees: null, salesTeam: null, region: 'europe', motion: null };
    expect(await updateCompany(t.db, older.id, company.id, stated)).toBe(true);
    expect(await updateCompany(t.db, newer.id, company.id, stated)).toBe(false);
    expect(await companyInStudy(t.db, older.id, company.id)).toMatchObject(stated);
  });

  it('keep a brand and its logo apart from the study rows', async () => {
    const study = await insertStudy(t.db, await consultant(), 'Branded', 'branded');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255, 7]);
    const at = new Date('2026-05-01T10:00:00.123Z');
    expect(await updateStudyBrand(t.db, study.id, { name: 'Meridian', accent: '#7a1f5c', logo: { png, width: 60, height: 20, key: 'k1' } }, at)).toBe(true);
    expect(await updateStudyBrand(t.db, 987_654, { name: 'X', accent: null }, at)).toBe(false);
    expect(await brandOfStudy(t.db, study.id)).toEqual({ name: 'Meridian', accent: '#7a1f5c', width: 60, height: 20, key: 'k1' });
    expect(Buffer.from((await findLogo(t.db, 'k1'))!)).toEqual(Buffer.from(png));
    expect((await studyOf(t.db, study.consultantId, study.id))!.brandUpdatedAt!.getTime()).toBe(at.getTime());
    // A new name keeps the logo; a removed logo is gone.
    expect(await updateStudyBrand(t.db, study.id, { name: 'Meridian 2', accent: null }, at)).toBe(true);
    expect(await brandOfStudy(t.db, study.id)).toMatchObject({ name: 'Meridian 2', accent: null, key: 'k1' });
    expect(await updateStudyBrand(t.db, study.id, { name: null, accent: null, logo: null }, at)).toBe(true);
    expect(await findLogo(t.db, 'k1')).toBeUndefined();
    expect(await brandOfStudy(t.db, 987_654)).toBeUndefined();
  });
});

describe('participants', () => {
  it('keep their numbers, replacing blank fields, and the sample report takes only a seeded one', async () => {
    const real = await addParticipant(t.db, { resumeTokenHash: 'real-hash' });
    expect(await findParticipantByResumeHash(t.db, 'real-hash')).toEqual(real);
    expect(await findParticipantByResumeHash(t.db, 'nobody')).toBeUndefined();
    expect(await loadNumbers(t.db, real.id)).toBeNull();
    await saveNumbers(t.db, real.id, { opportunities: 12.5, currency: 'EUR', winRate: 20 });
    expect(await loadNumbers(t.db, real.id)).toEqual({ opportunities: 12.5, currency: 'EUR', winRate: 20 });
    await saveNumbers(t.db, real.id, { dealValue: 1000 });
    expect(await loadNumbers(t.db, real.id)).toEqual({ dealValue: 1000 });
    const at = new Date('2026-02-03T04:05:06.789Z');
    await markCompleted(t.db, real.id, at);
    expect(await firstWithNumbers(t.db)).toBeUndefined();

    const seeded = await addParticipant(t.db, { resumeTokenHash: 'synthetic:1', status: 'completed', completedAt: at });
    const later = await addParticipant(t.db, { resumeTokenHash: 'synthetic:2', status: 'completed', completedAt: at });
    await saveNumbers(t.db, later.id, { quota: 3 });
    expect((await firstWithNumbers(t.db))!.id).toBe(later.id);
    await saveNumbers(t.db, seeded.id, { quota: 4 });
    expect((await firstWithNumbers(t.db))!).toEqual(seeded);
  });

  it('go with their answers, numbers and scores when deleted', async () => {
    const p = await scored(50);
    await saveAnswers(t.db, p.id, { 'align-targets': 'a' });
    await saveNumbers(t.db, p.id, { quota: 1 });
    await deleteParticipant(t.db, p.id);
    expect(await findScore(t.db, p.id)).toBeUndefined();
    expect(await loadAnswers(t.db, p.id)).toEqual({});
    expect(await loadNumbers(t.db, p.id)).toBeNull();
  });

  it('demo ones are deleted with a count: demo scores and seeded hashes, no one else', async () => {
    const demo = await scored(10, {}, 'demo');
    const seeded = await addParticipant(t.db, { resumeTokenHash: 'synthetic:abc' });
    const real = await scored(20);
    await saveAnswers(t.db, demo.id, { 'align-targets': 'a' });
    expect(await deleteDemoParticipants(t.db, 'synthetic:')).toBe(2);
    expect(await findScore(t.db, demo.id)).toBeUndefined();
    expect(await findParticipantByResumeHash(t.db, seeded.resumeTokenHash)).toBeUndefined();
    expect(await findScore(t.db, real.id)).toBeDefined();
    expect(await loadAnswers(t.db, demo.id)).toEqual({});
    expect(await deleteDemoParticipants(t.db, 'synthetic:')).toBe(0);
  });

  it('a retake is found from the response it retakes', async () => {
    const first = await addParticipant(t.db, { status: 'completed', completedAt: new Date() });
    expect(await findRetakeOf(t.db, first.id)).toBeUndefined();
    const again = await addParticipant(t.db, { previousId: first.id });
    expect(await findRetakeOf(t.db, first.id)).toEqual(again);
  });
});

describe('a study’s figures', () => {
  it('count progress, completions, release floors, rounds and exports alike', async () => {
    const owner = await consultant();
    const study = await insertStudy(t.db, owner, 'Study', 'study');
    const acme = await insertCompany(t.db, study.id, 'Acme', 'acme');
    const wave1 = (await latestWaveOf(t.db, study.id))!;
    const in1 = { studyId: study.id, companyId: acme.id, companyName: 'Acme' };
    const a = await scored(30, in1, 'benchmark', new Date('2026-01-01T00:00:00.001Z'));
    const b = await scored(60, in1, 'benchmark', new Date('2026-01-02T00:00:00.002Z'));
    const started = await addParticipant(t.db, in1);
    const own = await scored(45, { studyId: study.id });
    const wave2 = await insertWave(t.db, study.id, token);
    const c = await scored(70, in1);
    await saveAnswers(t.db, a.id, { 'align-icp': 'n', 'align-targets': 'a' });
    await saveAnswers(t.db, c.id, { 'align-targets': 'sd' });

    const progress = await progressOfWave(t.db, study.id, wave1.id);
    expect(progress.started).toEqual(new Map([[null, 1], [acme.id, 3]]));
    expect(progress.completed).toEqual(new Map([[null, 1], [acme.id, 2]]));
    expect((await completionTimesOfWave(t.db, study.id, wave1.id)).slice(0, 2).map((d) => d.getTime())).toEqual([
      Date.parse('2026-01-01T00:00:00.001Z'),
      Date.parse('2026-01-02T00:00:00.002Z'),
    ]);

    await t.raw.run(
      'INSERT INTO invitations (study_id, wave_id, company_id, email_hash, token_hash) VALUES (?, ?, ?, ?, ?)',
      study.id,
      wave2.id,
      acme.id,
      'e1',
      't1',
    );
    const summaries = await studySummaries(t.db, owner);
    expect(summaries).toEqual([{ id: study.id, name: 'Study', status: 'open', createdAt: study.createdAt, round: 2, companies: 1, invited: 1, started: 1, completed: 1 }]);
    expect(await studySummaries(t.db, owner + 1)).toEqual([]);

    expect(await studyIdOfCompany(t.db, acme.id)).toBe(study.id);
    expect(await studyIdOfCompany(t.db, 987_654)).toBeNull();
    expect(await releaseFloorOf(t.db, acme.id)).toBe(0);
    await raiseReleaseFloor(t.db, acme.id, 7);
    await raiseReleaseFloor(t.db, acme.id, 3);
    expect(await releaseFloorOf(t.db, acme.id)).toBe(7);
    expect(await releaseFloorOf(t.db, 987_654)).toBe(0);
    expect(await completedCountsOfStudy(t.db, study.id)).toEqual([
      { companyId: null, waveId: wave1.id, n: 1 },
      { companyId: acme.id, waveId: wave1.id, n: 2 },
      { companyId: acme.id, waveId: wave2.id, n: 1 },
    ]);
    const floors = await completedWithFloorsOfStudy(t.db, study.id);
    expect(floors.map((r) => [r.id, r.companyId, r.waveId, r.floor])).toEqual([
      [a.id, acme.id, wave1.id, 7],
      [b.id, acme.id, wave1.id, 7],
      [own.id, null, wave1.id, null],
      [c.id, acme.id, wave2.id, 7],
    ]);
    expect(floors[0]!.completedAt!.getTime()).toBe(Date.parse('2026-01-01T00:00:00.001Z'));
    expect((await completedOfCompany(t.db, acme.id)).map((p) => p.id)).toEqual([a.id, b.id, c.id]);

    expect(await studyScoreSetOf(t.db, study.id)).toEqual({ n: 4, ids: a.id + b.id + own.id + c.id });
    expect(await studyScoreSetOf(t.db, 987_654)).toEqual({ n: 0, ids: 0 });
    expect(await completedOfStudyByRound(t.db, study.id)).toEqual([
      { id: a.id, companyId: acme.id, waveId: wave1.id, round: 1 },
      { id: b.id, companyId: acme.id, waveId: wave1.id, round: 1 },
      { id: own.id, companyId: null, waveId: wave1.id, round: 1 },
      { id: c.id, companyId: acme.id, waveId: wave2.id, round: 2 },
    ]);

    expect((await participantsOfStudyById(t.db, study.id)).map((p) => p.id)).toEqual([a.id, b.id, started.id, own.id, c.id]);
    const scoreRows = await scoresOfStudy(t.db, study.id);
    expect(scoreRows.map((s) => [s.participantId, s.velocity])).toEqual([
      [a.id, 30],
      [b.id, 60],
      [own.id, 45],
      [c.id, 70],
    ]);
    expect(scoreRows[0]!.computedAt).toBeInstanceOf(Date);
    expect(await answersOfStudy(t.db, study.id)).toEqual([
      { participantId: a.id, itemId: 'align-icp', value: 'n' },
      { participantId: a.id, itemId: 'align-targets', value: 'a' },
      { participantId: c.id, itemId: 'align-targets', value: 'sd' },
    ]);
    const listed = await participantsOfStudy(t.db, study.id);
    expect(listed.map((p) => [p.id, p.velocity])).toEqual([
      [a.id, 30],
      [b.id, 60],
      [started.id, null],
      [c.id, 70],
      [own.id, 45],
    ]);
  });
});

describe('scores of a group', () => {
  it('are counted, ranked and binned as SQLite does', async () => {
    const g = { instrumentVersion: V, population: 'benchmark' as const, industry: 'manufacturing' };
    const ids: number[] = [];
    for (const velocity of [0, 9.99, 19.99, 20, 55.5, 100]) ids.push(await addScored(t.db, { industry: 'manufacturing', employees: '50-249', velocity }));
    await addScored(t.db, { industry: 'software-saas', employees: '50-249', velocity: 50 });
    await addScored(t.db, { industry: 'manufacturing', employees: '50-249', velocity: 50, population: 'demo' });

    expect(await groupCounts(t.db, g, 20)).toEqual({ size: 6, notBetter: 4 });
    expect(await groupCounts(t.db, g, 20, ids[3])).toEqual({ size: 5, notBetter: 3 });
    expect(await groupCounts(t.db, { ...g, industry: 'nothing' }, 20)).toEqual({ size: 0, notBetter: 0 });
    expect(await countAtMost(t.db, 'velocity', g, -1)).toEqual({ size: 6, notBetter: 0 });
    expect(await countScored(t.db, 'value', g)).toBe(0);
    expect(await countScored(t.db, 'velocity', g, ids[0])).toBe(5);
    expect(await scoreAtRank(t.db, 'velocity', g, 0)).toBe(0);
    expect(await scoreAtRank(t.db, 'velocity', g, 2)).toBe(19.99);
    expect(await scoreAtRank(t.db, 'velocity', g, 6)).toBeUndefined();
    expect(await scoreAtRank(t.db, 'winRate', g, 0)).toBeUndefined();
    // Several ranks at once, in the order asked, the subject left out; past the end undefined.
    expect(await scoresAtRanks(t.db, 'velocity', g, [5, 0, 2, 6])).toEqual([100, 0, 19.99, undefined]);
    expect(await scoresAtRanks(t.db, 'velocity', g, [0, 4], ids[0])).toEqual([9.99, 100]);
    expect(await scoresAtRanks(t.db, 'winRate', g, [0])).toEqual([undefined]);
    // Truncated into ten-point bands (19.99 is in 10-20), 100 in the top one.
    expect(await velocityHistogram(t.db, g)).toEqual([2, 1, 1, 0, 0, 1, 0, 0, 0, 1]);
    expect(await velocityHistogram(t.db, g, ids[5])).toEqual([2, 1, 1, 0, 0, 1, 0, 0, 0, 0]);
    expect((await velocitiesOf(t.db, g)).sort((x, y) => x - y)).toEqual([0, 9.99, 19.99, 20, 55.5, 100]);
    expect(await participantTotal(t.db)).toBe(8);
    expect(await participantTotal(t.db, V)).toBe(8);
    expect(await participantTotal(t.db, V, 'demo')).toBe(1);
    expect(await participantTotal(t.db, V + 1)).toBe(0);
    expect(await hasPopulation(t.db, V, 'unverified')).toBe(false);
    expect(await hasPopulation(t.db, V, 'demo')).toBe(true);
    const demoId = (await t.raw.get<{ id: number }>("SELECT participant_id AS id FROM scores WHERE population = 'demo'"))!.id;
    expect(await hasPopulation(t.db, V, 'demo', Number(demoId))).toBe(false);
  });

  it('finished before a moment are counted by industry, band and region', async () => {
    const early = new Date('2026-01-01T00:00:00Z');
    await addScored(t.db, { industry: 'manufacturing', employees: '50-249', region: 'europe', velocity: 1, at: early });
    await addScored(t.db, { industry: 'manufacturing', employees: '250-999', region: 'europe', velocity: 2, at: early });
    await addScored(t.db, { industry: 'software-saas', employees: '50-249', region: 'asia-pacific', velocity: 3, at: early });
    await addScored(t.db, { industry: 'software-saas', employees: '50-249', region: 'europe', velocity: 4, at: new Date('2026-03-01T00:00:00Z') });
    const { total, by } = await finishedBefore(t.db, V, 'benchmark', new Date('2026-02-01T00:00:00Z'));
    expect(total).toBe(3);
    expect(by.industry).toEqual(new Map([['manufacturing', 2], ['software-saas', 1]]));
    expect(by.employees.get('50-249')).toBe(2);
    expect(by.region.get('europe')).toBe(2);
    expect((await finishedBefore(t.db, V, 'benchmark', early)).total).toBe(0);
  });

  it('of a company are read with the columns peer figures need', async () => {
    const owner = await consultant();
    const study = await insertStudy(t.db, owner, 'S', 's');
    const acme = await insertCompany(t.db, study.id, 'Acme', 'acme');
    const a = await scored(30, { studyId: study.id, companyId: acme.id });
    const b = await scored(40, { studyId: study.id, companyId: acme.id });
    await scored(50, { studyId: study.id });
    const expected = (id: number, velocity: number) => ({
      participantId: id,
      instrumentVersion: V,
      population: 'benchmark',
      industry: 'software-saas',
      employees: '50-249',
      velocity,
      value: 40,
      number: null,
      winRate: 0.25,
      cycle: null,
    });
    // The scores a peer lookup leaves out: the company's, and the participant's own (once, when also the company's).
    const leftOut = async (q: { companyId?: number; participantId?: number }) => (await readLookupStart(t.db, { heldKey: 'peer-stats-hold', measure: 'velocity', ...q })).leftOut;
    expect(await leftOut({ companyId: acme.id })).toEqual([expected(a.id, 30), expected(b.id, 40)]);
    expect(await leftOut({ participantId: b.id })).toEqual([expected(b.id, 40)]);
    expect(await leftOut({ companyId: acme.id, participantId: b.id })).toEqual([expected(a.id, 30), expected(b.id, 40)]);
    expect(await leftOut({ participantId: 987_654 })).toEqual([]);
    // A score written again is replaced whole.
    const again = (await findScore(t.db, a.id))!;
    await upsertScore(t.db, { ...again, velocity: 31, approach: null });
    expect(await findScore(t.db, a.id)).toEqual({ ...again, velocity: 31, approach: null });
  });
});

describe('the reference study', () => {
  it('takes seeded participants as its company’s respondents, alternately leaders and sellers', async () => {
    const people = [];
    for (let i = 0; i < 5; i++) people.push(await scored(10 * i));
    await saveNumbers(t.db, people[2]!.id, { quota: 1 });
    const logo = { png: new Uint8Array([1, 2, 3]), width: 3, height: 1, key: 'ref-logo' };
    const { ids, numbered } = await insertReferenceStudy(t.db, {
      consultantEmail: 'ref@example.com',
      studyName: 'Reference',
      studyToken: 'reference-study',
      brand: { name: 'Meridian', accent: '#7a1f5c', logo },
      companyName: 'Northwind',
      companyToken: 'reference-company',
      respondents: { from: 1, to: 4 },
      completedAt: (i) => new Date(Date.UTC(2026, 10, 1, 9, i)),
    });
    expect(ids).toEqual([people[1]!.id, people[2]!.id, people[3]!.id]);
    expect([...numbered]).toEqual([people[2]!.id]);
    // Written without waves or links: found by the company's own token.
    const company = (await t.raw.get<{ id: number; studyId: number; name: string }>('SELECT id, study_id AS "studyId", name FROM companies WHERE invite_token = ?', 'reference-company'))!;
    expect(company.name).toBe('Northwind');
    expect(await studyName(t.db, company.studyId)).toBe('Reference');
    expect((await brandOfStudy(t.db, company.studyId))!.key).toBe('ref-logo');
    expect((await completedOfCompany(t.db, company.id)).map((p) => [p.id, p.role, p.companyName, p.studyId, p.completedAt!.getTime()])).toEqual([
      [ids[0], 'leader', 'Northwind', company.studyId, Date.UTC(2026, 10, 1, 9, 0)],
      [ids[1], 'rep', 'Northwind', company.studyId, Date.UTC(2026, 10, 1, 9, 1)],
      [ids[2], 'leader', 'Northwind', company.studyId, Date.UTC(2026, 10, 1, 9, 2)],
    ]);
    expect((await readLookupStart(t.db, { heldKey: 'peer-stats-hold', measure: 'velocity', companyId: company.id })).leftOut.map((s) => s.participantId)).toEqual(ids);
  });
});
