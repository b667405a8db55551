import { sql } from 'drizzle-orm';
import { pgRead, type PgStore } from '../../data/store.ts';

/** drizzle's migrator for PostgreSQL keeps its bookkeeping in the `drizzle` schema, not beside the app's tables. */
export async function appliedMigrationCount(db: PgStore): Promise<number> {
  return pgRead(db, async (h) => Number((await h.execute<{ n: number }>(sql`SELECT count(*) AS n FROM drizzle.__drizzle_migrations`)).rows[0]!.n));
}

/**
 * Ends the pool: waits for the connections lent out (a transaction still
 * running) to come back, then closes them all. A second close does nothing,
 * as closing a closed SQLite connection does (pg's end() would throw).
 */
export async function closeStore(db: PgStore): Promise<void> {
  if (db.pool.ending) return;
  await db.pool.end();
}
