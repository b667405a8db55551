import { eq } from 'drizzle-orm';
import type { Participant, ScoreRow } from '../../../../db/schema.ts';
import { answers, participants, scores } from '../../../../db/pg/schema.ts';
import { pgRead, type PgStore } from '../../data/store.ts';
import { bytewise } from './collation.ts';

export async function participantsOfStudyById(db: PgStore, studyId: number): Promise<Participant[]> {
  return pgRead(db, (h) => h.select().from(participants).where(eq(participants.studyId, studyId)).orderBy(participants.id));
}

export async function scoresOfStudy(db: PgStore, studyId: number): Promise<ScoreRow[]> {
  const rows = await pgRead(db, (h) =>
    h
      .select({ s: scores })
      .from(scores)
      .innerJoin(participants, eq(participants.id, scores.participantId))
      .where(eq(participants.studyId, studyId))
      .orderBy(scores.participantId),
  );
  return rows.map(({ s }) => s);
}

export async function answersOfStudy(db: PgStore, studyId: number): Promise<{ participantId: number; itemId: string; value: string }[]> {
  return pgRead(db, (h) =>
    h
      .select({ participantId: answers.participantId, itemId: answers.itemId, value: answers.value })
      .from(answers)
      .innerJoin(participants, eq(participants.id, answers.participantId))
      .where(eq(participants.studyId, studyId))
      .orderBy(answers.participantId, bytewise(answers.itemId)),
  );
}
