import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { optionsOf } from '../../src/domain/answers.ts';
import type { Item } from '../../src/domain/instrument.ts';
import { itemScore } from '../../src/domain/scoring.ts';
import { loadInstrument } from '../../src/server/instrument-loader.ts';
import { findParticipant, saveAnswers } from '../../src/server/repositories/participants.ts';
import { companyView } from '../../src/server/services/company-view.ts';
import { scoresCsv } from '../../src/server/services/exports.ts';
import { companyReportFor, personalReportFor } from '../../src/server/services/reports.ts';
import { participantResults } from '../../src/server/services/results.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant, addStudyWithCompany } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const K = 5;
let t: TestStore;
let studyId: number;
let companyId: number;
beforeEach(async () => {
  t = await openTestStore();
  ({ studyId, companyId } = await addStudyWithCompany(t.db));
});
afterEach(() => t.cleanup());

/** A finished respondent of Acme: the CEO answers at the top of every scale, everyone else in the middle. */
async function respondent(role: string, top: boolean) {
  const p = await addParticipant(t.db, { role, companyName: 'Acme', studyId, companyId });
  await saveAnswers(t.db, p.id, completeAnswers(instrument, (item) => (top && item.kind !== 'number' && 'advice' in item ? topOption(item) : undefined)));
  await finishParticipant(t.db, instrument, p.id);
  return (await findParticipant(t.db, p.id))!;
}

/** The option with the best score for this item (reverse-scored scales count from the top down). */
function topOption(item: Item): string {
  return [...optionsOf(instrument, item)].sort((a, b) => itemScore(instrument, item, b.id)! - itemScore(instrument, item, a.id)!)[0]!.id;
}

describe('one company score', () => {
  it('shows a respondent their own view, and how many more colleagues unlock the company figures, below k others', async () => {
    const ceo = await respondent('executive', true);
    await respondent('rep', false);
    await respondent('rep', false);
    const results = (await participantResults(t.db, instrument, ceo, K))!;
    expect(results.view).toBe('own');
    // Two colleagues besides the CEO: three more are needed for k = 5 others.
    expect(results.companyPending).toEqual({ needed: 3, respondents: 3 });
    const report = (await companyReportFor(t.db, ceo, K))!;
    expect(report.meta.view).toBe('own');
    expect(report.summary.velocity.score).toBe(results.velocity.score);
    expect(report.summary.viewNote).toContain('3 more colleagues');
    // The consultant sees no company figure at all below k, and the CSV has no company columns filled.
    expect(await companyReportFor(t.db, ceo, K, new Date(), { reader: false })).toBeNull();
    expect((await companyView(t.db, instrument, companyId, null, K)).aggregate).toBeNull();
    const rows = parse(await scoresCsv(t.db, instrument, studyId, K), { columns: true }) as Record<string, string>[];
    expect(rows.every((r) => r.company_velocity_index === '')).toBe(true);
  });

  it('gives every reader the same company score once there are enough respondents, with their own view beside it', async () => {
    const ceo = await respondent('executive', true);
    const reps: Awaited<ReturnType<typeof respondent>>[] = [];
    for (let i = 0; i < 5; i++) reps.push(await respondent('rep', false));
    const ceoResults = (await participantResults(t.db, instrument, ceo, K))!;
    const repResults = (await participantResults(t.db, instrument, reps[0]!, K))!;
    expect(ceoResults.view).toBe('company');
    expect(ceoResults.respondents).toBe(6);
    // The CEO's own, glowing view is shown beside the company's, never instead of it.
    expect(ceoResults.ownView!.score).toBeGreaterThan(ceoResults.velocity.score);
    const companyScore = ceoResults.velocity.score;
    expect(repResults.velocity.score).toBe(companyScore);
    expect((await companyReportFor(t.db, ceo, K))!.summary.velocity.score).toBe(companyScore);
    expect((await companyReportFor(t.db, reps[0]!, K))!.summary.velocity.score).toBe(companyScore);
    const consultantCopy = (await companyReportFor(t.db, ceo, K, new Date(), { reader: false }))!;
    expect(consultantCopy.summary.velocity.score).toBe(companyScore);
    expect(consultantCopy.meta.viewLabel).toBe('Company view · 6 respondents');
    const rows = parse(await scoresCsv(t.db, instrument, studyId, K), { columns: true }) as Record<string, string>[];
    for (const r of rows) {
      expect(Number(r.company_velocity_index)).toBeCloseTo(companyScore, 2);
      expect(r.company_respondents).toBe('6');
    }
    // A seller's actions are ones a seller can take.
    const teamShorts = new Set(instrument.company.sections.flatMap((s) => s.items).filter((i) => i.actor === 'team').map((i) => i.short));
    expect(repResults.audience).toBe('seller');
    expect(repResults.actions.every((a) => teamShorts.has(a.title))).toBe(true);
  });

  it('keeps the company score when one more colleague finishes, and updates it only once k more have', async () => {
    const ceo = await respondent('executive', true);
    for (let i = 0; i < 5; i++) await respondent('rep', false);
    const before = (await participantResults(t.db, instrument, ceo, K))!;
    expect(before.respondents).toBe(6);
    expect(before.nextUpdate).toBe(5);
    // A newcomer with answers unlike anyone's: reloading must not reveal them.
    await respondent('manager', true);
    const after = (await participantResults(t.db, instrument, ceo, K))!;
    expect(after.velocity.score).toBe(before.velocity.score);
    expect(after.respondents).toBe(6);
    expect(after.nextUpdate).toBe(4);
    for (let i = 0; i < 4; i++) await respondent('rep', false);
    const updated = (await participantResults(t.db, instrument, ceo, K))!;
    expect(updated.respondents).toBe(11);
    expect(updated.velocity.score).not.toBe(before.velocity.score);
  });

  it("speaks of the team's answers, not one person's, in a company report of several respondents", async () => {
    const ceo = await respondent('executive', true);
    for (let i = 0; i < 5; i++) await respondent('rep', false);
    const report = (await companyReportFor(t.db, ceo, K))!;
    const answers = report.detail.sections.flatMap((s) => s.items).map((i) => i.answer).filter((a) => a !== null);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((a) => a!.startsWith('Your team’s average'))).toBe(true);
    expect(JSON.stringify(report)).not.toMatch(/\bYou said\b/);
  });
});

describe('a participant who answered the legacy velocity-v1', () => {
  it('keeps their version, scores and reports, and is compared only with v1 participants', async () => {
    const v1 = loadInstrument('velocity-v1');
    const p = await addParticipant(t.db, { instrumentId: v1.id, instrumentVersion: v1.version });
    await saveAnswers(t.db, p.id, completeAnswers(v1));
    const row = await finishParticipant(t.db, v1, p.id);
    expect(row.instrumentVersion).toBe(1);
    // Five v2 participants are no peers of a v1 one.
    for (let i = 0; i < 5; i++) await respondent('rep', false);
    const participant = (await findParticipant(t.db, p.id))!;
    const results = (await participantResults(t.db, v1, participant, K))!;
    expect(results.velocity.score).toBe(row.velocity);
    expect(results.peer).toBeNull();
    const company = (await companyReportFor(t.db, participant, K))!;
    expect(company.meta.instrument).toBe('velocity-v1, version 1');
    expect(company.detail.sections.flatMap((s) => s.items).map((i) => i.id)).toContain(v1.company.sections[0]!.items[0]!.id);
    expect((await personalReportFor(t.db, participant, K))!.meta.instrument).toBe('velocity-v1, version 1');
  });
});
