import { and, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../../db/client.ts';
import { companies, invitations, mailOutbox, participants, studies, studyWaves, type InvitationRow } from '../../../db/schema.ts';

export type NewInvitation = typeof invitations.$inferInsert;

export function insertInvitation(db: Db, row: NewInvitation): InvitationRow {
  return db.insert(invitations).values(row).returning().all()[0]!;
}

/** Rows per INSERT: well inside SQLite's limit of bound parameters. */
const INSERT_CHUNK = 200;

/**
 * Inserts many invitations with few statements (an upload may hold 2,000, all
 * in the request's one transaction); returns their ids in the order given.
 */
export function insertInvitations(db: Db, rows: NewInvitation[]): number[] {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const inserted = db.insert(invitations).values(rows.slice(i, i + INSERT_CHUNK)).returning({ id: invitations.id, tokenHash: invitations.tokenHash }).all();
    // RETURNING's order is not promised: match each row back by its unique placeholder.
    const byPlaceholder = new Map(inserted.map((r) => [r.tokenHash, r.id]));
    for (const row of rows.slice(i, i + INSERT_CHUNK)) ids.push(byPlaceholder.get(row.tokenHash)!);
  }
  return ids;
}

/**
 * Sets each invitation's token hash with one prepared statement. `db` is the
 * database handle, not a drizzle transaction (which has no raw connection):
 * called inside a transaction on it, the statements run in that transaction.
 */
export function setTokenHashes(db: Db, hashes: { id: number; tokenHash: string }[]): void {
  const update = db.$client.prepare('UPDATE invitations SET token_hash = ? WHERE id = ?');
  for (const h of hashes) update.run(h.tokenHash, h.id);
}

export function updateInvitation(db: Db, id: number, changes: Partial<NewInvitation>): void {
  db.update(invitations).set(changes).where(eq(invitations.id, id)).run();
}

export function findInvitation(db: Db, id: number): InvitationRow | undefined {
  return db.select().from(invitations).where(eq(invitations.id, id)).get();
}

export function findInvitationByTokenHash(db: Db, tokenHash: string): InvitationRow | undefined {
  return db.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)).get();
}

/** The address hashes already invited to this company in this wave. */
export function invitedHashes(db: Db, waveId: number, companyId: number): Set<string> {
  const rows = db
    .select({ h: invitations.emailHash })
    .from(invitations)
    .where(and(eq(invitations.waveId, waveId), eq(invitations.companyId, companyId)))
    .all();
  return new Set(rows.map((r) => r.h));
}

/** The address hashes that unsubscribed from any invitation of the study. */
export function unsubscribedHashes(db: Db, studyId: number): Set<string> {
  const rows = db
    .select({ h: invitations.emailHash })
    .from(invitations)
    .where(and(eq(invitations.studyId, studyId), isNotNull(invitations.unsubscribedAt)))
    .all();
  return new Set(rows.map((r) => r.h));
}

/** Every invitation of the study to the same address (by hash). */
export function invitationsOfAddress(db: Db, studyId: number, emailHash: string): InvitationRow[] {
  return db
    .select()
    .from(invitations)
    .where(and(eq(invitations.studyId, studyId), eq(invitations.emailHash, emailHash)))
    .all();
}

export function invitationsOfParticipant(db: Db, participantId: number): InvitationRow[] {
  return db.select().from(invitations).where(eq(invitations.participantId, participantId)).all();
}

/** Removes the invitations' messages that have not gone out yet (a reminder after completion or unsubscribe must never leave). */
export function deletePendingMail(db: Db, invitationIds: number[]): number {
  if (invitationIds.length === 0) return 0;
  return db
    .delete(mailOutbox)
    .where(and(inArray(mailOutbox.invitationId, invitationIds), eq(mailOutbox.state, 'pending')))
    .run().changes;
}

/** Replaces a participant's private link: the old token stops working at once. */
export function replaceResumeTokenHash(db: Db, participantId: number, tokenHash: string, at: Date): void {
  db.update(participants).set({ resumeTokenHash: tokenHash, updatedAt: at }).where(eq(participants.id, participantId)).run();
}

