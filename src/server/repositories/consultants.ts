import { and, count, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { consultants, sessions, studies, type Consultant } from '../../../db/schema.ts';

export function findConsultantByEmail(db: Db, email: string): Consultant | undefined {
  return db.select().from(consultants).where(eq(consultants.email, email)).get();
}

export function insertConsultant(db: Db, row: { email: string; name?: string; passwordHash: string }): Consultant {
  // .all(), not .get(): get() returns the row and ignores a commit that fails after it (a full disk), all() throws.
  return db.insert(consultants).values(row).returning().all()[0]!;
}

/** Every consultant with how many studies and live sessions they have, by e-mail address. */
export function listConsultants(db: Db, now: Date) {
  const studyCount = db.select({ n: count() }).from(studies).where(eq(studies.consultantId, consultants.id));
  const sessionCount = db
    .select({ n: count() })
    .from(sessions)
    .where(and(eq(sessions.consultantId, consultants.id), gt(sessions.expiresAt, now)));
  return db
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
}

export function studyCountOf(db: Db, consultantId: number): number {
  return db.select({ n: count() }).from(studies).where(eq(studies.consultantId, consultantId)).get()!.n;
}

export function updateConsultant(db: Db, id: number, changes: { passwordHash?: string; disabledAt?: Date | null }): void {
  db.update(consultants).set(changes).where(eq(consultants.id, id)).run();
}

export function deleteConsultantRow(db: Db, id: number): void {
  db.delete(consultants).where(eq(consultants.id, id)).run();
}

/** Turns the weekly summary e-mail on or off (src/server/mail/summary.ts sends it). */
export function setWeeklySummary(db: Db, id: number, on: boolean): void {
  db.update(consultants).set({ weeklySummary: on }).where(eq(consultants.id, id)).run();
}
