import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export class DatabaseOpenError extends Error {}

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
 * and a busy timeout so a second process waits instead of failing.
 */
export function openDatabase(path: string, options: { migrationsFolder?: string } = {}): Db {
  let sqlite: Database.Database;
  try {
    if (path !== ':memory:' && path !== '') {
      ensurePrivateDir(dirname(path));
      createPrivateFile(path);
    }
    sqlite = new Database(path);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL is durable in WAL mode up to the last commit before a power cut,
    // and a killed process loses nothing already committed.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new DatabaseOpenError(`cannot open the database at ${path}: ${err.code ?? err.message}`);
  }
  const db = drizzle(sqlite, { schema }) as Db;
  if (options.migrationsFolder) {
    try {
      migrate(db, { migrationsFolder: options.migrationsFolder });
    } catch (e) {
      sqlite.close();
      throw new DatabaseOpenError(`cannot migrate the database at ${path}: ${(e as Error).message}`);
    }
  }
  return db;
}
