import { and, count, eq, gt, lt, max } from 'drizzle-orm';
import { signInAttempts } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgSignInAttempts from './pg/sign-in-attempts.ts';
import type { AttemptCounts } from '../auth/sign-in-limits.ts';

/** The attempts after `since` that concern `account` tried from `address`. */
export async function countAttempts(db: Store, account: string, address: string, since: Date): Promise<AttemptCounts> {
  if (db.backend === 'pg') return pgSignInAttempts.countAttempts(db, account, address, since);
  const t = signInAttempts;
  return onSqlite(db, (h) => {
    const pair = h
      .select({ n: count(), last: max(t.at) })
      .from(t)
      .where(and(eq(t.account, account), eq(t.address, address), gt(t.at, since)))
      .get()!;
    const byAddress = h.select({ n: count() }).from(t).where(and(eq(t.address, address), gt(t.at, since))).get()!;
    const byAccount = h.select({ n: count() }).from(t).where(and(eq(t.account, account), gt(t.at, since))).get()!;
    return { pair: pair.n, address: byAddress.n, account: byAccount.n, lastOfPair: pair.last ?? null };
  });
}

export async function insertAttempt(db: Store, account: string, address: string, at: Date): Promise<void> {
  if (db.backend === 'pg') return pgSignInAttempts.insertAttempt(db, account, address, at);
  await onSqlite(db, (h) => h.insert(signInAttempts).values({ account, address, at }).run());
}

/** A successful sign-in forgets the failures of its own account and address, and only those. */
export async function deleteAttemptsOfPair(db: Store, account: string, address: string): Promise<void> {
  if (db.backend === 'pg') return pgSignInAttempts.deleteAttemptsOfPair(db, account, address);
  await onSqlite(db, (h) => h.delete(signInAttempts).where(and(eq(signInAttempts.account, account), eq(signInAttempts.address, address))).run());
}

export async function deleteAttemptsBefore(db: Store, before: Date): Promise<void> {
  if (db.backend === 'pg') return pgSignInAttempts.deleteAttemptsBefore(db, before);
  await onSqlite(db, (h) => h.delete(signInAttempts).where(lt(signInAttempts.at, before)).run());
}

/** Forgets every failed attempt on an account (its password was just reset by the operator). */
export async function deleteAttemptsOfAccount(db: Store, account: string): Promise<void> {
  if (db.backend === 'pg') return pgSignInAttempts.deleteAttemptsOfAccount(db, account);
  await onSqlite(db, (h) => h.delete(signInAttempts).where(eq(signInAttempts.account, account)).run());
}
