import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** The database cannot be served: it cannot be opened, migrated or written, or it failed its integrity check (`corrupt`). */
export class DatabaseOpenError extends Error {
  readonly corrupt: boolean;
  // No parameter property: npm start loads this file through Node's type stripping, which refuses them.
  constructor(message: string, corrupt = false) {
    super(message);
    this.corrupt = corrupt;
  }
}

/**
 * The WAL file is cut back to this size after each checkpoint that resets
 * it, so a burst of writes does not leave a large file behind.
 */
export const JOURNAL_SIZE_LIMIT_BYTES = 32 * 1024 * 1024;
/** Pages in the WAL before a commit checkpoints it (SQLite's default, chosen here on purpose: about 4 MB). */
export const WAL_AUTOCHECKPOINT_PAGES = 1000;

export type Durability = 'FULL' | 'NORMAL';

/** Where to look in README for what to do about a damaged or unopenable database. */
const RESTORE_HINT = 'Restore the latest backup (README, "Running in production", Backups) and start again.';

/**
 * Up to this size the whole file is checked at every open. A million
 * participants make a 2.4 GB file whose full quick_check takes 26 s with the
 * file in the page cache and 103 s without (BENCHMARKS.md): too long for
 * every start, so a larger file gets the bounded check below.
 */
export const FULL_CHECK_MAX_BYTES = 256 * 1024 * 1024;
/** The tables that grow with every participant: at a million participants they take 28 of the 30 s a per-table check needs. */
const PER_PARTICIPANT_TABLES = new Set(['answers', 'participants', 'scores', 'participant_numbers']);

/**
 * `PRAGMA quick_check` on a file database: the page structure, free lists
 * and record formats, without the index-against-table cross-check of a full
 * integrity_check. A database that fails it is refused rather than served:
 * SQLite would otherwise answer some pages and fail others at random. Above
 * `fullCheckMaxBytes` only the schema and the tables that do not grow with
 * the participants are checked (a few hundred ms at a million), and a line
 * in the log says so: damage inside those four tables is then found when a
 * request reads it (SQLITE_CORRUPT, answered with the error page) or by a
 * full check of a backup copy.
 */
function checkIntegrity(sqlite: Database.Database, path: string, fullCheckMaxBytes: number): void {
  let result: string;
  try {
    if (statSync(path).size <= fullCheckMaxBytes) {
      result = String(sqlite.pragma('quick_check(1)', { simple: true }));
    } else {
      const tables = sqlite.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[];
      result = 'ok';
      for (const table of tables.filter((t) => !PER_PARTICIPANT_TABLES.has(t))) {
        result = String(sqlite.pragma(`quick_check("${table.replace(/"/g, '""')}")`, { simple: true }));
        if (result !== 'ok') break;
      }
      process.stderr.write(
        `velocity: ${path} is larger than ${FULL_CHECK_MAX_BYTES / 1024 / 1024} MB: the start checked its schema and every table but ${[...PER_PARTICIPANT_TABLES].join(', ')} (a full quick_check would take minutes)\n`,
      );
    }
  } catch (e) {
    result = (e as { code?: string }).code ?? (e as Error).message;
  }
  result = result.replace(/\s+/g, ' ');
  if (result !== 'ok') {
    sqlite.close();
    throw new DatabaseOpenError(`the database at ${path} is damaged (quick_check: ${result}). ${RESTORE_HINT}`, true);
  }
}

/**
 * mkdir -p one level at a time: Node's recursive mkdirSync spins forever on
 * some paths it cannot create (seen under /proc), where this fails at once.
 * The folders it creates are the owner's only (0700): they hold the
 * database, its WAL and its backups. A folder that exists is left as it is.
 */
export function ensurePrivateDir(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) ensurePrivateDir(parent);
  mkdirSync(dir, { mode: 0o700 });
}

/**
 * Creates an empty file readable and writable by its owner only (0600), or
 * leaves an existing one alone. SQLite gives the -wal and -shm files it
 * creates beside a database the database file's permissions, so creating
 * the file this way first keeps all three private.
 */
export function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/**
 * Opens (creating when needed) the SQLite file with the pragmas every
 * connection needs: WAL so readers never wait for the writer, foreign keys,
 * a busy timeout so a second process waits instead of failing, a bounded
 * WAL, and the durability of every commit (see `synchronous` below). A file
 * database is checked with `PRAGMA quick_check` first (checkIntegrity) unless
 * `check` is false (the benchmarks' own files).
 */
export function openDatabase(
  path: string,
  options: { migrationsFolder?: string; check?: boolean; durability?: Durability; fullCheckMaxBytes?: number } = {},
): Db {
  let sqlite: Database.Database;
  try {
    if (path !== ':memory:' && path !== '') {
      ensurePrivateDir(dirname(path));
      createPrivateFile(path);
    }
    sqlite = new Database(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new DatabaseOpenError(`cannot open the database at ${path}: ${err.code ?? err.message}. ${RESTORE_HINT}`);
  }
  const isFile = path !== ':memory:' && path !== '';
  if (isFile && options.check !== false) checkIntegrity(sqlite, path, options.fullCheckMaxBytes ?? FULL_CHECK_MAX_BYTES);
  try {
    sqlite.pragma('journal_mode = WAL');
    // FULL: a commit returns only once its WAL frames are fsynced, so a save the
    // site acknowledged survives a power cut or an OS crash, not only a killed
    // process. NORMAL (the cheaper setting) syncs only at checkpoints: a killed
    // process still loses nothing, but the last commits before a power cut can
    // vanish although the participant was told they were saved. The cost is
    // measured by `npm run bench:durability` (BENCHMARKS.md).
    sqlite.pragma(`synchronous = ${options.durability ?? 'FULL'}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
    sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  } catch (e) {
    sqlite.close();
    const err = e as NodeJS.ErrnoException;
    const corrupt = /^SQLITE_(CORRUPT|NOTADB)/.test(err.code ?? '');
    throw new DatabaseOpenError(`cannot open the database at ${path}: ${err.code ?? err.message}. ${RESTORE_HINT}`, corrupt);
  }
  const db = drizzle(sqlite, { schema }) as Db;
  if (options.migrationsFolder) {
    try {
      migrate(db, { migrationsFolder: options.migrationsFolder });
    } catch (e) {
      sqlite.close();
      throw new DatabaseOpenError(`cannot migrate the database at ${path}: ${(e as Error).message}. ${RESTORE_HINT}`);
    }
  }
  return db;
}
