import { getTableName, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { DatabaseOpenError } from '../../db/client.ts';
import { describePgUrl, MIGRATION_LOCK_KEY, migratePg, openPg } from '../../db/pg/client.ts';
import * as schema from '../../db/pg/schema.ts';
import { freePort } from '../../scripts/site-process.ts';
import { projectRoot } from '../../src/server/paths.ts';
import { EVENTUALLY_MS } from '../helpers/limits.ts';
import { freshDatabase } from '../helpers/pg.ts';

const MIGRATIONS = join(projectRoot(), 'db', 'pg', 'migrations');
const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
const tables = (Object.values(schema).filter((v) => is(v, PgTable)) as PgTable[]).map((t) => getTableConfig(t));

const pools: pg.Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.end()));
});

function open(url: string): pg.Pool {
  const { pool } = openPg(url, { max: 2 });
  pools.push(pool);
  return pool;
}

async function migrationRows(pool: pg.Pool): Promise<{ id: number; hash: string; created_at: string }[]> {
  return (await pool.query('SELECT id, hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id')).rows;
}

describe('migratePg', () => {
  it('creates every table of db/pg/schema.ts, with its columns, in an empty database', async () => {
    const pool = open(await freshDatabase('migrate'));
    await migratePg(pool, MIGRATIONS);
    const { rows } = await pool.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const stored = new Map<string, string[]>();
    for (const r of rows) stored.set(r.table_name, [...(stored.get(r.table_name) ?? []), r.column_name]);
    expect([...stored.keys()].sort()).toEqual(tables.map((t) => t.name).sort());
    for (const t of tables) expect(stored.get(t.name)!.sort(), t.name).toEqual(t.columns.map((c) => c.name).sort());
    expect(await migrationRows(pool)).toHaveLength(journal.entries.length);
  });

  it('applies the migrations once when three instances start together, the others waiting for the first', async () => {
    const url = await freshDatabase('together');
    const instances = [open(url), open(url), open(url)];
    // Another instance holds the lock: nobody may migrate until it lets go.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
      let finished = 0;
      const all = Promise.all(instances.map((p) => migratePg(p, MIGRATIONS).then(() => finished++)));
      await vi.waitFor(
        async () => {
          const { rows } = await holder.query(
            "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
          );
          expect(rows[0].n).toBe(3);
        },
        { timeout: EVENTUALLY_MS, interval: 50 },
      );
      expect(finished).toBe(0);
      expect((await holder.query("SELECT to_regclass('public.participants') AS t")).rows).toEqual([{ t: null }]);
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
      await all;
      expect(finished).toBe(3);
    } finally {
      await holder.end();
    }
    const rows = await migrationRows(instances[0]!);
    expect(rows.map((r) => Number(r.created_at))).toEqual(journal.entries.map((e) => e.when));
  });

  it('applies the migrations once when three instances race for the lock', async () => {
    const url = await freshDatabase('race');
    const instances = [open(url), open(url), open(url)];
    await Promise.all(instances.map((p) => migratePg(p, MIGRATIONS)));
    expect(await migrationRows(instances[0]!)).toHaveLength(journal.entries.length);
  });

  it('does nothing on a database that has every migration', async () => {
    const pool = open(await freshDatabase('again'));
    await migratePg(pool, MIGRATIONS);
    const before = await migrationRows(pool);
    await pool.query("INSERT INTO settings (key, value) VALUES ('kept', 'yes')");
    await migratePg(pool, MIGRATIONS);
    expect(await migrationRows(pool)).toEqual(before);
    expect((await pool.query('SELECT value FROM settings')).rows).toEqual([{ value: 'yes' }]);
    // The lock was let go: another session takes it at once.
    const { rows } = await pool.query('SELECT pg_try_advisory_lock($1::bigint) AS got', [MIGRATION_LOCK_KEY.toString()]);
    expect(rows[0].got).toBe(true);
  });
});

describe('a PostgreSQL that cannot be used', () => {
  const PASSWORD = 'Sekr3t-pw_never-shown';

  async function failure(url: string): Promise<DatabaseOpenError> {
    const error = await migratePg(open(url), MIGRATIONS).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect((error as Error).message).not.toContain(PASSWORD);
    return error as DatabaseOpenError;
  }

  it('names the server, without the password, when nothing listens there', async () => {
    const port = await freePort();
    const error = await failure(`postgres://velocity:${PASSWORD}@127.0.0.1:${port}/velocity`);
    expect(error.message).toBe(`cannot reach PostgreSQL at postgres://velocity@127.0.0.1:${port}/velocity: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('says so when the database does not exist, without the password', async () => {
    const server = new URL(inject('pgAdminUrl'));
    const url = `postgres://postgres:${PASSWORD}@${server.host}/no_such_database`;
    const error = await failure(url);
    expect(error.message).toBe(
      `cannot reach PostgreSQL at postgres://postgres@${server.host}/no_such_database: database "no_such_database" does not exist (3D000). Create it first, as the server's administrator: createdb -O postgres no_such_database`,
    );
  });

  it('refuses an address that is not PostgreSQL, without echoing it', () => {
    expect(() => openPg(`mysql://root:${PASSWORD}@127.0.0.1/velocity`)).toThrow(
      new DatabaseOpenError(`the PostgreSQL address given is not a PostgreSQL address: it must look like postgres://user:password@host:5432/database`),
    );
    expect(() => openPg(`${PASSWORD} no url`)).toThrow(/^the PostgreSQL address given is not a URL: it must look like postgres:\/\//);
  });

  it('refuses an address without a server (a slash short), which the driver would send to the default server with the password as a database name', () => {
    for (const typo of [`postgres:/v:${PASSWORD}@127.0.0.1:5432/velocity`, `postgres:v:${PASSWORD}@127.0.0.1:5432/velocity`, `postgres://127.0.0.1:5432`]) {
      let message = '';
      try {
        openPg(typo);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, typo).toMatch(/^the PostgreSQL address given is no (server|database) named/);
      expect(message).not.toContain(PASSWORD);
      expect(describePgUrl(typo)).not.toContain(PASSWORD);
    }
  });
});
