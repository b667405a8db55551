import { and, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { InvitationRow } from '../../../../db/schema.ts';
import { companies, invitations, mailOutbox, participants, studies, studyWaves } from '../../../../db/pg/schema.ts';
import { pgRead, pgWrite, type PgStore } from '../../data/store.ts';
import type { InvitationListRow, NewInvitation, ReminderCandidate } from '../invitations.ts';

export async function insertInvitation(db: PgStore, row: NewInvitation): Promise<InvitationRow> {
  return pgWrite(db, async (h) => (await h.insert(invitations).values(row).returning())[0]!);
}

/** Rows per INSERT: about 16 parameters a row, far inside PostgreSQL's 65,535. */
const INSERT_CHUNK = 500;

export async function insertInvitations(db: PgStore, rows: NewInvitation[]): Promise<number[]> {
  return pgWrite(db, async (h) => {
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const inserted = await h.insert(invitations).values(chunk).returning({ id: invitations.id, tokenHash: invitations.tokenHash });
      // RETURNING's order is not promised: match each row back by its unique placeholder.
      const byPlaceholder = new Map(inserted.map((r) => [r.tokenHash, r.id]));
      for (const row of chunk) ids.push(byPlaceholder.get(row.tokenHash)!);
    }
    return ids;
  });
}

/** One UPDATE for all of them, from two parallel arrays (each bound as one array parameter: sql.param, as drizzle spreads a bare array into a list). */
export async function setTokenHashes(db: PgStore, hashes: { id: number; tokenHash: string }[]): Promise<void> {
  if (hashes.length === 0) return;
  const ids = hashes.map((x) => x.id);
  const tokens = hashes.map((x) => x.tokenHash);
  await pgWrite(db, (h) =>
    h.execute(sql`
      UPDATE ${invitations} SET token_hash = u.token_hash
      FROM unnest(${sql.param(ids)}::int[], ${sql.param(tokens)}::text[]) AS u(id, token_hash)
      WHERE ${invitations.id} = u.id`),
  );
}

export async function updateInvitation(db: PgStore, id: number, changes: Partial<NewInvitation>): Promise<void> {
  await pgWrite(db, (h) => h.update(invitations).set(changes).where(eq(invitations.id, id)));
}

export async function findInvitation(db: PgStore, id: number): Promise<InvitationRow | undefined> {
  return pgRead(db, async (h) => (await h.select().from(invitations).where(eq(invitations.id, id)))[0]);
}

export async function findInvitationByTokenHash(db: PgStore, tokenHash: string): Promise<InvitationRow | undefined> {
  return pgRead(db, async (h) => (await h.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)))[0]);
}

export async function invitedHashes(db: PgStore, waveId: number, companyId: number): Promise<Set<string>> {
  const rows = await pgRead(db, (h) =>
    h
      .select({ h: invitations.emailHash })
      .from(invitations)
      .where(and(eq(invitations.waveId, waveId), eq(invitations.companyId, companyId))),
  );
  return new Set(rows.map((r) => r.h));
}

export async function unsubscribedHashes(db: PgStore, studyId: number): Promise<Set<string>> {
  const rows = await pgRead(db, (h) =>
    h
      .select({ h: invitations.emailHash })
      .from(invitations)
      .where(and(eq(invitations.studyId, studyId), isNotNull(invitations.unsubscribedAt))),
  );
  return new Set(rows.map((r) => r.h));
}

export async function invitationsOfAddress(db: PgStore, studyId: number, emailHash: string): Promise<InvitationRow[]> {
  return pgRead(db, (h) =>
    h
      .select()
      .from(invitations)
      .where(and(eq(invitations.studyId, studyId), eq(invitations.emailHash, emailHash)))
      .orderBy(invitations.id),
  );
}

export async function invitationsOfParticipant(db: PgStore, participantId: number): Promise<InvitationRow[]> {
  return pgRead(db, (h) => h.select().from(invitations).where(eq(invitations.participantId, participantId)).orderBy(invitations.id));
}

export async function deletePendingMail(db: PgStore, invitationIds: number[]): Promise<number> {
  if (invitationIds.length === 0) return 0;
  return pgWrite(
    db,
    async (h) => (await h.delete(mailOutbox).where(and(inArray(mailOutbox.invitationId, invitationIds), eq(mailOutbox.state, 'pending')))).rowCount ?? 0,
  );
}

export async function replaceResumeTokenHash(db: PgStore, participantId: number, tokenHash: string, at: Date): Promise<void> {
  await pgWrite(db, (h) => h.update(participants).set({ resumeTokenHash: tokenHash, updatedAt: at }).where(eq(participants.id, participantId)));
}

export async function invitationsOfWave(db: PgStore, waveId: number): Promise<InvitationListRow[]> {
  const latestMail = sql<string | null>`(SELECT ${mailOutbox.state} FROM ${mailOutbox} WHERE ${mailOutbox.invitationId} = ${invitations.id} ORDER BY ${mailOutbox.id} DESC LIMIT 1)`;
  const rows = await pgRead(db, (h) =>
    h
      .select({ invitation: invitations, mailState: latestMail, participantStatus: participants.status })
      .from(invitations)
      .leftJoin(participants, eq(participants.id, invitations.participantId))
      .where(eq(invitations.waveId, waveId))
      // SQLite sorts nulls first ascending; PostgreSQL last unless told.
      .orderBy(sql`${invitations.companyId} asc nulls first`, invitations.id),
  );
  return rows.map((r) => ({ ...r.invitation, mailState: r.mailState as InvitationListRow['mailState'], participantStatus: r.participantStatus }));
}

export async function countsOfWave(db: PgStore, studyId: number, waveId: number) {
  const n = (col: PgColumn) => sql<number>`COUNT(${col})`.mapWith(Number);
  return pgRead(db, (h) =>
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
      // SQLite's GROUP BY hands groups back by key (nulls first); PostgreSQL's hash aggregate in no order.
      .orderBy(sql`${invitations.companyId} asc nulls first`),
  );
}

export async function reminderCandidates(db: PgStore, filter: { studyId?: number; lastQueuedAtOrBefore?: Date } = {}): Promise<ReminderCandidate[]> {
  const latestWave = sql`(SELECT MAX(${studyWaves.number}) FROM ${studyWaves} WHERE ${studyWaves.studyId} = ${studies.id})`;
  return pgRead(db, (h) =>
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
      .orderBy(invitations.id),
  );
}

export async function setReminderSchedule(db: PgStore, studyId: number, reminderDays: number | null, reminderMax: number): Promise<void> {
  await pgWrite(db, (h) => h.update(studies).set({ reminderDays, reminderMax }).where(eq(studies.id, studyId)));
}
