import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/server/auth/tokens.ts';
import { findParticipant, saveAnswers } from '../../src/server/repositories/participants.ts';
import { studyStatsSource } from '../../src/server/services/comparison.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { insertWave, latestWaveOf, updateStudy } from '../../src/server/repositories/studies.ts';
import { participantByToken } from '../../src/server/services/participation.ts';
import { retakeOffer, startRetake } from '../../src/server/services/retake.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant, addStudyWithCompany } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

let t: TestStore;
let studyId: number;
let companyId: number;
let tokenN = 0;
const token = () => `tok-${++tokenN}`;
beforeEach(async () => {
  t = await openTestStore();
  ({ studyId, companyId } = await addStudyWithCompany(t.db));
});
afterEach(() => t.cleanup());

async function finished() {
  return addParticipant(t.db, { studyId, companyId, companyName: 'Acme', role: 'manager', industry: 'manufacturing', status: 'completed', completedAt: new Date() });
}

describe('retake', () => {
  it('offers nothing while the participant is in the latest round', async () => {
    expect(await retakeOffer(t.db, await finished())).toBeNull();
  });

  it('starts one new response in the new round with the same profile, linked to the earlier one', async () => {
    const earlier = await finished();
    const wave = await insertWave(t.db, studyId, token);
    expect(await retakeOffer(t.db, earlier)).toEqual({ state: 'open', round: 2, studyName: 'Study' });
    const outcome = await startRetake(t.db, instrument, earlier.id);
    if (!outcome.ok) throw new Error(outcome.refused);
    const again = (await participantByToken(t.db, outcome.token))!;
    expect(again.id).toBe(outcome.participant.id);
    expect(again).toMatchObject({
      previousId: earlier.id,
      waveId: wave.id,
      studyId,
      companyId,
      companyName: 'Acme',
      role: 'manager',
      industry: 'manufacturing',
      status: 'in_progress',
      instrumentVersion: instrument.version,
    });
    expect(again.resumeTokenHash).toBe(hashToken(outcome.token));
    // A second press starts nothing and says it was started.
    expect(await startRetake(t.db, instrument, earlier.id)).toEqual({ ok: false, refused: 'already-started' });
    expect(await retakeOffer(t.db, earlier)).toEqual({ state: 'started', round: 2, studyName: 'Study' });
    expect(await t.raw.all('SELECT id FROM participants WHERE previous_id = ?', earlier.id)).toHaveLength(1);
  });

  it('after a retake, a still newer round is taken from the retake, never twice from the first response', async () => {
    const first = await finished();
    await insertWave(t.db, studyId, token);
    const second = await startRetake(t.db, instrument, first.id);
    if (!second.ok) throw new Error(second.refused);
    await t.raw.run("UPDATE participants SET status = 'completed', completed_at = ? WHERE id = ?", t.raw.at(Date.now()), second.participant.id);
    await insertWave(t.db, studyId, token);
    expect((await retakeOffer(t.db, first))?.state).toBe('started');
    expect(await startRetake(t.db, instrument, first.id)).toEqual({ ok: false, refused: 'already-started' });
    const third = await startRetake(t.db, instrument, second.participant.id);
    expect(third.ok && (await findParticipant(t.db, third.participant.id))?.waveId).toBe((await latestWaveOf(t.db, studyId))!.id);
  });

  it('refuses a closed study, an unfinished response and a participant without a study, starting nothing', async () => {
    const done = await finished();
    const unfinished = await addParticipant(t.db, { studyId, companyId });
    const alone = await addParticipant(t.db, { status: 'completed', completedAt: new Date() });
    await insertWave(t.db, studyId, token);
    for (const p of [unfinished, alone]) {
      expect(await retakeOffer(t.db, p)).toBeNull();
      expect(await startRetake(t.db, instrument, p.id)).toEqual({ ok: false, refused: 'not-offered' });
    }
    await updateStudy(t.db, studyId, { status: 'closed' });
    expect(await retakeOffer(t.db, done)).toBeNull();
    expect(await startRetake(t.db, instrument, done.id)).toEqual({ ok: false, refused: 'not-offered' });
    expect(await t.raw.all('SELECT id FROM participants')).toHaveLength(3);
  });
});

describe('the study comparison counts a person once', () => {
  it('leaves out a response that a finished retake replaced', async () => {
    const K = 2;
    const answer = async (id: number) => {
      await saveAnswers(t.db, id, completeAnswers());
      await finishParticipant(t.db, instrument, id);
    };
    const firstRound = [];
    for (let i = 0; i < 3; i++) firstRound.push(await addParticipant(t.db, { studyId, companyId, companyName: 'Acme', role: 'rep' }));
    for (const p of firstRound) await answer(p.id);
    const people = async () => {
      const counts = (await studyStatsSource(t.db, instrument, studyId, K)).points('all').get('')!.get('velocity')!;
      return counts.reduce((n, b) => n + b.n, 0);
    };
    expect(await people()).toBe(3);
    await insertWave(t.db, studyId, token);
    for (const p of firstRound) {
      const again = await startRetake(t.db, instrument, p.id);
      if (!again.ok) throw new Error(again.refused);
      await answer(again.participant.id);
    }
    // Six responses, three people: the comparison counts three.
    expect(await people()).toBe(3);
  });
});
