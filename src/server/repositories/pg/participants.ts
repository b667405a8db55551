import { and, eq, like, sql } from 'drizzle-orm';
import type { NewParticipant, Participant } from '../../../../db/schema.ts';
import { answers, participantNumbers, participants } from '../../../../db/pg/schema.ts';
import type { Answers } from '../../../domain/answers.ts';
import { NumberFieldIds } from '../../../domain/instrument.ts';
import type { YourNumbers } from '../../../domain/profile.ts';
import { pgRead, pgWrite, type PgStore } from '../../data/store.ts';
import { SYNTHETIC_PREFIX } from '../bulk.ts';
import { bytewise } from './collation.ts';

export async function insertParticipant(db: PgStore, row: NewParticipant): Promise<Participant> {
  return pgWrite(db, async (h) => (await h.insert(participants).values(row).returning())[0]!);
}

export async function findParticipant(db: PgStore, id: number): Promise<Participant | undefined> {
  return pgRead(db, async (h) => (await h.select().from(participants).where(eq(participants.id, id)))[0]);
}

export async function findParticipantByResumeHash(db: PgStore, hash: string): Promise<Participant | undefined> {
  return pgRead(db, async (h) => (await h.select().from(participants).where(eq(participants.resumeTokenHash, hash)))[0]);
}

/** Rows per INSERT: far below PostgreSQL's 65,535 bound parameters (three per row). */
const ANSWER_ROWS_PER_INSERT = 5_000;

/**
 * Upserts one page of answers and moves updatedAt, in one transaction (the
 * caller's, or one of its own): a multi-row upsert per statement rather than
 * a round trip per answer. A retried post stores the same rows again. In the
 * caller's transaction a failure aborts that whole transaction (PostgreSQL
 * runs nothing more in it), where SQLite rolls back only a savepoint; no
 * caller goes on after a failed save, so the outcome is the same.
 */
export async function saveAnswers(db: PgStore, participantId: number, values: Answers): Promise<void> {
  // In key order: two saves of one participant at once (two app servers) lock the rows in the same order, so they
  // queue instead of deadlocking.
  const rows = Object.entries(values)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([itemId, value]) => ({ participantId, itemId, value }));
  if (rows.length === 0) return;
  const at = new Date();
  await pgWrite(db, async (h) => {
    for (let i = 0; i < rows.length; i += ANSWER_ROWS_PER_INSERT) {
      await h
        .insert(answers)
        .values(rows.slice(i, i + ANSWER_ROWS_PER_INSERT))
        .onConflictDoUpdate({ target: [answers.participantId, answers.itemId], set: { value: sql`excluded.value` } });
    }
    await h.update(participants).set({ updatedAt: at }).where(eq(participants.id, participantId));
  });
}

export async function loadAnswers(db: PgStore, participantId: number): Promise<Record<string, string>> {
  // In the primary key's order, as SQLite reads them.
  const rows = await pgRead(db, (h) =>
    h.select({ itemId: answers.itemId, value: answers.value }).from(answers).where(eq(answers.participantId, participantId)).orderBy(bytewise(answers.itemId)),
  );
  return Object.fromEntries(rows.map((r) => [r.itemId, r.value]));
}

/** Replaces the participant's numbers: a field left blank this time is cleared, not kept. */
export async function saveNumbers(db: PgStore, participantId: number, numbers: YourNumbers): Promise<void> {
  const given = numbers as Record<string, number | string | undefined>;
  const row = Object.fromEntries(NumberFieldIds.map((id) => [id, given[id] ?? null]));
  await pgWrite(db, (h) =>
    h
      .insert(participantNumbers)
      .values({ participantId, ...row })
      .onConflictDoUpdate({ target: participantNumbers.participantId, set: row }),
  );
}

export async function loadNumbers(db: PgStore, participantId: number): Promise<YourNumbers | null> {
  const row = (await pgRead(db, (h) => h.select().from(participantNumbers).where(eq(participantNumbers.participantId, participantId))))[0];
  if (!row) return null;
  const { participantId: _id, ...fields } = row;
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)) as YourNumbers;
}

export async function markCompleted(db: PgStore, participantId: number, at: Date): Promise<void> {
  await pgWrite(db, (h) => h.update(participants).set({ status: 'completed', completedAt: at, updatedAt: at }).where(eq(participants.id, participantId)));
}

/** Removes the participant and, by cascade, its answers, numbers and scores. */
export async function deleteParticipant(db: PgStore, participantId: number): Promise<void> {
  await pgWrite(db, (h) => h.delete(participants).where(eq(participants.id, participantId)));
}

/** Completed participants of one company, by id (the order SQLite's company index gives). */
export async function completedOfCompany(db: PgStore, companyId: number): Promise<Participant[]> {
  return pgRead(db, (h) =>
    h
      .select()
      .from(participants)
      .where(and(eq(participants.companyId, companyId), eq(participants.status, 'completed')))
      .orderBy(participants.id),
  );
}

/**
 * The first synthetic (seeded) participant that gave numbers: the sample
 * report. Never a real participant, whose report is private to them. (LIKE
 * is case-sensitive here, unlike SQLite's; the prefix is written lower-case
 * and a real hash is hex, so both match the same rows.)
 */
export async function firstWithNumbers(db: PgStore): Promise<Participant | undefined> {
  const rows = await pgRead(db, (h) =>
    h
      .select()
      .from(participants)
      .innerJoin(participantNumbers, eq(participantNumbers.participantId, participants.id))
      .where(and(eq(participants.status, 'completed'), like(participants.resumeTokenHash, `${SYNTHETIC_PREFIX}%`)))
      .orderBy(participants.id)
      .limit(1),
  );
  return rows[0]?.participants;
}
