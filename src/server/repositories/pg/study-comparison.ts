import { and, count, eq, sql } from 'drizzle-orm';
import { participants, scores, studyWaves } from '../../../../db/pg/schema.ts';
import { pgRead, type PgStore } from '../../data/store.ts';

export async function studyScoreSetOf(db: PgStore, studyId: number): Promise<{ n: number; ids: number }> {
  const rows = await pgRead(db, (h) =>
    h
      .select({ n: count(), ids: sql<number>`coalesce(sum(${scores.participantId}), 0)`.mapWith(Number) })
      .from(scores)
      .where(eq(scores.studyId, studyId)),
  );
  return rows[0]!;
}

export async function completedOfStudyByRound(
  db: PgStore,
  studyId: number,
): Promise<{ id: number; companyId: number | null; waveId: number | null; round: number | null }[]> {
  return pgRead(db, (h) =>
    h
      .select({ id: participants.id, companyId: participants.companyId, waveId: participants.waveId, round: studyWaves.number })
      .from(participants)
      .leftJoin(studyWaves, eq(studyWaves.id, participants.waveId))
      .where(and(eq(participants.studyId, studyId), eq(participants.status, 'completed')))
      .orderBy(participants.id),
  );
}
