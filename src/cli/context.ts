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

export function openDb(cmd: Command) {
  return openMigrated(databasePath(cmd));
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
