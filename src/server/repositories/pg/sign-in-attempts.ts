import { and, eq, gt, lt, or, sql } from 'drizzle-orm';
import { signInAttempts as t } from '../../../../db/pg/schema.ts';
import { pgRead, pgWrite, type PgStore } from '../../data/store.ts';
import type { AttemptCounts } from '../../auth/sign-in-limits.ts';

/**
 * One statement, so the three counts are of one snapshot even outside a
 * transaction. The reservation that counts and then inserts (auth/sign-in.ts)
 * is one step across app servers only because its transaction holds the
 * account's and the address's lock keys: this function takes none itself.
 */
export async function countAttempts(db: PgStore, account: string, address: string, since: Date): Promise<AttemptCounts> {
  const pair = sql`${t.account} = ${account} and ${t.address} = ${address}`;
  return pgRead(db, async (h) => {
    const [row] = await h
      .select({
        pair: sql<number>`count(*) filter (where ${pair})`.mapWith(Number),
        last: sql<Date | null>`max(${t.at}) filter (where ${pair})`.mapWith(t.at),
        address: sql<number>`count(*) filter (where ${t.address} = ${address})`.mapWith(Number),
        account: sql<number>`count(*) filter (where ${t.account} = ${account})`.mapWith(Number),
      })
      .from(t)
      .where(and(gt(t.at, since), or(eq(t.account, account), eq(t.address, address))));
    return { pair: row!.pair, address: row!.address, account: row!.account, lastOfPair: row!.last ?? null };
  });
}

export async function insertAttempt(db: PgStore, account: string, address: string, at: Date): Promise<void> {
  await pgWrite(db, (h) => h.insert(t).values({ account, address, at }));
}

export async function deleteAttemptsOfPair(db: PgStore, account: string, address: string): Promise<void> {
  await pgWrite(db, (h) => h.delete(t).where(and(eq(t.account, account), eq(t.address, address))));
}

export async function deleteAttemptsBefore(db: PgStore, before: Date): Promise<void> {
  await pgWrite(db, (h) => h.delete(t).where(lt(t.at, before)));
}

export async function deleteAttemptsOfAccount(db: PgStore, account: string): Promise<void> {
  await pgWrite(db, (h) => h.delete(t).where(eq(t.account, account)));
}
