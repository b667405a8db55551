import { and, eq, like, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { participantNumbers, participants, type NewParticipant, type Participant } from '../../../db/schema.ts';
import type { Answers } from '../../domain/answers.ts';
import { NumberFieldIds } from '../../domain/instrument.ts';
import { SYNTHETIC_PREFIX } from './bulk.ts';
import { inTransaction, prepared, preparedQuery } from './prepared.ts';
import type { YourNumbers } from '../../domain/profile.ts';

export function insertParticipant(db: Db, row: NewParticipant): Participant {
  // .all(), not .get(): get() returns the row and ignores a commit that fails after it (a full disk), all() throws.
  return db.insert(participants).values(row).returning().all()[0]!;
}

// Read on every page and save of a participant: prepared once (src/server/repositories/prepared.ts).
export function findParticipant(db: Db, id: number): Participant | undefined {
  return preparedQuery(db, 'participant-by-id', (d) => d.select().from(participants).where(eq(participants.id, sql.placeholder('id'))).prepare()).get({ id });
}

export function findParticipantByResumeHash(db: Db, hash: string): Participant | undefined {
  return preparedQuery(db, 'participant-by-resume-hash', (d) =>
    d.select().from(participants).where(eq(participants.resumeTokenHash, sql.placeholder('hash'))).prepare(),
  ).get({ hash });
}

/** Upserts one page of answers in one transaction: a retried post stores the same rows again. */
export function saveAnswers(db: Db, participantId: number, values: Answers): void {
  const rows = Object.entries(values);
  if (rows.length === 0) return;
  inTransaction(db, 'save-answers', storeAnswers)(db, participantId, rows, Date.now());
}

function storeAnswers(db: Db, participantId: number, rows: [string, string][], at: number): void {
  const upsert = prepared(db, 'INSERT INTO answers (participant_id, item_id, value) VALUES (?, ?, ?) ON CONFLICT (participant_id, item_id) DO UPDATE SET value = excluded.value');
  for (const [itemId, value] of rows) upsert.run(participantId, itemId, value);
  prepared(db, 'UPDATE participants SET updated_at = ? WHERE id = ?').run(at, participantId);
}

export function loadAnswers(db: Db, participantId: number): Record<string, string> {
  const rows = prepared(db, 'SELECT item_id AS itemId, value FROM answers WHERE participant_id = ?').all(participantId) as { itemId: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.itemId, r.value]));
}

/** Replaces the participant's numbers: a field left blank this time is cleared, not kept. */
export function saveNumbers(db: Db, participantId: number, numbers: YourNumbers): void {
  const given = numbers as Record<string, number | string | undefined>;
  const row = Object.fromEntries(NumberFieldIds.map((id) => [id, given[id] ?? null]));
  db.insert(participantNumbers)
    .values({ participantId, ...row })
    .onConflictDoUpdate({ target: participantNumbers.participantId, set: row })
    .run();
}

export function loadNumbers(db: Db, participantId: number): YourNumbers | null {
  const row = db.select().from(participantNumbers).where(eq(participantNumbers.participantId, participantId)).get();
  if (!row) return null;
  const { participantId: _id, ...fields } = row;
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)) as YourNumbers;
}

export function markCompleted(db: Db, participantId: number, at: Date): void {
  db.update(participants)
    .set({ status: 'completed', completedAt: at, updatedAt: at })
    .where(eq(participants.id, participantId))
    .run();
}

/** Removes the participant and, by cascade, its answers, numbers and scores. */
export function deleteParticipant(db: Db, participantId: number): void {
  db.delete(participants).where(eq(participants.id, participantId)).run();
}

/** Completed participants of one company (a company exists only through a study's company link). */
export function completedOfCompany(db: Db, companyId: number): Participant[] {
  return db
    .select()
    .from(participants)
    .where(and(eq(participants.companyId, companyId), eq(participants.status, 'completed')))
    .all();
}

/**
 * The first synthetic (seeded) participant that gave numbers: the sample
 * report. Never a real participant, whose report is private to them.
 */
export function firstWithNumbers(db: Db): Participant | undefined {
  return db
    .select()
    .from(participants)
    .innerJoin(participantNumbers, eq(participantNumbers.participantId, participants.id))
    .where(and(eq(participants.status, 'completed'), like(participants.resumeTokenHash, `${SYNTHETIC_PREFIX}%`)))
    .orderBy(participants.id)
    .limit(1)
    .get()?.participants;
}
