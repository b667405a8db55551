import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { optionsOf } from '../../src/domain/answers.ts';
import type { Item } from '../../src/domain/instrument.ts';
import { itemScore } from '../../src/domain/scoring.ts';
import { findParticipant, saveAnswers } from '../../src/server/repositories/participants.ts';
import { insertWave } from '../../src/server/repositories/studies.ts';
import { companyView } from '../../src/server/services/company-view.ts';
import { startRetake } from '../../src/server/services/retake.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { answersCsv, scoresCsv } from '../../src/server/services/exports.ts';
import { ownRetakeChange, readerCompanyChange, studyTrend } from '../../src/server/services/trends.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant, addStudyWithCompany } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const K = 5;
let t: TestStore;
let studyId: number;
let companyId: number;
let n = 0;
beforeEach(async () => {
  t = await openTestStore();
  ({ studyId, companyId } = await addStudyWithCompany(t.db));
});
afterEach(() => t.cleanup());

/** The option at `at` (0 worst … 1 best) of an item's scale. */
function optionAt(item: Item, at: number): string {
  const sorted = [...optionsOf(instrument, item)].sort((a, b) => itemScore(instrument, item, a.id)! - itemScore(instrument, item, b.id)!);
  return sorted[Math.round(at * (sorted.length - 1))]!.id;
}

/** A finished respondent of Acme in the study's latest round, answering every scale at `level`. */
async function respondent(level: number) {
  const p = await addParticipant(t.db, { companyName: 'Acme', studyId, companyId, role: n++ % 2 ? 'rep' : 'manager' });
  await saveAnswers(t.db, p.id, completeAnswers(instrument, (item) => (item.kind === 'number' ? undefined : optionAt(item, level))));
  await finishParticipant(t.db, instrument, p.id);
  return (await findParticipant(t.db, p.id))!;
}

const token = () => `wave-token-${n++}`;

describe('studyTrend', () => {
  it('is null for every company while the study has one round', async () => {
    for (let i = 0; i < K + 1; i++) await respondent(0.25);
    expect(await studyTrend(t.db, instrument, studyId, K)).toEqual([{ companyId, name: 'Acme', change: null }]);
  });

  it('is null until the new round has k + 1 respondents, then a change outside the noise', async () => {
    for (let i = 0; i < K + 1; i++) await respondent(i % 2 ? 0 : 0.25);
    await insertWave(t.db, studyId, token);
    for (let i = 0; i < K; i++) await respondent(1);
    expect((await studyTrend(t.db, instrument, studyId, K))[0]!.change).toBeNull();
    await respondent(0.75);
    const change = (await studyTrend(t.db, instrument, studyId, K))[0]!.change;
    if (change?.status !== 'compared') throw new Error('expected a comparison');
    expect(change).toMatchObject({ roundBefore: 1, roundAfter: 2, trend: { nBefore: K + 1, nAfter: K + 1, method: 'respondents' } });
    // The two sides are the published figures of each round, nothing else.
    const waves = (await t.raw.all<{ waveId: number }>('SELECT wave_id AS "waveId" FROM participants')).map((r) => r.waveId);
    const published = async (w: number) => (await companyView(t.db, instrument, companyId, null, K, w)).aggregate!.scores.velocity;
    const velocity = change.trend.changes.find((c) => c.key === 'velocity')!;
    expect(velocity.before).toBe(await published(Math.min(...waves)));
    expect(velocity.after).toBe(await published(Math.max(...waves)));
    expect(velocity.change!).toBeGreaterThan(40);
    expect(velocity.withinNoise).toBe(false);
    for (const c of change.trend.changes) expect(c.low!).toBeLessThanOrEqual(c.change!);
  });

  it('calls the same answers in both rounds no change, within noise', async () => {
    for (let i = 0; i < K + 1; i++) await respondent(i % 3 ? 0.5 : 0.75);
    await insertWave(t.db, studyId, token);
    for (let i = 0; i < K + 1; i++) await respondent(i % 3 ? 0.5 : 0.75);
    const change = (await studyTrend(t.db, instrument, studyId, K))[0]!.change;
    if (change?.status !== 'compared') throw new Error('expected a comparison');
    for (const c of change.trend.changes) expect([c.change, c.withinNoise]).toEqual([0, true]);
  });

  it('compares nothing when the earlier round answered another questionnaire version', async () => {
    for (let i = 0; i < K + 1; i++) await respondent(0.5);
    await t.raw.run('UPDATE participants SET instrument_version = ?', instrument.version - 1);
    await insertWave(t.db, studyId, token);
    for (let i = 0; i < K + 1; i++) await respondent(0.5);
    expect((await studyTrend(t.db, instrument, studyId, K))[0]!.change).toEqual({ status: 'questionnaire-changed', roundBefore: 1, roundAfter: 2 });
  });
});

