import { onSqlite, type Store } from '../data/store.ts';

/** The connection settings bulk-load mode changes, as they were before it: restored by leaveBulkLoadMode. */
export interface SavedConnectionSettings {
  cacheSize: number;
  synchronous: number;
}

/**
 * Puts the SQLite connection in bulk-load mode for seeding
 * (src/server/services/seed.ts): durability traded for speed (a crash
 * mid-seed loses only demo data), foreign keys off (each batch writes
 * parents first), a large page cache. Returns what to restore.
 */
export async function enterBulkLoadMode(db: Store): Promise<SavedConnectionSettings> {
  // PostgreSQL: nothing to change. Its durability is the server's (a seed must not turn it off for every instance),
  // foreign keys stay checked (each batch writes parents first), and the pool's connections share the server's cache.
  if (db.backend === 'pg') return { cacheSize: 0, synchronous: 0 };
  return onSqlite(db, (h) => {
    const cacheSize = Number(h.$client.pragma('cache_size', { simple: true }));
    // Restored at the end: the connection's durability (FULL, db/client.ts) is not the seed's to change.
    const synchronous = Number(h.$client.pragma('synchronous', { simple: true }));
    h.$client.pragma('synchronous = OFF');
    h.$client.pragma('foreign_keys = OFF');
    h.$client.pragma('cache_size = -524288');
    return { cacheSize, synchronous };
  });
}

/** Ends bulk-load mode: the page cache, foreign keys and durability as they were. */
export async function leaveBulkLoadMode(db: Store, saved: SavedConnectionSettings): Promise<void> {
  if (db.backend === 'pg') return;
  await onSqlite(db, (h) => {
    h.$client.pragma(`cache_size = ${saved.cacheSize}`);
    h.$client.pragma('foreign_keys = ON');
    h.$client.pragma(`synchronous = ${saved.synchronous}`);
  });
}
