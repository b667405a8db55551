import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scoreParticipant } from '../../src/domain/scoring.ts';
import { createSyntheticGenerator } from '../../src/domain/synthetic.ts';
import { findParticipant, loadAnswers, saveAnswers } from '../../src/server/repositories/participants.ts';
import { findScore } from '../../src/server/repositories/scores.ts';
import { finishParticipant, NotScorableError } from '../../src/server/services/scoring.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.cleanup());

const profile = {
  role: 'manager',
  industry: 'manufacturing',
  employees: '1000-4999',
  salesTeam: '51-200',
  region: 'asia-pacific',
  motion: 'field',
};

describe('finishParticipant', () => {
  it('stores the scores with the peer dimensions copied from the profile and marks the participant completed', async () => {
    const p = await addParticipant(t.db, profile);
    await saveAnswers(t.db, p.id, completeAnswers());
    const at = new Date('2026-03-01T10:00:00Z');
    const row = await finishParticipant(t.db, instrument, p.id, at);
    expect(row).toMatchObject({ participantId: p.id, ...profile, studyId: null, companyId: null, instrumentVersion: instrument.version });
    expect(row.computedAt.getTime()).toBe(at.getTime());
    expect(await findScore(t.db, p.id)).toEqual(row);
    const after = (await findParticipant(t.db, p.id))!;
    expect(after.status).toBe('completed');
    expect(after.completedAt?.getTime()).toBe(at.getTime());
  });

  it('scores once: finishing twice returns the same row and keeps computedAt', async () => {
    const p = await addParticipant(t.db, profile);
    await saveAnswers(t.db, p.id, completeAnswers());
    const first = await finishParticipant(t.db, instrument, p.id, new Date('2026-03-01T10:00:00Z'));
    // Answers changed after finishing must not move a completed score.
    await saveAnswers(t.db, p.id, completeAnswers(instrument, (item) => (item.kind === 'agreement' ? 'sd' : undefined)));
    const second = await finishParticipant(t.db, instrument, p.id, new Date('2026-04-01T10:00:00Z'));
    expect(second).toEqual(first);
    expect((await findScore(t.db, p.id))!.computedAt.getTime()).toBe(new Date('2026-03-01T10:00:00Z').getTime());
    expect(Number((await t.raw.get<{ n: number }>('SELECT count(*) AS n FROM scores'))!.n)).toBe(1);
  });

  it.each([1, 2, 3, 4, 5, 6])('stores the indices scoreParticipant gives for the same answers (synthetic participant %d)', async (index) => {
    const s = createSyntheticGenerator(instrument, 99)(index);
    const p = await addParticipant(t.db, { ...s.profile, companyName: s.profile.company });
    await saveAnswers(t.db, p.id, s.answers);
    const row = await finishParticipant(t.db, instrument, p.id);
    const expected = scoreParticipant(instrument, await loadAnswers(t.db, p.id));
    expect(row.velocity).toBe(expected.company.velocity);
    expect(row).toMatchObject({
      value: expected.company.value,
      number: expected.company.number,
      winRate: expected.company.winRate,
      cycle: expected.company.cycle,
      approach: expected.personal.approach,
      execution: expected.personal.execution,
      personal: expected.personal.personal,
      industry: s.profile.industry,
      employees: s.profile.employees,
    });
    expect(row.velocity).toBeGreaterThanOrEqual(0);
    expect(row.velocity).toBeLessThanOrEqual(100);
  });

  it('refuses a participant without a scored company answer and leaves it in progress', async () => {
    const p = await addParticipant(t.db, profile);
    await expect(finishParticipant(t.db, instrument, p.id)).rejects.toThrow(NotScorableError);
    expect(await findScore(t.db, p.id)).toBeUndefined();
    expect((await findParticipant(t.db, p.id))!.status).toBe('in_progress');
  });

  it('refuses a participant that does not exist', async () => {
    await expect(finishParticipant(t.db, instrument, 777)).rejects.toThrow(NotScorableError);
  });
});
