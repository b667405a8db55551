import { openPg, type PgOptions } from '../../../db/pg/client.ts';
import { migratePg } from '../../../db/pg/client.ts';
import { openMigrated } from '../db.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { ensurePgPeerStats } from '../services/peer-stats.ts';
import { pgMigrationsDir } from '../paths.ts';
import { pgStore, type PgStore, type Store } from './store.ts';

/** Whether a database address names PostgreSQL (postgres:// or postgresql://) rather than a SQLite file. */
export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec.trim());
}

/**
 * Opens PostgreSQL at `url` and applies its migrations (one instance at a
 * time, under an advisory lock: db/pg/client.ts migratePg), then checks the
 * peer statistics (services/peer-stats.ts ensurePgPeerStats). Throws
 * DatabaseOpenError, naming the server without its password, when it
 * cannot be reached or migrated.
 */
export async function openPgStore(url: string, options: PgOptions = {}): Promise<PgStore> {
  const { db, pool } = openPg(url, options);
  const store = pgStore(db, pool);
  try {
    await migratePg(pool, pgMigrationsDir());
    // As SQLite's openMigrated: statistics out of step with the scores are rebuilt once (in a transaction holding the
    // whole database, so instances starting together rebuild once).
    await ensurePgPeerStats(store, loadInstrument());
  } catch (e) {
    await pool.end().catch(() => {});
    throw e;
  }
  return store;
}

/** A Store for a SQLite file path or a PostgreSQL URL (the CLI's --db, tests, benchmarks), migrated. */
export async function openStore(spec: string): Promise<Store> {
  return isPostgresUrl(spec) ? openPgStore(spec) : openMigrated(spec);
}
