import { and, count, eq, isNotNull } from 'drizzle-orm';
import { participants } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgStudyProgress from './pg/study-progress.ts';

/** Counts keyed by company id; the study's own link (no company) under null. */
export type CountsByCompany = Map<number | null, number>;

/** Who started and who finished in one wave, per company: progress only, nobody's answers or scores. */
export async function progressOfWave(db: Store, studyId: number, waveId: number): Promise<{ started: CountsByCompany; completed: CountsByCompany }> {
  if (db.backend === 'pg') return pgStudyProgress.progressOfWave(db, studyId, waveId);
  const rows = await onSqlite(db, (h) =>
    h
      .select({ companyId: participants.companyId, status: participants.status, n: count() })
      .from(participants)
      .where(and(eq(participants.studyId, studyId), eq(participants.waveId, waveId)))
      .groupBy(participants.companyId, participants.status)
      .all(),
  );
  const started: CountsByCompany = new Map();
  const completed: CountsByCompany = new Map();
  for (const r of rows) {
    started.set(r.companyId, (started.get(r.companyId) ?? 0) + r.n);
    if (r.status === 'completed') completed.set(r.companyId, (completed.get(r.companyId) ?? 0) + r.n);
  }
  return { started, completed };
}

/** When each completion of the wave happened, for the completion-over-time chart. */
export async function completionTimesOfWave(db: Store, studyId: number, waveId: number): Promise<Date[]> {
  if (db.backend === 'pg') return pgStudyProgress.completionTimesOfWave(db, studyId, waveId);
  const rows = await onSqlite(db, (h) =>
    h
      .select({ at: participants.completedAt })
      .from(participants)
      .where(and(eq(participants.studyId, studyId), eq(participants.waveId, waveId), eq(participants.status, 'completed'), isNotNull(participants.completedAt)))
      .all(),
  );
  return rows.map((r) => r.at!);
}

/** A row of the consultant's studies table: the study and its current round's progress. */
export interface StudySummary {
  id: number;
  name: string;
  status: 'open' | 'closed';
  createdAt: Date;
  round: number;
  companies: number;
  invited: number;
  started: number;
  completed: number;
}

/** Every study of the consultant, newest first, with counts for its latest wave: a few grouped counts, not a query per study. */
export async function studySummaries(db: Store, consultantId: number): Promise<StudySummary[]> {
  if (db.backend === 'pg') return pgStudyProgress.studySummaries(db, consultantId);
  const rows = await onSqlite(db, (h) =>
    h.$client
      .prepare(
        `SELECT s.id, s.name, s.status, s.created_at AS createdAt,
                w.id AS waveId, coalesce(w.number, 1) AS round,
                (SELECT count(*) FROM companies c WHERE c.study_id = s.id) AS companies,
                (SELECT count(*) FROM invitations i WHERE i.study_id = s.id AND i.wave_id = w.id) AS invited,
                (SELECT count(*) FROM participants p WHERE p.study_id = s.id AND p.wave_id = w.id) AS started,
                (SELECT count(*) FROM participants p WHERE p.study_id = s.id AND p.wave_id = w.id AND p.status = 'completed') AS completed
           FROM studies s
           LEFT JOIN study_waves w ON w.study_id = s.id AND w.number = (SELECT max(number) FROM study_waves x WHERE x.study_id = s.id)
          WHERE s.consultant_id = ?
          ORDER BY s.created_at DESC, s.id DESC`,
      )
      .all(consultantId) as (Omit<StudySummary, 'createdAt'> & { createdAt: number; waveId: number | null })[],
  );
  return rows.map(({ waveId: _wave, ...r }) => ({ ...r, createdAt: new Date(r.createdAt) }));
}
