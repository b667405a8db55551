import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase } from '../../scripts/pg-cluster.ts';
import { openPgStore } from '../../src/server/data/open.ts';
import type { Store } from '../../src/server/data/store.ts';
import { openTempDb } from './temp-db.ts';

/**
 * Which backend the run's stores are: `npm test` runs on SQLite,
 * `npm run test:pg` (vitest.pg.config.ts) sets TEST_BACKEND=pg and runs the
 * same suites on PostgreSQL.
 */
export const TEST_BACKEND: 'sqlite' | 'pg' = process.env.TEST_BACKEND === 'pg' ? 'pg' : 'sqlite';

/** Plain SQL for a test's own set-up and checks, on either backend: `?` placeholders (numbered for PostgreSQL). */
export interface RawSql {
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, ...params: unknown[]): Promise<number>;
  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** A moment as a parameter for a timestamp column: milliseconds on SQLite (timestamp_ms), a Date on PostgreSQL. */
  at(ms: number | Date): unknown;
}

export interface TestStore {
  db: Store;
  raw: RawSql;
  /** The database's address: a SQLite file path or a PostgreSQL URL (for a server or CLI run on the same data). */
  url: string;
  cleanup: () => Promise<void>;
}

/** `?` → `$1, $2, …` outside quoted text. */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '?') {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}

/** Raw SQL on a store of either backend (SQLite: better-sqlite3 on the store's connection; PostgreSQL: its pool). */
export function rawSql(store: Store): RawSql {
  if (store.backend === 'pg') {
    const query = (sql: string, params: unknown[]) => store.pool.query(numberedPlaceholders(sql), params);
    return {
      run: async (sql, ...params) => (await query(sql, params)).rowCount ?? 0,
      get: async (sql, ...params) => (await query(sql, params)).rows[0],
      all: async (sql, ...params) => (await query(sql, params)).rows,
      at: (ms) => new Date(ms),
    };
  }
  const client = store.db.$client;
  return {
    run: async (sql, ...params) => client.prepare(sql).run(...params).changes,
    get: async <T>(sql: string, ...params: unknown[]) => client.prepare(sql).get(...params) as T | undefined,
    all: async <T>(sql: string, ...params: unknown[]) => client.prepare(sql).all(...params) as T[],
    at: (ms) => (ms instanceof Date ? ms.getTime() : ms),
  };
}

/** A fresh, migrated database of the run's backend: a temporary SQLite file, or a new database on the run's PostgreSQL cluster. */
export async function openTestStore(): Promise<TestStore> {
  if (TEST_BACKEND === 'pg') {
    const url = await createDatabase(inject('pgAdminUrl'), `test_${randomBytes(6).toString('hex')}`);
    const db = await openPgStore(url, { max: 4 });
    return { db, raw: rawSql(db), url, cleanup: () => db.pool.end() };
  }
  const t = openTempDb();
  return { db: t.db, raw: rawSql(t.db), url: t.path, cleanup: async () => t.cleanup() };
}
