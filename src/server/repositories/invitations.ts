import { and, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { companies, invitations, mailOutbox, participants, studies, studyWaves, type InvitationRow } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgInvitations from './pg/invitations.ts';

export type NewInvitation = typeof invitations.$inferInsert;

export async function insertInvitation(db: Store, row: NewInvitation): Promise<InvitationRow> {
  if (db.backend === 'pg') return pgInvitations.insertInvitation(db, row);
  return onSqlite(db, (h) => h.insert(invitations).values(row).returning().all()[0]!);
}

/** Rows per INSERT: well inside SQLite's limit of bound parameters. */
const INSERT_CHUNK = 200;

/**
 * Inserts many invitations with few statements (an upload may hold 2,000, all
 * in the request's one transaction); returns their ids in the order given.
 */
export async function insertInvitations(db: Store, rows: NewInvitation[]): Promise<number[]> {
  if (db.backend === 'pg') return pgInvitations.insertInvitations(db, rows);
  return onSqlite(db, (h) => {
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const inserted = h.insert(invitations).values(rows.slice(i, i + INSERT_CHUNK)).returning({ id: invitations.id, tokenHash: invitations.tokenHash }).all();
      // RETURNING's order is not promised: match each row back by its unique placeholder.
      const byPlaceholder = new Map(inserted.map((r) => [r.tokenHash, r.id]));
      for (const row of rows.slice(i, i + INSERT_CHUNK)) ids.push(byPlaceholder.get(row.tokenHash)!);
    }
    return ids;
  });
}

/**
 * Sets each invitation's token hash with one prepared statement. Given a
 * transaction's store, the statements run in that transaction (a Store's
 * handle is always the connection's own, which has the raw client).
 */
export async function setTokenHashes(db: Store, hashes: { id: number; tokenHash: string }[]): Promise<void> {
  if (db.backend === 'pg') return pgInvitations.setTokenHashes(db, hashes);
  await onSqlite(db, (h) => {
    const update = h.$client.prepare('UPDATE invitations SET token_hash = ? WHERE id = ?');
    for (const x of hashes) update.run(x.tokenHash, x.id);
  });
}

export async function updateInvitation(db: Store, id: number, changes: Partial<NewInvitation>): Promise<void> {
  if (db.backend === 'pg') return pgInvitations.updateInvitation(db, id, changes);
  await onSqlite(db, (h) => h.update(invitations).set(changes).where(eq(invitations.id, id)).run());
}

export async function findInvitation(db: Store, id: number): Promise<InvitationRow | undefined> {
  if (db.backend === 'pg') return pgInvitations.findInvitation(db, id);
  return onSqlite(db, (h) => h.select().from(invitations).where(eq(invitations.id, id)).get());
}

export async function findInvitationByTokenHash(db: Store, tokenHash: string): Promise<InvitationRow | undefined> {
  if (db.backend === 'pg') return pgInvitations.findInvitationByTokenHash(db, tokenHash);
  return onSqlite(db, (h) => h.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)).get());
}

/** The address hashes already invited to this company in this wave. */
export async function invitedHashes(db: Store, waveId: number, companyId: number): Promise<Set<string>> {
  if (db.backend === 'pg') return pgInvitations.invitedHashes(db, waveId, companyId);
  const rows = await onSqlite(db, (h) =>
    h
      .select({ h: invitations.emailHash })
      .from(invitations)
      .where(and(eq(invitations.waveId, waveId), eq(invitations.companyId, companyId)))
      .all(),
  );
  return new Set(rows.map((r) => r.h));
}

/** The address hashes that unsubscribed from any invitation of the study. */
export async function unsubscribedHashes(db: Store, studyId: number): Promise<Set<string>> {
  if (db.backend === 'pg') return pgInvitations.unsubscribedHashes(db, studyId);
  const rows = await onSqlite(db, (h) =>
    h
      .select({ h: invitations.emailHash })
      .from(invitations)
      .where(and(eq(invitations.studyId, studyId), isNotNull(invitations.unsubscribedAt)))
      .all(),
  );
  return new Set(rows.map((r) => r.h));
}

