import { eq } from 'drizzle-orm';
import { answers, participants, scores, type Participant, type ScoreRow } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgStudyExports from './pg/study-exports.ts';

/** Reads for a study's CSV exports (src/server/services/exports.ts). */

/** Every participant of a study, by id. */
export async function participantsOfStudyById(db: Store, studyId: number): Promise<Participant[]> {
  if (db.backend === 'pg') return pgStudyExports.participantsOfStudyById(db, studyId);
  return onSqlite(db, (h) => h.select().from(participants).where(eq(participants.studyId, studyId)).orderBy(participants.id).all());
}

/** The score rows of a study's participants. */
export async function scoresOfStudy(db: Store, studyId: number): Promise<ScoreRow[]> {
  if (db.backend === 'pg') return pgStudyExports.scoresOfStudy(db, studyId);
  return onSqlite(db, (h) =>
    h
      .select({ s: scores })
      .from(scores)
      .innerJoin(participants, eq(participants.id, scores.participantId))
      .where(eq(participants.studyId, studyId))
      .all()
      .map(({ s }) => s),
  );
}

/** Every answer of a study's participants. */
export async function answersOfStudy(db: Store, studyId: number): Promise<{ participantId: number; itemId: string; value: string }[]> {
  if (db.backend === 'pg') return pgStudyExports.answersOfStudy(db, studyId);
  // A join rather than a list of ids: a large study would exceed SQLite's limit on bound values.
  return onSqlite(db, (h) =>
    h
      .select({ participantId: answers.participantId, itemId: answers.itemId, value: answers.value })
      .from(answers)
      .innerJoin(participants, eq(participants.id, answers.participantId))
      .where(eq(participants.studyId, studyId))
      .all(),
  );
}
