import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Participant } from '../../db/schema.ts';
import { optionsOf } from '../../src/domain/answers.ts';
import type { Item } from '../../src/domain/instrument.ts';
import { itemScore, scoreParticipant } from '../../src/domain/scoring.ts';
import { findParticipant, loadAnswers, saveAnswers } from '../../src/server/repositories/participants.ts';
import { companyView } from '../../src/server/services/company-view.ts';
import { deleteParticipation } from '../../src/server/services/participation.ts';
import { companyReportFor } from '../../src/server/services/reports.ts';
import { participantResults } from '../../src/server/services/results.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant, addStudyWithCompany } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

/**
 * Issue 11: a company report averaged every respondent of the company link with
 * no minimum, so with two respondents a leader recovered all of a rep's company
 * answers (mean × 2 − own), and reloading after each new colleague finished
 * recovered each newcomer, whatever the company's size.
 */
const K = 5;
let t: TestStore;
let studyId: number;
let companyId: number;
beforeEach(async () => {
  t = await openTestStore();
  ({ studyId, companyId } = await addStudyWithCompany(t.db));
});
afterEach(() => t.cleanup());

/** A respondent answering every company item at the option `pick` chooses from those ranked worst to best. */
async function respondent(role: string, pick: (ranked: string[], item: Item) => string) {
  const p = await addParticipant(t.db, { role, companyName: 'Acme', studyId, companyId });
  await saveAnswers(
    t.db,
    p.id,
    completeAnswers(instrument, (item) => {
      if (item.kind === 'number') return undefined;
      const ranked = optionsOf(instrument, item).map((o) => o.id).sort((a, b) => itemScore(instrument, item, a)! - itemScore(instrument, item, b)!);
      return pick(ranked, item);
    }),
  );
  await finishParticipant(t.db, instrument, p.id);
  return (await findParticipant(t.db, p.id))!;
}

/** Everything a report and the results page show a reader, minus the parts that are the reader's own. */
async function shownTo(reader: Participant) {
  const results = (await participantResults(t.db, instrument, reader, K))!;
  const report = (await companyReportFor(t.db, reader, K, new Date('2026-12-01T00:00:00Z')))!;
  return { results, report };
}

describe('colleagues cannot recover each other’s answers (issue 11)', () => {
  it('gives a leader with one colleague nothing but their own answers back', async () => {
    const leader = await respondent('leader', (r) => r.at(-1)!);
    const rep = await respondent('rep', (r, item) => r[item.id.length % r.length]!);
    const own = scoreParticipant(instrument, await loadAnswers(t.db, leader.id));
    const { results, report } = await shownTo(leader);
    expect(results.view).toBe('own');
    expect(report.meta.view).toBe('own');
    expect(report.disagreement).toBeNull();
    // Every item figure in the leader's report is the leader's own: mean × 2 − own has nothing to work on.
    for (const item of report.detail.sections.flatMap((s) => s.items)) {
      const mine = own.itemScores.get(item.id);
      expect(item.score).toBe(mine === undefined ? null : Math.round(mine * 100));
    }
    expect(results.velocity.score).toBe(own.company.velocity);
    // The rep's own report likewise holds only the rep's answers.
    expect((await shownTo(rep)).report.meta.view).toBe('own');
  });

  it('shows nothing new when one more colleague finishes, so reloading cannot isolate the newcomer', async () => {
    const reader = await respondent('leader', (r) => r.at(-1)!);
    for (let i = 0; i < K; i++) await respondent('rep', (r) => r[Math.floor(r.length / 2)]!);
    const before = await shownTo(reader);
    expect(before.report.meta.view).toBe('company');
    // A newcomer whose answers differ from everyone's on every item.
    await respondent('rep', (r) => r[0]!);
    const after = await shownTo(reader);
    expect(after.report.summary.subIndices.map((s) => s.score)).toEqual(before.report.summary.subIndices.map((s) => s.score));
    expect(after.report.detail).toEqual(before.report.detail);
    expect(after.report.disagreement).toEqual(before.report.disagreement);
    expect(after.results.velocity).toEqual(before.results.velocity);
  });

  it('does not let a deletion slide the next colleague into the company figures', async () => {
    const first: Participant[] = [];
    for (const i of [0, 1, 2, 3, 4, 5]) first.push(await respondent(i === 0 ? 'leader' : 'rep', (r) => r[(i + 1) % r.length]!));
    const reader = await respondent('rep', (r) => r.at(-1)!);
    const before = await shownTo(reader);
    expect(before.report.meta.view).toBe('company');
    // The third respondent deletes their answers. Before the fix the reader's figures moved to the first six who
    // stayed, the reader among them: deleted = own + 6 × (before − after), all of them.
    await deleteParticipation(t.db, (await findParticipant(t.db, first[2]!.id))!, K);
    const after = await shownTo(reader);
    expect(after.report.meta.view).toBe('own');
    // The figures come back only with k + 1 respondents beyond the five who stayed in them; the reader is one.
    expect(after.results.companyPending!.needed).toBe(K);
    await respondent('rep', (r) => r[0]!);
    expect((await companyView(t.db, instrument, companyId, reader, K)).aggregate).toBeNull();
    const newcomers: Participant[] = [];
    for (let i = 0; i < K - 1; i++) newcomers.push(await respondent('rep', (r) => r[0]!));
    const again = await companyView(t.db, instrument, companyId, reader, K);
    expect(again.aggregate).not.toBeNull();
    const oldIds = new Set(first.map((p) => p.id));
    expect(again.published.filter((p) => !oldIds.has(p.id)).length).toBeGreaterThanOrEqual(K + 1);
    expect(again.published.map((p) => p.id)).toContain(newcomers.at(-1)!.id);
  });

  it('never prints a single colleague’s answer: no minimum or maximum, no contrast of a role group below k', async () => {
    const reader = await respondent('executive', (r) => r.at(-1)!);
    for (let i = 0; i < K; i++) await respondent(i === 0 ? 'rep' : 'manager', (r) => r[i % r.length]!);
    const { report } = await shownTo(reader);
    expect(report.disagreement).not.toBeNull();
    const text = JSON.stringify(report.disagreement);
    expect(text).not.toMatch(/"(min|max)"/);
    // One rep among leaders: a leaders-against-sellers contrast would be that rep's answers.
    expect(report.disagreement!.roles).toEqual([]);
  });
});
