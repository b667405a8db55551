import { DatabaseOpenError, openDatabase } from '../../db/client.ts';
import { config } from './config.ts';
import { onShutdown } from './lifecycle.ts';
import { loadInstrument } from './instrument-loader.ts';
import { ensurePeerStats } from './services/peer-stats.ts';
import { migrationsDir, resolveFromRoot } from './paths.ts';
import { sqliteStore, type SqliteStore, type Store } from './data/store.ts';

import { checkStorage, startStorageMonitor } from './storage-health.ts';

let handle: SqliteStore | undefined;
let failed: { error: DatabaseOpenError; at: number } | undefined;
/** A database that could not be opened is tried again after this long, not on every request (a quick_check can take seconds). */
const REOPEN_AFTER_MS = 10_000;

/**
 * One Store per process (one SQLite connection), migrated on first use. A
 * failure to open is thrown to every caller; a damaged database is never
 * tried again (it needs a restore and a restart), any other failure after
 * REOPEN_AFTER_MS. Synchronous: opening SQLite is; what is asked of the Store
 * is awaited.
 */
export function db(): Store {
  if (handle) return handle;
  if (failed && (failed.error.corrupt || Date.now() - failed.at < REOPEN_AFTER_MS)) throw failed.error;
  try {
    handle = openMigrated(serverDatabasePath());
    failed = undefined;
    // Registered first, so it runs last: everything else that stops may still write.
    onShutdown('database', closeDb);
    return handle;
  } catch (e) {
    if (e instanceof DatabaseOpenError) failed = { error: e, at: Date.now() };
    throw e;
  }
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
  checkStorage(serverDatabasePath(), sqliteHandle().db.$client);
}

/** Starts the periodic checkpoint and storage check of the server's database (src/server/storage-health.ts); once per process. */
export function watchStorage(): void {
  startStorageMonitor(serverDatabasePath(), sqliteHandle().db.$client);
}

export { DatabaseOpenError };

/**
 * Closes the process's connection, if open. Closing the last connection
 * checkpoints the WAL into the database file and removes the -wal and -shm
 * files, so a stopped server leaves one self-contained file behind.
 */
export function closeDb(): void {
  const h = handle;
  handle = undefined;
  if (h?.db.$client.open) h.db.$client.close();
}

/** Opens and migrates a database at an explicit path (CLI, tests, benchmarks): a Store of its own connection. */
export function openMigrated(path: string): SqliteStore {
  const db = openDatabase(path, { migrationsFolder: migrationsDir() });
  // A database whose peer statistics do not add up to its scores (one from before them, say) gets them recomputed once:
  // the SQLite backend's own maintenance, synchronous, on the handle before anything else can use it.
  ensurePeerStats(db, loadInstrument());
  return sqliteStore(db);
}
