import { and, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { participants, studies, studyWaves } from '../../../../db/pg/schema.ts';
import { pgRead, type PgStore } from '../../data/store.ts';
import type { CountsByCompany, StudySummary } from '../study-progress.ts';

export async function progressOfWave(db: PgStore, studyId: number, waveId: number): Promise<{ started: CountsByCompany; completed: CountsByCompany }> {
  const rows = await pgRead(db, (h) =>
    h
      .select({ companyId: participants.companyId, status: participants.status, n: count() })
      .from(participants)
      .where(and(eq(participants.studyId, studyId), eq(participants.waveId, waveId)))
      .groupBy(participants.companyId, participants.status)
      .orderBy(sql`${participants.companyId} asc nulls first`, participants.status),
  );
  const started: CountsByCompany = new Map();
  const completed: CountsByCompany = new Map();
  for (const r of rows) {
    started.set(r.companyId, (started.get(r.companyId) ?? 0) + r.n);
    if (r.status === 'completed') completed.set(r.companyId, (completed.get(r.companyId) ?? 0) + r.n);
  }
  return { started, completed };
}

export async function completionTimesOfWave(db: PgStore, studyId: number, waveId: number): Promise<Date[]> {
  const rows = await pgRead(db, (h) =>
    h
      .select({ at: participants.completedAt })
      .from(participants)
      .where(and(eq(participants.studyId, studyId), eq(participants.waveId, waveId), eq(participants.status, 'completed'), isNotNull(participants.completedAt)))
      .orderBy(participants.id),
  );
  return rows.map((r) => r.at!);
}

export async function studySummaries(db: PgStore, consultantId: number): Promise<StudySummary[]> {
  // The same statement as SQLite's, through the query builder so that created_at is read as a Date.
  const figure = (q: ReturnType<typeof sql>) => sql<number>`(${q})`.mapWith(Number);
  const rows = await pgRead(db, (h) =>
    h
      .select({
        id: studies.id,
        name: studies.name,
        status: studies.status,
        createdAt: studies.createdAt,
        round: sql<number>`coalesce(${studyWaves.number}, 1)`.mapWith(Number),
        companies: figure(sql`select count(*) from companies c where c.study_id = ${studies.id}`),
        invited: figure(sql`select count(*) from invitations i where i.study_id = ${studies.id} and i.wave_id = ${studyWaves.id}`),
        started: figure(sql`select count(*) from participants p where p.study_id = ${studies.id} and p.wave_id = ${studyWaves.id}`),
        completed: figure(sql`select count(*) from participants p where p.study_id = ${studies.id} and p.wave_id = ${studyWaves.id} and p.status = 'completed'`),
      })
      .from(studies)
      .leftJoin(
        studyWaves,
        and(eq(studyWaves.studyId, studies.id), eq(studyWaves.number, sql`(select max(x.number) from study_waves x where x.study_id = ${studies.id})`)),
      )
      .where(eq(studies.consultantId, consultantId))
      .orderBy(desc(studies.createdAt), desc(studies.id)),
  );
  return rows;
}
