import { eq } from 'drizzle-orm';
import type { Participant } from '../../../../db/schema.ts';
import { participants, studies } from '../../../../db/pg/schema.ts';
import { pgRead, type PgStore } from '../../data/store.ts';

/** The later response that retakes this one, if any (the first by id, as SQLite's index finds it). */
export async function findRetakeOf(db: PgStore, participantId: number): Promise<Participant | undefined> {
  return pgRead(db, async (h) => (await h.select().from(participants).where(eq(participants.previousId, participantId)).orderBy(participants.id).limit(1))[0]);
}

export async function studyNameAndStatus(db: PgStore, studyId: number): Promise<{ name: string; status: 'open' | 'closed' } | undefined> {
  return pgRead(db, async (h) => (await h.select({ name: studies.name, status: studies.status }).from(studies).where(eq(studies.id, studyId)))[0]);
}
