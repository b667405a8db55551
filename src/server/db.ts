import { openDatabase, type Db } from '../../db/client.ts';
import { config } from './config.ts';
import { loadInstrument } from './instrument-loader.ts';
import { ensurePeerStats } from './services/peer-stats.ts';
import { migrationsDir, resolveFromRoot } from './paths.ts';

let handle: Db | undefined;

/** One database handle per process, migrated on first use. */
export function db(): Db {
  handle ??= openMigrated(resolveFromRoot(config().DATABASE_PATH));
  return handle;
}

/** Opens and migrates a database at an explicit path (CLI, tests, benchmarks). */
export function openMigrated(path: string): Db {
  const db = openDatabase(path, { migrationsFolder: migrationsDir() });
  // A database whose peer statistics do not add up to its scores (one from before them, say) gets them recomputed once.
  ensurePeerStats(db, loadInstrument());
  return db;
}
