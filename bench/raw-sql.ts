import Database from 'better-sqlite3';
import pg from 'pg';
import { isPostgresUrl } from '../src/server/data/open.ts';

/**
 * The benchmarks' own SQL (baselines, set-up, checks after a run) on a SQLite
 * file or a PostgreSQL database, not through the data-access boundary: `?`
 * placeholders on both, one connection of its own (so a session setting such
 * as switching index scans off stays on it). Quote mixed-case aliases
 * (`AS "participantId"`): PostgreSQL folds unquoted names to lower case.
 */
export interface RawSql {
  readonly backend: 'sqlite' | 'pg';
  run(sql: string, ...params: unknown[]): Promise<void>;
  get<T>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  all<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** Rows as arrays of values, in the order of the SELECT list. */
  rows(sql: string, ...params: unknown[]): Promise<unknown[][]>;
  close(): Promise<void>;
}

/** `?` → `$1, $2, …` (the benches' SQL has no `?` inside quoted text). */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export async function openRaw(database: string, options: { readonly?: boolean } = {}): Promise<RawSql> {
  if (!isPostgresUrl(database)) {
    const db = new Database(database, { readonly: options.readonly ?? false });
    return {
      backend: 'sqlite',
      run: async (sql, ...params) => void db.prepare(sql).run(...params),
      get: async (sql, ...params) => db.prepare(sql).get(...params) as never,
      all: async (sql, ...params) => db.prepare(sql).all(...params) as never,
      rows: async (sql, ...params) => db.prepare(sql).raw().all(...params) as unknown[][],
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  return {
    backend: 'pg',
    run: async (sql, ...params) => void (await client.query(numbered(sql), params)),
    get: async (sql, ...params) => (await client.query(numbered(sql), params)).rows[0],
    all: async (sql, ...params) => (await client.query(numbered(sql), params)).rows,
    rows: async (sql, ...params) => (await client.query({ text: numbered(sql), values: params, rowMode: 'array' })).rows,
    close: () => client.end(),
  };
}
