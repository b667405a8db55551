import { and, count, eq, isNull, lte, or } from 'drizzle-orm';
import { consultants, invitations, participants, studies, type Consultant } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgWeeklySummary from './pg/weekly-summary.ts';

/** The queries of the weekly summary mail (src/server/mail/summary.ts). */

/** Consultants who asked for the summary and have not had one queued since `weekAgo`. */
export async function consultantsDueSummary(db: Store, weekAgo: Date): Promise<Consultant[]> {
  if (db.backend === 'pg') return pgWeeklySummary.consultantsDueSummary(db, weekAgo);
  return onSqlite(db, (h) =>
    h
      .select()
      .from(consultants)
      .where(and(eq(consultants.weeklySummary, true), isNull(consultants.disabledAt), or(isNull(consultants.summaryQueuedAt), lte(consultants.summaryQueuedAt, weekAgo))))
      .all(),
  );
}

/** The consultant's open studies, by name. */
export async function openStudiesOf(db: Store, consultantId: number): Promise<{ id: number; name: string }[]> {
  if (db.backend === 'pg') return pgWeeklySummary.openStudiesOf(db, consultantId);
  return onSqlite(db, (h) =>
    h.select({ id: studies.id, name: studies.name }).from(studies).where(and(eq(studies.consultantId, consultantId), eq(studies.status, 'open'))).orderBy(studies.name).all(),
  );
}

/** Status and finishing time of everyone in the study: counts only, nobody's answers. */
export async function peopleOfStudy(db: Store, studyId: number): Promise<{ status: 'in_progress' | 'completed'; completedAt: Date | null }[]> {
  if (db.backend === 'pg') return pgWeeklySummary.peopleOfStudy(db, studyId);
  return onSqlite(db, (h) => h.select({ status: participants.status, completedAt: participants.completedAt }).from(participants).where(eq(participants.studyId, studyId)).all());
}

/** How many invitations the study has. */
export async function invitedCountOfStudy(db: Store, studyId: number): Promise<number> {
  if (db.backend === 'pg') return pgWeeklySummary.invitedCountOfStudy(db, studyId);
  return onSqlite(db, (h) => h.select({ n: count() }).from(invitations).where(eq(invitations.studyId, studyId)).get()?.n ?? 0);
}

/** Notes that the consultant's summary of this week was looked at (queued, or nothing to send). */
export async function markSummaryQueued(db: Store, consultantId: number, now: Date): Promise<void> {
  if (db.backend === 'pg') return pgWeeklySummary.markSummaryQueued(db, consultantId, now);
  await onSqlite(db, (h) => h.update(consultants).set({ summaryQueuedAt: now }).where(eq(consultants.id, consultantId)).run());
}
