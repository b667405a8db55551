import { and, count, eq, gt, sql } from 'drizzle-orm';
import { consultants, sessions, studies, type Consultant } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgConsultants from './pg/consultants.ts';

export async function findConsultantByEmail(db: Store, email: string): Promise<Consultant | undefined> {
  if (db.backend === 'pg') return pgConsultants.findConsultantByEmail(db, email);
  return onSqlite(db, (h) => h.select().from(consultants).where(eq(consultants.email, email)).get());
}

export async function insertConsultant(db: Store, row: { email: string; name?: string; passwordHash: string }): Promise<Consultant> {
  if (db.backend === 'pg') return pgConsultants.insertConsultant(db, row);
  // .all(), not .get(): get() returns the row and ignores a commit that fails after it (a full disk), all() throws.
  return onSqlite(db, (h) => h.insert(consultants).values(row).returning().all()[0]!);
}

/** Every consultant with how many studies and live sessions they have, by e-mail address. */
export async function listConsultants(db: Store, now: Date) {
  if (db.backend === 'pg') return pgConsultants.listConsultants(db, now);
  return onSqlite(db, (h) => {
    const studyCount = h.select({ n: count() }).from(studies).where(eq(studies.consultantId, consultants.id));
    const sessionCount = h
      .select({ n: count() })
      .from(sessions)
      .where(and(eq(sessions.consultantId, consultants.id), gt(sessions.expiresAt, now)));
    return h
      .select({
        id: consultants.id,
        email: consultants.email,
        name: consultants.name,
        createdAt: consultants.createdAt,
        disabledAt: consultants.disabledAt,
        studies: sql<number>`(${studyCount})`,
        liveSessions: sql<number>`(${sessionCount})`,
      })
      .from(consultants)
      .orderBy(consultants.email)
      .all();
  });
}

export async function studyCountOf(db: Store, consultantId: number): Promise<number> {
  if (db.backend === 'pg') return pgConsultants.studyCountOf(db, consultantId);
  return onSqlite(db, (h) => h.select({ n: count() }).from(studies).where(eq(studies.consultantId, consultantId)).get()!.n);
}

export async function updateConsultant(db: Store, id: number, changes: { passwordHash?: string; disabledAt?: Date | null }): Promise<void> {
  if (db.backend === 'pg') return pgConsultants.updateConsultant(db, id, changes);
  await onSqlite(db, (h) => h.update(consultants).set(changes).where(eq(consultants.id, id)).run());
}

export async function deleteConsultantRow(db: Store, id: number): Promise<void> {
  if (db.backend === 'pg') return pgConsultants.deleteConsultantRow(db, id);
  await onSqlite(db, (h) => h.delete(consultants).where(eq(consultants.id, id)).run());
}

/** Turns the weekly summary e-mail on or off (src/server/mail/summary.ts sends it). */
export async function setWeeklySummary(db: Store, id: number, on: boolean): Promise<void> {
  if (db.backend === 'pg') return pgConsultants.setWeeklySummary(db, id, on);
  await onSqlite(db, (h) => h.update(consultants).set({ weeklySummary: on }).where(eq(consultants.id, id)).run());
}
