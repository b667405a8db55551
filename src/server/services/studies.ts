import type { Consultant } from '../../../db/schema.ts';
import { transaction, type Store } from '../data/store.ts';
import { safeText } from '../../domain/safe-text.ts';
import { newToken } from '../auth/tokens.ts';
import { insertCompany, insertStudy, latestWaveOf, studyOf, updateStudy } from '../repositories/studies.ts';
import { startNewWave } from './waves.ts';

export const NameSchema = safeText({ field: 'The name', max: 120, required: 'Enter a name.', tooLong: 'Keep the name to 120 characters.' });

export type Created<T> = { ok: true; value: T } | { ok: false; error: string };

function parseName(raw: unknown): Created<string> {
  const name = NameSchema.safeParse(raw ?? '');
  return name.success ? { ok: true, value: name.data } : { ok: false, error: name.error.issues[0]!.message };
}

export async function createStudy(db: Store, consultant: Consultant, rawName: unknown): Promise<Created<{ id: number }>> {
  const name = parseName(rawName);
  return name.ok ? { ok: true, value: await insertStudy(db, consultant.id, name.value, newToken()) } : name;
}

/**
 * One change to one of the consultant's own studies, from the study page's
 * forms: rename, close, reopen, add a company-specific invite link, or start a new round. Null
 * when the study is not theirs (the page answers 404).
 */
export async function changeStudy(store: Store, consultant: Consultant, studyId: number, form: Record<string, string>): Promise<Created<null> | null> {
  // One transaction holding the whole database (no lock keys): a close is then never half-way through a start or
  // finish of another instance, and two presses of "new round" read the round one after the other, so only one starts it.
  return transaction(store, (db) => changeStudyIn(db, consultant, studyId, form));
}

async function changeStudyIn(db: Store, consultant: Consultant, studyId: number, form: Record<string, string>): Promise<Created<null> | null> {
  if (!(await studyOf(db, consultant.id, studyId))) return null;
  switch (form.action) {
    case 'rename':
    case 'add-company': {
      const name = parseName(form.name);
      if (!name.ok) return name;
      if (form.action === 'rename') await updateStudy(db, studyId, { name: name.value });
      else await insertCompany(db, studyId, name.value, newToken());
      return { ok: true, value: null };
    }
    case 'close':
    case 'reopen':
      await updateStudy(db, studyId, { status: form.action === 'close' ? 'closed' : 'open' });
      return { ok: true, value: null };
    case 'new-round': {
      // The form names the round it was shown with: a second press (double click, a retry) starts nothing more.
      if (form.from !== String((await latestWaveOf(db, studyId))?.number)) return { ok: true, value: null };
      if (form.confirm !== 'yes') return { ok: false, error: 'Tick the box to confirm: starting a new round retires the current links.' };
      const started = await startNewWave(db, consultant, studyId);
      if (!started.ok) return { ok: false, error: started.reason === 'closed' ? 'Reopen the study first: a new round of a closed study could take nobody.' : 'Unknown study.' };
      return { ok: true, value: null };
    }
    default:
      return { ok: false, error: 'Unknown action.' };
  }
}