/** Every invitation of the study to the same address (by hash). */
export async function invitationsOfAddress(db: Store, studyId: number, emailHash: string): Promise<InvitationRow[]> {
  if (db.backend === 'pg') return pgInvitations.invitationsOfAddress(db, studyId, emailHash);
  return onSqlite(db, (h) =>
    h
      .select()
      .from(invitations)
      .where(and(eq(invitations.studyId, studyId), eq(invitations.emailHash, emailHash)))
      .all(),
  );
}

export async function invitationsOfParticipant(db: Store, participantId: number): Promise<InvitationRow[]> {
  if (db.backend === 'pg') return pgInvitations.invitationsOfParticipant(db, participantId);
  return onSqlite(db, (h) => h.select().from(invitations).where(eq(invitations.participantId, participantId)).all());
}

/** Removes the invitations' messages that have not gone out yet (a reminder after completion or unsubscribe must never leave). */
export async function deletePendingMail(db: Store, invitationIds: number[]): Promise<number> {
  if (db.backend === 'pg') return pgInvitations.deletePendingMail(db, invitationIds);
  if (invitationIds.length === 0) return 0;
  return onSqlite(
    db,
    (h) =>
      h
        .delete(mailOutbox)
        .where(and(inArray(mailOutbox.invitationId, invitationIds), eq(mailOutbox.state, 'pending')))
        .run().changes,
  );
}

/** Replaces a participant's private link: the old token stops working at once. */
export async function replaceResumeTokenHash(db: Store, participantId: number, tokenHash: string, at: Date): Promise<void> {
  if (db.backend === 'pg') return pgInvitations.replaceResumeTokenHash(db, participantId, tokenHash, at);
  await onSqlite(db, (h) => h.update(participants).set({ resumeTokenHash: tokenHash, updatedAt: at }).where(eq(participants.id, participantId)).run());
}

/** An invitation with the state of its latest message in the outbox, for the consultant's list. */
export interface InvitationListRow extends InvitationRow {
  /** The newest outbox row's state for this invitation; null when its rows were removed. */
  mailState: 'pending' | 'sending' | 'sent' | 'failed' | null;
  participantStatus: 'in_progress' | 'completed' | null;
}

export async function invitationsOfWave(db: Store, waveId: number): Promise<InvitationListRow[]> {
  if (db.backend === 'pg') return pgInvitations.invitationsOfWave(db, waveId);
  const latestMail = sql<string | null>`(SELECT ${mailOutbox.state} FROM ${mailOutbox} WHERE ${mailOutbox.invitationId} = ${invitations.id} ORDER BY ${mailOutbox.id} DESC LIMIT 1)`;
  const rows = await onSqlite(db, (h) =>
    h
      .select({ invitation: invitations, mailState: latestMail, participantStatus: participants.status })
      .from(invitations)
      .leftJoin(participants, eq(participants.id, invitations.participantId))
      .where(eq(invitations.waveId, waveId))
      .orderBy(invitations.companyId, invitations.id)
      .all(),
  );
  return rows.map((r) => ({ ...r.invitation, mailState: r.mailState as InvitationListRow['mailState'], participantStatus: r.participantStatus }));
}

/** Per company of the wave: how many were invited and how far they got. */
export async function countsOfWave(db: Store, studyId: number, waveId: number) {
  if (db.backend === 'pg') return pgInvitations.countsOfWave(db, studyId, waveId);
  const n = (col: SQLiteColumn) => sql<number>`COUNT(${col})`.mapWith(Number);
  return onSqlite(db, (h) =>
    h
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
      .all(),
  );
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
export async function reminderCandidates(db: Store, filter: { studyId?: number; lastQueuedAtOrBefore?: Date } = {}): Promise<ReminderCandidate[]> {
  if (db.backend === 'pg') return pgInvitations.reminderCandidates(db, filter);
  const latestWave = sql`(SELECT MAX(${studyWaves.number}) FROM ${studyWaves} WHERE ${studyWaves.studyId} = ${studies.id})`;
  return onSqlite(db, (h) =>
    h
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
      .all(),
  );
}

export async function setReminderSchedule(db: Store, studyId: number, reminderDays: number | null, reminderMax: number): Promise<void> {
  if (db.backend === 'pg') return pgInvitations.setReminderSchedule(db, studyId, reminderDays, reminderMax);
  await onSqlite(db, (h) => h.update(studies).set({ reminderDays, reminderMax }).where(eq(studies.id, studyId)).run());
}
