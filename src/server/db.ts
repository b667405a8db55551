import { openDatabase, type Db } from '../../db/client.ts';
import { config } from './config.ts';
import { onShutdown } from './lifecycle.ts';
import { loadInstrument } from './instrument-loader.ts';
import { ensurePeerStats } from './services/peer-stats.ts';
import { migrationsDir, resolveFromRoot } from './paths.ts';

let handle: Db | undefined;

/** One database handle per process, migrated on first use. */
export function db(): Db {
  if (!handle) {
    handle = openMigrated(resolveFromRoot(config().DATABASE_PATH));
    // Registered first, so it runs last: everything else that stops may still write.
    onShutdown('database', closeDb);
  }
  return handle;
}

/**
 * Closes the process's handle, if open. Closing the last connection
 * checkpoints the WAL into the database file and removes the -wal and -shm
 * files, so a stopped server leaves one self-contained file behind.
 */
export function closeDb(): void {
  const h = handle;
  handle = undefined;
  if (h?.$client.open) h.$client.close();
}

/** Opens and migrates a database at an explicit path (CLI, tests, benchmarks). */
export function openMigrated(path: string): Db {
  const db = openDatabase(path, { migrationsFolder: migrationsDir() });
  // A database whose peer statistics do not add up to its scores (one from before them, say) gets them recomputed once.
  ensurePeerStats(db, loadInstrument());
  return db;
}
