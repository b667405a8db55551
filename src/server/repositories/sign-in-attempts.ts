import { and, count, eq, gt, lt, max } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { signInAttempts } from '../../../db/schema.ts';
import type { AttemptCounts } from '../auth/sign-in-limits.ts';

/** The attempts after `since` that concern `account` tried from `address`. */
export function countAttempts(db: Db, account: string, address: string, since: Date): AttemptCounts {
  const t = signInAttempts;
  const pair = db
    .select({ n: count(), last: max(t.at) })
    .from(t)
    .where(and(eq(t.account, account), eq(t.address, address), gt(t.at, since)))
    .get()!;
  const byAddress = db.select({ n: count() }).from(t).where(and(eq(t.address, address), gt(t.at, since))).get()!;
  const byAccount = db.select({ n: count() }).from(t).where(and(eq(t.account, account), gt(t.at, since))).get()!;
  return { pair: pair.n, address: byAddress.n, account: byAccount.n, lastOfPair: pair.last ?? null };
}

export function insertAttempt(db: Db, account: string, address: string, at: Date): void {
  db.insert(signInAttempts).values({ account, address, at }).run();
}

/** A successful sign-in forgets the failures of its own account and address, and only those. */
export function deleteAttemptsOfPair(db: Db, account: string, address: string): void {
  db.delete(signInAttempts).where(and(eq(signInAttempts.account, account), eq(signInAttempts.address, address))).run();
}

export function deleteAttemptsBefore(db: Db, before: Date): void {
  db.delete(signInAttempts).where(lt(signInAttempts.at, before)).run();
}

/** Forgets every failed attempt on an account (its password was just reset by the operator). */
export function deleteAttemptsOfAccount(db: Db, account: string): void {
  db.delete(signInAttempts).where(eq(signInAttempts.account, account)).run();
}
