import { advisoryKey, type Store } from './store.ts';

/**
 * Runs `fn` while this process holds the PostgreSQL session advisory lock
 * `key` (on one pooled connection of its own, kept out of `fn`'s way), so
 * that of several instances doing the same one-off work at start (seeding
 * an empty database) one does it and the others, waiting, then find it
 * done. `fn` uses the store as usual: its queries run on other connections
 * of the pool, which must therefore hold at least two. On SQLite `fn` just
 * runs: one process at a time already serves a file.
 */
export async function withSessionLock<T>(store: Store, key: string, fn: () => Promise<T>): Promise<T> {
  if (store.backend !== 'pg') return fn();
  const client = await store.pool.connect();
  let broken = false;
  try {
    // Waiting for another instance's work may take longer than one statement may.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1::bigint)', [advisoryKey(key)]);
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [advisoryKey(key)]).catch(() => (broken = true));
    }
  } catch (e) {
    broken = true;
    throw e;
  } finally {
    // After any failure the connection is closed, not pooled: closing it releases the lock whatever state it is in.
    client.release(broken);
  }
}
