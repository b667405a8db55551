import { and, asc, count, eq, inArray, isNotNull, lt, lte, min, or, sql } from 'drizzle-orm';
import { mailOutbox, type OutboxRow } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgOutbox from './pg/outbox.ts';

/** A row a worker holds: `attempts` as the claim left it identifies this claim, so a worker whose lease was taken over cannot mark the row. */
export interface ClaimedMail {
  id: number;
  kind: string;
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string> | undefined;
  attempts: number;
  leaseUntil: Date;
}

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  /** A row that has been claimed this many times is failed instead of claimed again (a message that crashes its sender cannot loop forever). */
  maxAttempts: number;
}

const due = (now: Date) =>
  or(
    and(eq(mailOutbox.state, 'pending'), lte(mailOutbox.nextAttemptAt, now)),
    // A worker that died while sending left its rows leased; once the lease runs out anyone may take them over.
    and(eq(mailOutbox.state, 'sending'), lt(mailOutbox.leaseUntil, now)),
  );

/** Nothing of the message is kept once it is sent or given up: no address, no subject, no body with a private link in it. */
export const ERASED = { toAddress: null, subject: null, textBody: null, htmlBody: null, headers: null } as const;

/**
 * Claims up to `limit` due rows in one short write transaction (BEGIN
 * IMMEDIATE, so two processes never read the same free rows): each becomes
 * `sending`, leased until now + leaseMs, with one more attempt counted. The
 * lease, not the process, decides who sends: with several server processes on
 * one database, a row belongs to whoever holds an unexpired lease on it.
 * Given a transaction's store, the claim is a savepoint of that transaction:
 * better-sqlite3's transaction function sees the connection already inside
 * a transaction (`inTransaction`) and uses SAVEPOINT/RELEASE instead of
 * BEGIN/COMMIT.
 */
export async function claimDue(db: Store, now: Date, options: ClaimOptions): Promise<ClaimedMail[]> {
  if (db.backend === 'pg') return pgOutbox.claimDue(db, now, options);
  return onSqlite(db, (h) =>
    h.transaction(
      (tx) => {
        const rows = tx
          .select()
          .from(mailOutbox)
          .where(due(now))
          .orderBy(asc(mailOutbox.nextAttemptAt), asc(mailOutbox.id))
          .limit(options.limit)
          .all();
        const exhausted = rows.filter((r) => r.attempts >= options.maxAttempts);
        if (exhausted.length > 0) {
          tx.update(mailOutbox)
            .set({ ...ERASED, state: 'failed', leaseUntil: null, lastError: sql`coalesce(${mailOutbox.lastError}, 'interrupted while sending') || ' (gave up after ' || ${mailOutbox.attempts} || ' attempts)'` })
            .where(inArray(mailOutbox.id, exhausted.map((r) => r.id)))
            .run();
        }
        const leaseUntil = new Date(now.getTime() + options.leaseMs);
        const claimed: ClaimedMail[] = [];
        for (const r of rows) {
          if (r.attempts >= options.maxAttempts || r.toAddress === null || r.subject === null || r.textBody === null) continue;
          tx.update(mailOutbox).set({ state: 'sending', leaseUntil, attempts: r.attempts + 1 }).where(eq(mailOutbox.id, r.id)).run();
          claimed.push(toClaimed(r, leaseUntil));
        }
        return claimed;
      },
      { behavior: 'immediate' },
    ),
  );
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

/** The server accepted the message: mark it sent and erase what it said and to whom. False when this worker no longer held the row. */
export async function markSent(db: Store, m: ClaimedMail, now: Date): Promise<boolean> {
  if (db.backend === 'pg') return pgOutbox.markSent(db, m, now);
  return onSqlite(db, (h) => h.update(mailOutbox).set({ ...ERASED, state: 'sent', sentAt: now, leaseUntil: null }).where(mine(m)).run().changes === 1);
}

/** A transient failure: back to pending, to be tried at `retryAt`. */
export async function markRetry(db: Store, m: ClaimedMail, error: string, retryAt: Date): Promise<boolean> {
  if (db.backend === 'pg') return pgOutbox.markRetry(db, m, error, retryAt);
  return onSqlite(db, (h) => h.update(mailOutbox).set({ state: 'pending', leaseUntil: null, lastError: error, nextAttemptAt: retryAt }).where(mine(m)).run().changes === 1);
}

/** A permanent failure, or the last attempt used up: the message is given up and erased. */
export async function markFailed(db: Store, m: ClaimedMail, error: string): Promise<boolean> {
  if (db.backend === 'pg') return pgOutbox.markFailed(db, m, error);
  return onSqlite(db, (h) => h.update(mailOutbox).set({ ...ERASED, state: 'failed', leaseUntil: null, lastError: error }).where(mine(m)).run().changes === 1);
}

/** Gives back a claimed row that was not tried (its lease was about to run out), without counting the attempt. */
export async function release(db: Store, m: ClaimedMail): Promise<boolean> {
  if (db.backend === 'pg') return pgOutbox.release(db, m);
  return onSqlite(db, (h) => h.update(mailOutbox).set({ state: 'pending', leaseUntil: null, attempts: m.attempts - 1 }).where(mine(m)).run().changes === 1);
}

export interface OutboxStatus {
  counts: Record<'pending' | 'sending' | 'sent' | 'failed', number>;
  /** When the oldest message still waiting was queued; null when none waits. */
  oldestWaiting: Date | null;
  /** The latest errors of messages still waiting or given up, newest first. */
  recentErrors: { id: number; kind: string; state: string; attempts: number; lastError: string }[];
}

export async function outboxStatus(db: Store): Promise<OutboxStatus> {
  if (db.backend === 'pg') return pgOutbox.outboxStatus(db);
  return onSqlite(db, (h) => {
    const counts = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const r of h.select({ state: mailOutbox.state, n: count() }).from(mailOutbox).groupBy(mailOutbox.state).all()) counts[r.state] = r.n;
    const oldest = h
      .select({ at: min(mailOutbox.createdAt) })
      .from(mailOutbox)
      .where(inArray(mailOutbox.state, ['pending', 'sending']))
      .get();
    const recentErrors = h
      .select({ id: mailOutbox.id, kind: mailOutbox.kind, state: mailOutbox.state, attempts: mailOutbox.attempts, lastError: mailOutbox.lastError })
      .from(mailOutbox)
      .where(and(isNotNull(mailOutbox.lastError), inArray(mailOutbox.state, ['pending', 'failed'])))
      .orderBy(sql`${mailOutbox.id} desc`)
      .limit(5)
      .all()
      .map((r) => ({ ...r, lastError: r.lastError! }));
    return { counts, oldestWaiting: oldest?.at ?? null, recentErrors };
  });
}