describe('a reader’s change', () => {
  it('shows the company change to a reader who sees both rounds, and their own change against their previous response', async () => {
    const first = await respondent(0.25);
    for (let i = 0; i < K; i++) await respondent(0.25);
    await insertWave(t.db, studyId, token);
    const retake = await startRetake(t.db, instrument, first.id);
    if (!retake.ok) throw new Error(retake.refused);
    await saveAnswers(t.db, retake.participant.id, completeAnswers(instrument, (item) => (item.kind === 'number' ? undefined : optionAt(item, 1))));
    await finishParticipant(t.db, instrument, retake.participant.id);
    const reader = (await findParticipant(t.db, retake.participant.id))!;
    // Only the reader so far in round 2: no company change, their own change is there.
    expect(await readerCompanyChange(t.db, instrument, reader, K)).toBeNull();
    const own = await ownRetakeChange(t.db, instrument, reader);
    if (own?.status !== 'compared') throw new Error('expected a comparison');
    expect(own).toMatchObject({ roundBefore: 1, roundAfter: 2, trend: { method: 'items', nBefore: 1, nAfter: 1 } });
    expect(own.trend.changes.find((c) => c.key === 'velocity')).toMatchObject({ withinNoise: false });
    for (let i = 0; i < K; i++) await respondent(0.75);
    const company = await readerCompanyChange(t.db, instrument, reader, K);
    expect(company).toMatchObject({ status: 'compared', trend: { nBefore: K + 1, nAfter: K + 1 } });
    // The earlier response has no retake change of its own.
    expect(await ownRetakeChange(t.db, instrument, first)).toBeNull();
  });

  it('compares a retake on another questionnaire version with nothing', async () => {
    const first = await respondent(0.25);
    await insertWave(t.db, studyId, token);
    const retake = await startRetake(t.db, instrument, first.id);
    if (!retake.ok) throw new Error(retake.refused);
    await t.raw.run('UPDATE participants SET instrument_version = ? WHERE id = ?', instrument.version - 1, first.id);
    await saveAnswers(t.db, retake.participant.id, completeAnswers(instrument));
    await finishParticipant(t.db, instrument, retake.participant.id);
    expect(await ownRetakeChange(t.db, instrument, (await findParticipant(t.db, retake.participant.id))!)).toMatchObject({ status: 'questionnaire-changed' });
  });
});

describe('exports by round', () => {
  it('give each row the round it answered in, and leave it empty on a withheld row', async () => {
    for (let i = 0; i < K + 1; i++) await respondent(0.5);
    await insertWave(t.db, studyId, token);
    for (let i = 0; i < K + 1; i++) await respondent(0.75);
    // A round-3 respondent alone: withheld.
    await insertWave(t.db, studyId, token);
    await respondent(0.5);
    for (const file of [await scoresCsv(t.db, instrument, studyId, K), await answersCsv(t.db, instrument, studyId, K)]) {
      const rows = parse(file, { columns: true }) as Record<string, string>[];
      // Given rows come first, in an order of their own each time; the withheld row last.
      expect(rows.slice(0, -1).map((r) => r.wave).sort()).toEqual([...Array(K + 1).fill('1'), ...Array(K + 1).fill('2')]);
      expect(rows.at(-1)!.wave).toBe('');
      expect(rows.at(-1)!.withheld).not.toBe('');
    }
  });
});
