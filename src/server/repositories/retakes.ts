import { eq } from 'drizzle-orm';
import { participants, studies, type Participant } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgRetakes from './pg/retakes.ts';

/** The queries of a finished participant's retake offer (src/server/services/retake.ts). */

/** The later response that retakes this one, if any: a response is retaken once. */
export async function findRetakeOf(db: Store, participantId: number): Promise<Participant | undefined> {
  if (db.backend === 'pg') return pgRetakes.findRetakeOf(db, participantId);
  return onSqlite(db, (h) => h.select().from(participants).where(eq(participants.previousId, participantId)).limit(1).get());
}

/** A study's name and whether it is open or closed; undefined for no such study. */
export async function studyNameAndStatus(db: Store, studyId: number): Promise<{ name: string; status: 'open' | 'closed' } | undefined> {
  if (db.backend === 'pg') return pgRetakes.studyNameAndStatus(db, studyId);
  return onSqlite(db, (h) => h.select({ name: studies.name, status: studies.status }).from(studies).where(eq(studies.id, studyId)).get());
}
