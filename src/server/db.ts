import { openDatabase, type Db } from '../../db/client.ts';
import { config } from './config.ts';
import { migrationsDir, resolveFromRoot } from './paths.ts';

let handle: Db | undefined;

/** One database handle per process, migrated on first use. */
export function db(): Db {
  handle ??= openDatabase(resolveFromRoot(config().DATABASE_PATH), { migrationsFolder: migrationsDir() });
  return handle;
}

/** Opens and migrates a database at an explicit path (CLI, tests, benchmarks). */
export function openMigrated(path: string): Db {
  return openDatabase(path, { migrationsFolder: migrationsDir() });
}
