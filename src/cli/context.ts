import type { Command } from 'commander';
import { config } from '../server/config.ts';
import { openMigrated } from '../server/db.ts';
import { resolveFromRoot } from '../server/paths.ts';

/** The database the command should use: --db first, then DATABASE_PATH. */
export function databasePath(cmd: Command): string {
  const fromFlag = cmd.optsWithGlobals<{ db?: string }>().db;
  return fromFlag ? fromFlag : resolveFromRoot(config().DATABASE_PATH);
}

export function openDb(cmd: Command) {
  return openMigrated(databasePath(cmd));
}
