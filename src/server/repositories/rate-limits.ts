import { and, asc, count, eq, gt, lte } from 'drizzle-orm';
import { rateLimitHits } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgRateLimits from './pg/rate-limits.ts';

export interface RateLimit {
  /** What is limited, e.g. "participant-start"; each bucket has one window. */
  bucket: string;
  /** Who is counted, e.g. a client address. */
  key: string;
  max: number;
  windowMs: number;
}

/**
 * Takes one of the `max` slots `key` has per window in `bucket`: records a
 * hit at `now` and returns null, or, when the window is full, records nothing
 * and returns when its oldest hit leaves it. Call it inside the write
 * transaction (BEGIN IMMEDIATE) that does what is limited, so that the count
 * and the hit are one step: concurrent requests cannot all read "one slot
 * left". The bucket's hits older than the window are removed on the way.
 */
export async function takeRateSlot(db: Store, limit: RateLimit, now: Date): Promise<Date | null> {
  if (db.backend === 'pg') return pgRateLimits.takeRateSlot(db, limit, now);
  const since = new Date(now.getTime() - limit.windowMs);
  return onSqlite(db, (h) => {
    h.delete(rateLimitHits).where(and(eq(rateLimitHits.bucket, limit.bucket), lte(rateLimitHits.at, since))).run();
    const mine = and(eq(rateLimitHits.bucket, limit.bucket), eq(rateLimitHits.key, limit.key), gt(rateLimitHits.at, since));
    const used = h.select({ n: count() }).from(rateLimitHits).where(mine).get()!.n;
    if (used >= limit.max) {
      const oldest = h.select({ at: rateLimitHits.at }).from(rateLimitHits).where(mine).orderBy(asc(rateLimitHits.at)).limit(1).get()!;
      return new Date(oldest.at.getTime() + limit.windowMs);
    }
    h.insert(rateLimitHits).values({ bucket: limit.bucket, key: limit.key, at: now }).run();
    return null;
  });
}
