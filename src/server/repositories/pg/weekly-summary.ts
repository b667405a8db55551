import { and, count, eq, isNull, lte, or } from 'drizzle-orm';
import type { Consultant } from '../../../../db/schema.ts';
import { consultants, invitations, participants, studies } from '../../../../db/pg/schema.ts';
import { pgRead, pgWrite, type PgStore } from '../../data/store.ts';
import { bytewise } from './collation.ts';

export async function consultantsDueSummary(db: PgStore, weekAgo: Date): Promise<Consultant[]> {
  return pgRead(db, (h) =>
    h
      .select()
      .from(consultants)
      .where(and(eq(consultants.weeklySummary, true), isNull(consultants.disabledAt), or(isNull(consultants.summaryQueuedAt), lte(consultants.summaryQueuedAt, weekAgo))))
      .orderBy(consultants.id),
  );
}

export async function openStudiesOf(db: PgStore, consultantId: number): Promise<{ id: number; name: string }[]> {
  return pgRead(db, (h) =>
    h
      .select({ id: studies.id, name: studies.name })
      .from(studies)
      .where(and(eq(studies.consultantId, consultantId), eq(studies.status, 'open')))
      // SQLite's binary collation, whatever the database's locale; the id breaks ties as SQLite's rowid order does.
      .orderBy(bytewise(studies.name), studies.id),
  );
}

export async function peopleOfStudy(db: PgStore, studyId: number): Promise<{ status: 'in_progress' | 'completed'; completedAt: Date | null }[]> {
  return pgRead(db, (h) =>
    h.select({ status: participants.status, completedAt: participants.completedAt }).from(participants).where(eq(participants.studyId, studyId)).orderBy(participants.id),
  );
}

export async function invitedCountOfStudy(db: PgStore, studyId: number): Promise<number> {
  return pgRead(db, async (h) => (await h.select({ n: count() }).from(invitations).where(eq(invitations.studyId, studyId)))[0]?.n ?? 0);
}

export async function markSummaryQueued(db: PgStore, consultantId: number, now: Date): Promise<void> {
  await pgWrite(db, (h) => h.update(consultants).set({ summaryQueuedAt: now }).where(eq(consultants.id, consultantId)));
}
