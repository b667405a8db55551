import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { consultants, sessions, type Consultant } from '../../../db/schema.ts';
import { preparedQuery } from './prepared.ts';

export function insertSession(db: Db, tokenHash: string, consultantId: number, expiresAt: Date): void {
  db.insert(sessions).values({ tokenHash, consultantId, expiresAt }).run();
}

/** The consultant of a live session; expired sessions and disabled accounts are not returned. */
export function consultantOfSession(db: Db, tokenHash: string, now: Date): Consultant | undefined {
  // Asked by the middleware on every request that carries a session cookie: prepared once.
  return preparedQuery(db, 'consultant-of-session', (d) =>
    d
      .select({ consultant: consultants })
      .from(sessions)
      .innerJoin(consultants, eq(consultants.id, sessions.consultantId))
      .where(and(eq(sessions.tokenHash, sql.placeholder('hash')), gt(sessions.expiresAt, sql.placeholder('now')), isNull(consultants.disabledAt)))
      .prepare(),
  ).get({ hash: tokenHash, now: now.getTime() })?.consultant;
}

export function deleteSession(db: Db, tokenHash: string): void {
  db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
}

export function deleteExpiredSessions(db: Db, now: Date): void {
  db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
}

/** Ends every session of a consultant (account disabled, password reset); returns how many there were. */
export function deleteSessionsOf(db: Db, consultantId: number): number {
  return db.delete(sessions).where(eq(sessions.consultantId, consultantId)).run().changes;
}
