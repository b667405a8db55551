import { DatabaseOpenError, openDatabase } from '../../db/client.ts';
import { describePgUrl, openPg } from '../../db/pg/client.ts';
import { config } from './config.ts';
import { onShutdown } from './lifecycle.ts';
import { loadInstrument } from './instrument-loader.ts';
import { ensurePeerStats } from './services/peer-stats.ts';
import { migrationsDir, resolveFromRoot } from './paths.ts';
import { pgStore, sqliteStore, type SqliteStore, type Store } from './data/store.ts';
import { openPgStore } from './data/open.ts';

import { checkStorage, startStorageMonitor } from './storage-health.ts';

let handle: Store | undefined;
let failed: { error: DatabaseOpenError; at: number } | undefined;
/** A database that could not be opened is tried again after this long, not on every request (a quick_check can take seconds). */
const REOPEN_AFTER_MS = 10_000;

/**
 * One Store per process, migrated on first use: with DATABASE_URL a pool of
 * PostgreSQL connections, else one SQLite connection. A failure to open is
 * thrown to every caller; a damaged database is never tried again (it needs
 * a restore and a restart), any other failure after REOPEN_AFTER_MS.
 * Synchronous: opening SQLite is, and creating a pool connects to nothing
 * yet; what is asked of the Store is awaited. PostgreSQL is migrated (and
 * its statistics checked) by prepareDatabase before the server listens, not
 * here: that takes queries, which a synchronous call cannot wait for.
 */
export function db(): Store {
  if (handle) return handle;
  if (failed && (failed.error.corrupt || Date.now() - failed.at < REOPEN_AFTER_MS)) throw failed.error;
  try {
    const url = config().DATABASE_URL;
    if (url) {
      const { db: pgDb, pool } = openPg(url, { max: config().PG_POOL_MAX });
      handle = pgStore(pgDb, pool);
    } else {
      handle = openMigrated(serverDatabasePath());
    }
    failed = undefined;
    // Registered first, so it runs last: everything else that stops may still write.
    onShutdown('database', closeDb);
    return handle;
  } catch (e) {
    if (e instanceof DatabaseOpenError) failed = { error: e, at: Date.now() };
    throw e;
  }
}

/** Whether the server runs on PostgreSQL (DATABASE_URL) rather than its SQLite file. */
export function onPostgres(): boolean {
  return config().DATABASE_URL !== undefined;
}

/** The server's database as it may be printed: the SQLite file, or the PostgreSQL address without its password. */
export function serverDatabaseLabel(): string {
  const url = config().DATABASE_URL;
  return url ? describePgUrl(url) : serverDatabasePath();
}

/**
 * For the server's entry, before it listens (scripts/serve.ts): makes the
 * database ready to serve and closes what it opened (the built site opens
 * its own). PostgreSQL: migrations (one instance at a time, under an
 * advisory lock) and the peer-statistics check (src/server/data/open.ts
 * openPgStore), on a small pool of their own without a statement timeout,
 * since a rebuild of the statistics may take longer than a page's query.
 * SQLite: checkStorageAtStart. Throws DatabaseOpenError with a message for
 * the operator when the database cannot be served.
 */
export async function prepareDatabase(): Promise<void> {
  const url = config().DATABASE_URL;
  if (url) {
    const store = await openPgStore(url, { max: 2, statementTimeoutMs: 0 });
    await store.pool.end();
    return;
  }
  checkStorageAtStart();
  await closeDb();
}

/** The process's Store when it is SQLite (the storage checks and monitor are SQLite's). */
function sqliteHandle(): SqliteStore {
  const store = db();
  if (store.backend !== 'sqlite') throw new Error('the SQLite storage checks were asked of a PostgreSQL store');
  return store;
}

export function serverDatabasePath(): string {
  return resolveFromRoot(config().DATABASE_PATH);
}

/**
 * For the server's entry, before it listens: opens, checks (quick_check) and
 * migrates the database, and looks at its storage. Throws DatabaseOpenError
 * with a message naming the file and what to do when the database cannot be
 * served (cannot be opened or migrated, or is damaged); the entry prints it
 * and exits with code 2. A read-only or nearly full disk is logged but does
 * not stop the start: the site still shows what is stored, /readyz answers
 * 503, and each refused save says so.
 */
export function checkStorageAtStart(): void {
  if (onPostgres()) return;
  checkStorage(serverDatabasePath(), sqliteHandle().db.$client);
}

/**
 * Starts the periodic checkpoint and storage check of the server's database (src/server/storage-health.ts); once per
 * process. Nothing on PostgreSQL: its server keeps its own files, and /readyz asks it directly.
 */
export function watchStorage(): void {
  if (onPostgres()) return;
  startStorageMonitor(serverDatabasePath(), sqliteHandle().db.$client);
}

export { DatabaseOpenError };

/**
 * Closes the process's database, if open. SQLite: closing the last
 * connection checkpoints the WAL into the database file and removes the
 * -wal and -shm files, so a stopped server leaves one self-contained file
 * behind (done before this returns). PostgreSQL: ends the pool once its
 * queries in flight are done.
 */
export async function closeDb(): Promise<void> {
  const h = handle;
  handle = undefined;
  if (!h) return;
  if (h.backend === 'pg') await h.pool.end();
  else if (h.db.$client.open) h.db.$client.close();
}

/** Opens and migrates a database at an explicit path (CLI, tests, benchmarks): a Store of its own connection. */
export function openMigrated(path: string): SqliteStore {
  const db = openDatabase(path, { migrationsFolder: migrationsDir() });
  // A database whose peer statistics do not add up to its scores (one from before them, say) gets them recomputed once:
  // the SQLite backend's own maintenance, synchronous, on the handle before anything else can use it.
  ensurePeerStats(db, loadInstrument());
  return sqliteStore(db);
}
