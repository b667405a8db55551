import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { describePgUrl, pgUrlProblem } from '../../db/pg/client.ts';
import { config } from '../server/config.ts';
import { looksLikeAddress } from '../server/data/address-like.ts';
import { isPostgresUrl, openPgStore, openStore } from '../server/data/open.ts';
import type { Store } from '../server/data/store.ts';
import { resolveFromRoot } from '../server/paths.ts';
import { UsageError } from './errors.ts';

/**
 * The database the command should use: --db first (a SQLite file or a
 * postgres:// URL), then DATABASE_URL (PostgreSQL), then DATABASE_PATH, as
 * the server chooses. Holds a password for PostgreSQL: print databaseLabel.
 */
export function databasePath(cmd: Command): string {
  const fromFlag = cmd.optsWithGlobals<{ db?: string }>().db;
  if (fromFlag) {
    refuseOtherAddresses(fromFlag);
    return fromFlag;
  }
  return config().DATABASE_URL ?? resolveFromRoot(config().DATABASE_PATH);
}

/**
 * A --db that reads as an address (a scheme before a colon: mysql://…,
 * pg://…, postgres:/…; or postgres//…, its colon left out) but is not a usable PostgreSQL one is refused without
 * repeating it (it may hold a password), rather than taken for a SQLite file
 * path of that name.
 */
function refuseOtherAddresses(spec: string): void {
  if (!looksLikeAddress(spec)) return;
  // Untrimmed: a space before or after the address is one of the problems named.
  const problem = pgUrlProblem(spec);
  if (problem !== null) throw new UsageError(`--db is neither a database file nor a usable PostgreSQL address: the address given is ${problem}`);
}

/** The command's database as it may be printed: the file, or the PostgreSQL address without its password. */
export function databaseLabel(cmd: Command): string {
  const spec = databasePath(cmd);
  return isPostgresUrl(spec) ? describePgUrl(spec) : spec;
}

/** Whether the command's database is PostgreSQL. */
export function onPostgres(cmd: Command): boolean {
  return isPostgresUrl(databasePath(cmd));
}

/**
 * Opens the database and brings it up to date. A file that does not exist is
 * refused, so that a mistyped --db or DATABASE_PATH is an error rather than a
 * new, empty database that the command then fills (a consultant created
 * where the site will never see them); --create (or `createIfMissing`, for
 * `migrate`, whose job it is) starts a new database there instead. A
 * PostgreSQL database is a server's: one that cannot be reached is an error
 * naming it (without the password), and an empty one is migrated.
 */
export async function openDb(cmd: Command, { createIfMissing = false }: { createIfMissing?: boolean } = {}): Promise<Store> {
  const path = databasePath(cmd);
  if (isPostgresUrl(path)) return openStore(path);
  const create = createIfMissing || cmd.optsWithGlobals<{ create?: boolean }>().create === true;
  if (!create && path !== ':memory:' && !existsSync(path)) {
    throw new UsageError(`there is no database at ${path}. Check the path (--db or DATABASE_PATH), or add --create to start a new, empty database there`);
  }
  return openStore(path);
}

/**
 * For commands that only make sense on data that is already there (removing,
 * rebuilding, reporting): a mistyped path is refused rather than answered
 * from a new, empty database.
 */
export async function openExistingDb(cmd: Command, pg: { statementTimeoutMs?: number } = {}): Promise<Store> {
  const path = databasePath(cmd);
  if (!isPostgresUrl(path) && !existsSync(path)) throw new UsageError(`there is no database at ${path}; check --db or DATABASE_PATH`);
  return isPostgresUrl(path) ? openPgStore(path, pg) : openStore(path);
}
