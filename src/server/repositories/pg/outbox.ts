import { and, asc, count, eq, inArray, isNotNull, lt, lte, min, or, sql } from 'drizzle-orm';
import type { OutboxRow } from '../../../../db/schema.ts';
import { mailOutbox } from '../../../../db/pg/schema.ts';
import { pgRead, pgWrite, transaction, type PgStore } from '../../data/store.ts';
import { ERASED, type ClaimedMail, type ClaimOptions, type OutboxStatus } from '../outbox.ts';

/** The rows a claim may take: the same rule as SQLite's (src/server/repositories/outbox.ts). */
const due = (now: Date) =>
  or(
    and(eq(mailOutbox.state, 'pending'), lte(mailOutbox.nextAttemptAt, now)),
    and(eq(mailOutbox.state, 'sending'), lt(mailOutbox.leaseUntil, now)),
  );

/**
 * The claim of SQLite's claimDue, with its lease, for several app servers at
 * once. SQLite's write lock lets one claim read the free rows at a time;
 * here claims run side by side, so the rows are read `FOR UPDATE SKIP
 * LOCKED`: each claim locks the due rows it reads and passes over those
 * another claim has locked (rather than waiting for them), and the locks hold
 * until its commit, by which time the rows are `sending` under a lease that
 * has not run out. A row another claim committed after this statement began
 * is checked again against `due` once locked (READ COMMITTED's re-check of an
 * updated row), so it is not taken a second time either. No advisory key
 * is needed: the row locks are the whole guard.
 */
export async function claimDue(db: PgStore, now: Date, options: ClaimOptions): Promise<ClaimedMail[]> {
  return pgWrite(db, async (h) => {
    const rows: OutboxRow[] = await h
      .select()
      .from(mailOutbox)
      .where(due(now))
      .orderBy(asc(mailOutbox.nextAttemptAt), asc(mailOutbox.id))
      .limit(options.limit)
      .for('update', { skipLocked: true });
    const exhausted = rows.filter((r) => r.attempts >= options.maxAttempts);
    if (exhausted.length > 0) {
      await h
        .update(mailOutbox)
        .set({
          ...ERASED,
          state: 'failed',
          leaseUntil: null,
          lastError: sql`coalesce(${mailOutbox.lastError}, 'interrupted while sending') || ' (gave up after ' || ${mailOutbox.attempts}::text || ' attempts)'`,
        })
        .where(inArray(mailOutbox.id, exhausted.map((r) => r.id)));
    }
    const leaseUntil = new Date(now.getTime() + options.leaseMs);
    const claimable = rows.filter((r) => r.attempts < options.maxAttempts && r.toAddress !== null && r.subject !== null && r.textBody !== null);
    if (claimable.length > 0) {
      // The rows are locked by this claim, so attempts + 1 is each row's attempts as read, plus one.
      await h
        .update(mailOutbox)
        .set({ state: 'sending', leaseUntil, attempts: sql`${mailOutbox.attempts} + 1` })
        .where(inArray(mailOutbox.id, claimable.map((r) => r.id)));
    }
    return claimable.map((r) => toClaimed(r, leaseUntil));
  });
}

function toClaimed(r: OutboxRow, leaseUntil: Date): ClaimedMail {
  return {
    id: r.id,
    kind: r.kind,
    messageId: r.messageId,
    to: r.toAddress!,
    subject: r.subject!,
    text: r.textBody!,
    html: r.htmlBody,
    headers: r.headers ? (JSON.parse(r.headers) as Record<string, string>) : undefined,
    attempts: r.attempts + 1,
    leaseUntil,
  };
}

const mine = (m: ClaimedMail) => and(eq(mailOutbox.id, m.id), eq(mailOutbox.state, 'sending'), eq(mailOutbox.attempts, m.attempts));

export async function markSent(db: PgStore, m: ClaimedMail, now: Date): Promise<boolean> {
  return pgWrite(db, async (h) => (await h.update(mailOutbox).set({ ...ERASED, state: 'sent', sentAt: now, leaseUntil: null }).where(mine(m))).rowCount === 1);
}

export async function markRetry(db: PgStore, m: ClaimedMail, error: string, retryAt: Date): Promise<boolean> {
  return pgWrite(
    db,
    async (h) => (await h.update(mailOutbox).set({ state: 'pending', leaseUntil: null, lastError: error, nextAttemptAt: retryAt }).where(mine(m))).rowCount === 1,
  );
}

export async function markFailed(db: PgStore, m: ClaimedMail, error: string): Promise<boolean> {
  return pgWrite(db, async (h) => (await h.update(mailOutbox).set({ ...ERASED, state: 'failed', leaseUntil: null, lastError: error }).where(mine(m))).rowCount === 1);
}

export async function release(db: PgStore, m: ClaimedMail): Promise<boolean> {
  return pgWrite(db, async (h) => (await h.update(mailOutbox).set({ state: 'pending', leaseUntil: null, attempts: m.attempts - 1 }).where(mine(m))).rowCount === 1);
}

/** Its three reads in one snapshot (a read-only transaction, or the caller's), as SQLite's synchronous reads are. */
export async function outboxStatus(db: PgStore): Promise<OutboxStatus> {
  return transaction(
    db,
    (tx) =>
      pgRead(tx, async (h) => {
        const counts = { pending: 0, sending: 0, sent: 0, failed: 0 };
        for (const r of await h.select({ state: mailOutbox.state, n: count() }).from(mailOutbox).groupBy(mailOutbox.state)) counts[r.state] = r.n;
        const [oldest] = await h
          .select({ at: min(mailOutbox.createdAt) })
          .from(mailOutbox)
          .where(inArray(mailOutbox.state, ['pending', 'sending']));
        const recentErrors = (
          await h
            .select({ id: mailOutbox.id, kind: mailOutbox.kind, state: mailOutbox.state, attempts: mailOutbox.attempts, lastError: mailOutbox.lastError })
            .from(mailOutbox)
            .where(and(isNotNull(mailOutbox.lastError), inArray(mailOutbox.state, ['pending', 'failed'])))
            .orderBy(sql`${mailOutbox.id} desc`)
            .limit(5)
        ).map((r) => ({ ...r, lastError: r.lastError! }));
        return { counts, oldestWaiting: oldest?.at ?? null, recentErrors };
      }),
    { behavior: 'deferred' },
  );
}
