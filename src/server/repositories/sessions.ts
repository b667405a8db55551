import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { consultants, sessions, type Consultant } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgSessions from './pg/sessions.ts';
import { preparedQuery } from './prepared.ts';

export async function insertSession(db: Store, tokenHash: string, consultantId: number, expiresAt: Date): Promise<void> {
  if (db.backend === 'pg') return pgSessions.insertSession(db, tokenHash, consultantId, expiresAt);
  await onSqlite(db, (h) => h.insert(sessions).values({ tokenHash, consultantId, expiresAt }).run());
}

/** The consultant of a live session; expired sessions and disabled accounts are not returned. */
export async function consultantOfSession(db: Store, tokenHash: string, now: Date): Promise<Consultant | undefined> {
  if (db.backend === 'pg') return pgSessions.consultantOfSession(db, tokenHash, now);
  // Asked by the middleware on every request that carries a session cookie: prepared once.
  return onSqlite(
    db,
    (h) =>
      preparedQuery(h, 'consultant-of-session', (d) =>
        d
          .select({ consultant: consultants })
          .from(sessions)
          .innerJoin(consultants, eq(consultants.id, sessions.consultantId))
          .where(and(eq(sessions.tokenHash, sql.placeholder('hash')), gt(sessions.expiresAt, sql.placeholder('now')), isNull(consultants.disabledAt)))
          .prepare(),
      ).get({ hash: tokenHash, now: now.getTime() })?.consultant,
  );
}

export async function deleteSession(db: Store, tokenHash: string): Promise<void> {
  if (db.backend === 'pg') return pgSessions.deleteSession(db, tokenHash);
  await onSqlite(db, (h) => h.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run());
}

export async function deleteExpiredSessions(db: Store, now: Date): Promise<void> {
  if (db.backend === 'pg') return pgSessions.deleteExpiredSessions(db, now);
  await onSqlite(db, (h) => h.delete(sessions).where(lt(sessions.expiresAt, now)).run());
}

/** Ends every session of a consultant (account disabled, password reset); returns how many there were. */
export async function deleteSessionsOf(db: Store, consultantId: number): Promise<number> {
  if (db.backend === 'pg') return pgSessions.deleteSessionsOf(db, consultantId);
  return onSqlite(db, (h) => h.delete(sessions).where(eq(sessions.consultantId, consultantId)).run().changes);
}
