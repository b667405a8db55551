import { and, count, eq, gt, sql } from 'drizzle-orm';
import type { Consultant } from '../../../../db/schema.ts';
import { consultants, sessions, studies } from '../../../../db/pg/schema.ts';
import { pgRead, pgWrite, type PgStore } from '../../data/store.ts';
import { bytewise } from './collation.ts';

export async function findConsultantByEmail(db: PgStore, email: string): Promise<Consultant | undefined> {
  return pgRead(db, async (h) => (await h.select().from(consultants).where(eq(consultants.email, email)))[0]);
}

export async function insertConsultant(db: PgStore, row: { email: string; name?: string; passwordHash: string }): Promise<Consultant> {
  return pgWrite(db, async (h) => (await h.insert(consultants).values(row).returning())[0]!);
}

export async function listConsultants(db: PgStore, now: Date) {
  return pgRead(db, (h) => {
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
        // count() is int8: a number through db/pg/client.ts's parser, mapped here as well so it never depends on it.
        studies: sql<number>`(${studyCount})`.mapWith(Number),
        liveSessions: sql<number>`(${sessionCount})`.mapWith(Number),
      })
      .from(consultants)
      // SQLite's default collation is binary, as is "C": the same order whatever the database's locale.
      .orderBy(bytewise(consultants.email));
  });
}

export async function studyCountOf(db: PgStore, consultantId: number): Promise<number> {
  return pgRead(db, async (h) => (await h.select({ n: count() }).from(studies).where(eq(studies.consultantId, consultantId)))[0]!.n);
}

export async function updateConsultant(db: PgStore, id: number, changes: { passwordHash?: string; disabledAt?: Date | null }): Promise<void> {
  await pgWrite(db, (h) => h.update(consultants).set(changes).where(eq(consultants.id, id)));
}

export async function deleteConsultantRow(db: PgStore, id: number): Promise<void> {
  await pgWrite(db, (h) => h.delete(consultants).where(eq(consultants.id, id)));
}

export async function setWeeklySummary(db: PgStore, id: number, on: boolean): Promise<void> {
  await pgWrite(db, (h) => h.update(consultants).set({ weeklySummary: on }).where(eq(consultants.id, id)));
}
