import type { Consultant, StudyWave } from '../../../db/schema.ts';
import type { Store } from '../data/store.ts';
import { newToken } from '../auth/tokens.ts';
import { insertWave, studyOf } from '../repositories/studies.ts';

export type NewWaveOutcome = { ok: true; wave: StudyWave } | { ok: false; reason: 'not-found' | 'closed' };

/**
 * Starts the next round of one of the consultant's own studies: the same
 * companies, each with a new invite link; the earlier round's links stop
 * taking new participants. `not-found` for a study that is not theirs (the
 * page answers 404, revealing nothing); `closed` for a closed study, which
 * must be reopened first, since a new round of a closed study could take
 * nobody.
 */
export async function startNewWave(db: Store, consultant: Consultant, studyId: number): Promise<NewWaveOutcome> {
  const study = await studyOf(db, consultant.id, studyId);
  if (!study) return { ok: false, reason: 'not-found' };
  if (study.status !== 'open') return { ok: false, reason: 'closed' };
  return { ok: true, wave: await insertWave(db, studyId, newToken) };
}
