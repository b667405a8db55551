import { and, eq, like, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { participantNumbers, participants, type NewParticipant, type Participant } from '../../../db/schema.ts';
import type { Answers } from '../../domain/answers.ts';
import { NumberFieldIds } from '../../domain/instrument.ts';
import { onSqlite, type Store } from '../data/store.ts';
import { SYNTHETIC_PREFIX } from './bulk.ts';
import { inTransaction, prepared, preparedQuery } from './prepared.ts';
import type { YourNumbers } from '../../domain/profile.ts';
import * as pgParticipants from './pg/participants.ts';

export async function insertParticipant(db: Store, row: NewParticipant): Promise<Participant> {
  if (db.backend === 'pg') return pgParticipants.insertParticipant(db, row);
  // .all(), not .get(): get() returns the row and ignores a commit that fails after it (a full disk), all() throws.
  return onSqlite(db, (h) => h.insert(participants).values(row).returning().all()[0]!);
}

// Read on every page and save of a participant: prepared once (src/server/repositories/prepared.ts).
export async function findParticipant(db: Store, id: number): Promise<Participant | undefined> {
  if (db.backend === 'pg') return pgParticipants.findParticipant(db, id);
  return onSqlite(db, (h) =>
    preparedQuery(h, 'participant-by-id', (d) => d.select().from(participants).where(eq(participants.id, sql.placeholder('id'))).prepare()).get({ id }),
  );
}

export async function findParticipantByResumeHash(db: Store, hash: string): Promise<Participant | undefined> {
  if (db.backend === 'pg') return pgParticipants.findParticipantByResumeHash(db, hash);
  return onSqlite(db, (h) =>
    preparedQuery(h, 'participant-by-resume-hash', (d) =>
      d.select().from(participants).where(eq(participants.resumeTokenHash, sql.placeholder('hash'))).prepare(),
    ).get({ hash }),
  );
}

/**
 * Upserts one page of answers in one transaction: a retried post stores the
 * same rows again. Given a transaction's store, a savepoint of it (the
 * transaction function sees the connection inside a transaction).
 */
export async function saveAnswers(db: Store, participantId: number, values: Answers): Promise<void> {
  if (db.backend === 'pg') return pgParticipants.saveAnswers(db, participantId, values);
  const rows = Object.entries(values);
  if (rows.length === 0) return;
  await onSqlite(db, (h) => inTransaction(h, 'save-answers', storeAnswers)(h, participantId, rows, Date.now()));
}

function storeAnswers(db: Db, participantId: number, rows: [string, string][], at: number): void {
  const upsert = prepared(db, 'INSERT INTO answers (participant_id, item_id, value) VALUES (?, ?, ?) ON CONFLICT (participant_id, item_id) DO UPDATE SET value = excluded.value');
  for (const [itemId, value] of rows) upsert.run(participantId, itemId, value);
  prepared(db, 'UPDATE participants SET updated_at = ? WHERE id = ?').run(at, participantId);
}

function loadAnswersOn(h: Db, participantId: number): Record<string, string> {
  const rows = prepared(h, 'SELECT item_id AS itemId, value FROM answers WHERE participant_id = ?').all(participantId) as { itemId: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.itemId, r.value]));
}

export async function loadAnswers(db: Store, participantId: number): Promise<Record<string, string>> {
  if (db.backend === 'pg') return pgParticipants.loadAnswers(db, participantId);
  return onSqlite(db, (h) => loadAnswersOn(h, participantId));
}

/** Replaces the participant's numbers: a field left blank this time is cleared, not kept. */
export async function saveNumbers(db: Store, participantId: number, numbers: YourNumbers): Promise<void> {
  if (db.backend === 'pg') return pgParticipants.saveNumbers(db, participantId, numbers);
  const given = numbers as Record<string, number | string | undefined>;
  const row = Object.fromEntries(NumberFieldIds.map((id) => [id, given[id] ?? null]));
  await onSqlite(db, (h) =>
    h
      .insert(participantNumbers)
      .values({ participantId, ...row })
      .onConflictDoUpdate({ target: participantNumbers.participantId, set: row })
      .run(),
  );
}

export async function loadNumbers(db: Store, participantId: number): Promise<YourNumbers | null> {
  if (db.backend === 'pg') return pgParticipants.loadNumbers(db, participantId);
  const row = await onSqlite(db, (h) => h.select().from(participantNumbers).where(eq(participantNumbers.participantId, participantId)).get());
  if (!row) return null;
  const { participantId: _id, ...fields } = row;
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)) as YourNumbers;
}

export async function markCompleted(db: Store, participantId: number, at: Date): Promise<void> {
  if (db.backend === 'pg') return pgParticipants.markCompleted(db, participantId, at);
  await onSqlite(db, (h) =>
    h
      .update(participants)
      .set({ status: 'completed', completedAt: at, updatedAt: at })
      .where(eq(participants.id, participantId))
      .run(),
  );
}

/** Removes the participant and, by cascade, its answers, numbers and scores. */
export async function deleteParticipant(db: Store, participantId: number): Promise<void> {
  if (db.backend === 'pg') return pgParticipants.deleteParticipant(db, participantId);
  await onSqlite(db, (h) => h.delete(participants).where(eq(participants.id, participantId)).run());
}

/** Completed participants of one company (a company exists only through a study's company link). */
export async function completedOfCompany(db: Store, companyId: number): Promise<Participant[]> {
  if (db.backend === 'pg') return pgParticipants.completedOfCompany(db, companyId);
  return onSqlite(db, (h) =>
    h
      .select()
      .from(participants)
      .where(and(eq(participants.companyId, companyId), eq(participants.status, 'completed')))
      .all(),
  );
}

/**
 * The first synthetic (seeded) participant that gave numbers: the sample
 * report. Never a real participant, whose report is private to them.
 */
export async function firstWithNumbers(db: Store): Promise<Participant | undefined> {
  if (db.backend === 'pg') return pgParticipants.firstWithNumbers(db);
  return onSqlite(
    db,
    (h) =>
      h
        .select()
        .from(participants)
        .innerJoin(participantNumbers, eq(participantNumbers.participantId, participants.id))
        .where(and(eq(participants.status, 'completed'), like(participants.resumeTokenHash, `${SYNTHETIC_PREFIX}%`)))
        .orderBy(participants.id)
        .limit(1)
        .get()?.participants,
  );
}
