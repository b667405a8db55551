import { and, count, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { consultants, sessions, signInFailures, type Consultant } from '../../../db/schema.ts';

export function insertSession(db: Db, tokenHash: string, consultantId: number, expiresAt: Date): void {
  db.insert(sessions).values({ tokenHash, consultantId, expiresAt }).run();
}

/** The consultant of a live session; expired sessions are not returned. */
export function consultantOfSession(db: Db, tokenHash: string, now: Date): Consultant | undefined {
  return db
    .select({ consultant: consultants })
    .from(sessions)
    .innerJoin(consultants, eq(consultants.id, sessions.consultantId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)))
    .get()?.consultant;
}

export function deleteSession(db: Db, tokenHash: string): void {
  db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
}

export function deleteExpiredSessions(db: Db, now: Date): void {
  db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
}

export function recordFailures(db: Db, keys: readonly string[], at: Date): void {
  if (keys.length) db.insert(signInFailures).values(keys.map((key) => ({ key, at }))).run();
}

export function failuresSince(db: Db, key: string, since: Date): number {
  return db.select({ n: count() }).from(signInFailures).where(and(eq(signInFailures.key, key), gt(signInFailures.at, since))).get()!.n;
}

export function clearFailures(db: Db, key: string): void {
  db.delete(signInFailures).where(eq(signInFailures.key, key)).run();
}
