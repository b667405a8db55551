import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { config } from '../server/config.ts';
import { openMigrated } from '../server/db.ts';
import { resolveFromRoot } from '../server/paths.ts';
import { UsageError } from './errors.ts';

/** The database the command should use: --db first, then DATABASE_PATH. */
export function databasePath(cmd: Command): string {
  const fromFlag = cmd.optsWithGlobals<{ db?: string }>().db;
  return fromFlag ? fromFlag : resolveFromRoot(config().DATABASE_PATH);
}

/**
 * Opens the database and brings it up to date. A file that does not exist is
 * refused, so that a mistyped --db or DATABASE_PATH is an error rather than a
 * new, empty database that the command then fills (a consultant created
 * where the site will never see them); --create (or `createIfMissing`, for
 * `migrate`, whose job it is) starts a new database there instead.
 */
export function openDb(cmd: Command, { createIfMissing = false }: { createIfMissing?: boolean } = {}) {
  const path = databasePath(cmd);
  const create = createIfMissing || cmd.optsWithGlobals<{ create?: boolean }>().create === true;
  if (!create && path !== ':memory:' && !existsSync(path)) {
    throw new UsageError(`there is no database at ${path}. Check the path (--db or DATABASE_PATH), or add --create to start a new, empty database there`);
  }
  return openMigrated(path);
}

/**
 * For commands that only make sense on data that is already there (removing,
 * rebuilding, reporting): a mistyped path is refused rather than answered
 * from a new, empty database.
 */
export function openExistingDb(cmd: Command) {
  const path = databasePath(cmd);
  if (!existsSync(path)) throw new UsageError(`there is no database at ${path}; check --db or DATABASE_PATH`);
  return openMigrated(path);
}