/** An invitation with the state of its latest message in the outbox, for the consultant's list. */
export interface InvitationListRow extends InvitationRow {
  /** The newest outbox row's state for this invitation; null when its rows were removed. */
  mailState: 'pending' | 'sending' | 'sent' | 'failed' | null;
  participantStatus: 'in_progress' | 'completed' | null;
}

export function invitationsOfWave(db: Db, waveId: number): InvitationListRow[] {
  const latestMail = sql<string | null>`(SELECT ${mailOutbox.state} FROM ${mailOutbox} WHERE ${mailOutbox.invitationId} = ${invitations.id} ORDER BY ${mailOutbox.id} DESC LIMIT 1)`;
  return db
    .select({ invitation: invitations, mailState: latestMail, participantStatus: participants.status })
    .from(invitations)
    .leftJoin(participants, eq(participants.id, invitations.participantId))
    .where(eq(invitations.waveId, waveId))
    .orderBy(invitations.companyId, invitations.id)
    .all()
    .map((r) => ({ ...r.invitation, mailState: r.mailState as InvitationListRow['mailState'], participantStatus: r.participantStatus }));
}

/** Per company of the wave: how many were invited and how far they got. */
export function countsOfWave(db: Db, studyId: number, waveId: number) {
  const n = (col: SQLiteColumn) => sql<number>`COUNT(${col})`.mapWith(Number);
  return db
    .select({
      companyId: invitations.companyId,
      invited: sql<number>`COUNT(*)`.mapWith(Number),
      opened: n(invitations.openedAt),
      started: n(invitations.startedAt),
      completed: n(invitations.completedAt),
      unsubscribed: n(invitations.unsubscribedAt),
    })
    .from(invitations)
    .where(and(eq(invitations.studyId, studyId), eq(invitations.waveId, waveId)))
    .groupBy(invitations.companyId)
    .all();
}

/** What a reminder needs to know about an invitation that may get one. */
export interface ReminderCandidate {
  invitation: InvitationRow;
  studyId: number;
  reminderDays: number | null;
  reminderMax: number;
  companyName: string | null;
}

/**
 * Invitations of open studies' latest waves that may still be reminded:
 * queued, address kept, not completed or unsubscribed, below the study's
 * reminder maximum. Whether one is due is the caller's rule.
 */
export function reminderCandidates(db: Db, filter: { studyId?: number; lastQueuedAtOrBefore?: Date } = {}): ReminderCandidate[] {
  const latestWave = sql`(SELECT MAX(${studyWaves.number}) FROM ${studyWaves} WHERE ${studyWaves.studyId} = ${studies.id})`;
  return db
    .select({ invitation: invitations, studyId: studies.id, reminderDays: studies.reminderDays, reminderMax: studies.reminderMax, companyName: companies.name })
    .from(invitations)
    .innerJoin(studies, eq(studies.id, invitations.studyId))
    .innerJoin(studyWaves, eq(studyWaves.id, invitations.waveId))
    .leftJoin(companies, eq(companies.id, invitations.companyId))
    .where(
      and(
        eq(studies.status, 'open'),
        sql`${studyWaves.number} = ${latestWave}`,
        isNotNull(invitations.queuedAt),
        isNotNull(invitations.email),
        isNull(invitations.completedAt),
        isNull(invitations.unsubscribedAt),
        lt(invitations.remindersQueued, studies.reminderMax),
        filter.studyId === undefined ? undefined : eq(studies.id, filter.studyId),
        filter.lastQueuedAtOrBefore === undefined ? undefined : or(isNull(invitations.lastQueuedAt), lte(invitations.lastQueuedAt, filter.lastQueuedAtOrBefore)),
      ),
    )
    .orderBy(invitations.id)
    .all();
}

export function setReminderSchedule(db: Db, studyId: number, reminderDays: number | null, reminderMax: number): void {
  db.update(studies).set({ reminderDays, reminderMax }).where(eq(studies.id, studyId)).run();
}
