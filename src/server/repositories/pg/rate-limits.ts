import { and, asc, count, eq, gt, lte } from 'drizzle-orm';
import { rateLimitHits } from '../../../../db/pg/schema.ts';
import { pgWrite, type PgStore } from '../../data/store.ts';
import type { RateLimit } from '../rate-limits.ts';

/**
 * As on SQLite: the count and the hit are one step only inside a transaction
 * that others taking the same slot wait for. On PostgreSQL that is the
 * caller's transaction holding a lock key for `limit.key` (or the whole
 * database): this function takes no lock of its own. Alone (not given a
 * transaction's store) it still runs in one transaction of its own.
 */
export async function takeRateSlot(db: PgStore, limit: RateLimit, now: Date): Promise<Date | null> {
  const since = new Date(now.getTime() - limit.windowMs);
  return pgWrite(db, async (h) => {
    await h.delete(rateLimitHits).where(and(eq(rateLimitHits.bucket, limit.bucket), lte(rateLimitHits.at, since)));
    const mine = and(eq(rateLimitHits.bucket, limit.bucket), eq(rateLimitHits.key, limit.key), gt(rateLimitHits.at, since));
    const used = (await h.select({ n: count() }).from(rateLimitHits).where(mine))[0]!.n;
    if (used >= limit.max) {
      const oldest = (await h.select({ at: rateLimitHits.at }).from(rateLimitHits).where(mine).orderBy(asc(rateLimitHits.at)).limit(1))[0]!;
      return new Date(oldest.at.getTime() + limit.windowMs);
    }
    await h.insert(rateLimitHits).values({ bucket: limit.bucket, key: limit.key, at: now });
    return null;
  });
}
