import { getTableConfig } from 'drizzle-orm/pg-core';
import { getTableName } from 'drizzle-orm';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgStore } from '../../src/server/data/open.ts';
import { copySqliteToPg, tablesInCopyOrder, TargetNotEmptyError, verifyCopy } from '../../src/server/data/copy-to-postgres.ts';
import { openMigrated } from '../../src/server/db.ts';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { PROCESSES_TEST_MS, SETUP_MS } from '../helpers/limits.ts';
import { freshDatabase } from '../helpers/pg.ts';
import { tempDir } from '../helpers/temp-db.ts';

const SEEDED = 120;
const tmp = tempDir('velocity-to-pg-');
const sqliteFile = join(tmp.dir, 'velocity.sqlite');

/** The URL with a password in it: trust authentication ignores it, and nothing may print it. */
const withPassword = (url: string) => {
  const u = new URL(url);
  u.password = 'pw-not-to-print';
  return u.toString();
};

async function count(url: string, table: string): Promise<number> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0].n;
  } finally {
    await client.end();
  }
}

beforeAll(() => {
  // The CLI's own seed: completed participants with answers, numbers, scores and peer statistics.
  const seeded = runCli(['--db', sqliteFile, '--create', 'seed', '--count', String(SEEDED)]);
  expect(seeded.status, seeded.stderr).toBe(0);
}, SETUP_MS);
afterAll(() => tmp.cleanup());

describe('tablesInCopyOrder', () => {
  it('holds every table once, each after the tables its foreign keys point to', () => {
    const order = tablesInCopyOrder().map((p) => p.name);
    expect(new Set(order).size).toBe(order.length);
    for (const pair of tablesInCopyOrder()) {
      for (const fk of getTableConfig(pair.pg).foreignKeys) {
        const parent = getTableName(fk.reference().foreignTable);
        if (parent !== pair.name) expect(order.indexOf(parent), `${pair.name} → ${parent}`).toBeLessThan(order.indexOf(pair.name));
      }
    }
    expect(order).toEqual(expect.arrayContaining(['participants', 'answers', 'scores', 'peer_score_counts', 'peer_item_sums', 'settings']));
  });
});

describe('cli migrate-to-postgres', () => {
  it('copies a seeded SQLite database: the same rows in every table, report OK; a second copy is refused without --force', { timeout: PROCESSES_TEST_MS }, async () => {
    const url = await freshDatabase('topg');
    const r = runCli(['migrate-to-postgres', '--from', sqliteFile, '--to', withPassword(url)]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(`copied participants: ${SEEDED} rows`);
    expect(r.stdout).toMatch(/scores of 50 participants recomputed/);
    expect(r.stdout).toMatch(/^Result: OK/m);
    expect(r.stdout + r.stderr).not.toContain('pw-not-to-print');

    const sqlite = openMigrated(sqliteFile);
    try {
      for (const { name } of tablesInCopyOrder()) {
        const n = (sqlite.db.$client.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n;
        expect(await count(url, name), name).toBe(n);
      }
    } finally {
      sqlite.db.$client.close();
    }
    expect(await count(url, 'participants')).toBe(SEEDED);

    const again = runCli(['migrate-to-postgres', '--from', sqliteFile, '--to', withPassword(url)]);
    expectUsageError(again, `already holds ${SEEDED} participants`, '--force');
    expect(again.stderr).not.toContain('pw-not-to-print');
    expect(await count(url, 'participants')).toBe(SEEDED);

    const forced = runCli(['migrate-to-postgres', '--from', sqliteFile, '--to', url, '--force']);
    expect(forced.status, forced.stderr + forced.stdout).toBe(0);
    expect(forced.stdout).toMatch(/^Result: OK/m);
    expect(await count(url, 'participants')).toBe(SEEDED);
  });

  it('a copy the target refuses part-way says why (SQLSTATE, table, constraint) without the SQL or values, and keeps nothing of it', { timeout: PROCESSES_TEST_MS }, async () => {
    const url = await freshDatabase('topg_refused');
    const migrated = await openPgStore(url, { max: 1 });
    await migrated.pool.query("ALTER TABLE answers ADD CONSTRAINT no_answers_here CHECK (value = '')");
    await migrated.pool.end();
    const r = runCli(['migrate-to-postgres', '--from', sqliteFile, '--to', withPassword(url)]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain('failed and was rolled back');
    expect(r.stderr).toMatch(/SQLSTATE 23514, table answers, constraint no_answers_here/);
    expect(r.stderr).not.toMatch(/Failed query|params|INSERT INTO|pw-not-to-print/);
    expect(await count(url, 'participants')).toBe(0);
  });

  it('copies into DATABASE_URL when --to is left out (the password then never on the command line), and asks for one without either', { timeout: PROCESSES_TEST_MS }, async () => {
    const url = await freshDatabase('topg_env');
    const r = runCli(['migrate-to-postgres', '--from', sqliteFile], { env: { DATABASE_URL: withPassword(url) } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Result: OK');
    expect(r.stdout + r.stderr).not.toContain('pw-not-to-print');
    expect(await count(url, 'participants')).toBe(SEEDED);
    expectUsageError(runCli(['migrate-to-postgres', '--from', sqliteFile]), 'say where to copy to', 'DATABASE_URL');
  });

  it('refuses a --to that is not a PostgreSQL address, and a --from that does not exist', () => {
    expectUsageError(runCli(['migrate-to-postgres', '--from', sqliteFile, '--to', join(tmp.dir, 'other.sqlite')]), '--to must be a PostgreSQL address');
    expectUsageError(runCli(['migrate-to-postgres', '--from', join(tmp.dir, 'missing.sqlite'), '--to', 'postgres://x@127.0.0.1/x']), 'there is no SQLite database at');
  });
});

describe('copySqliteToPg and verifyCopy', () => {
  it('keep ids, move the sequences past them, turn the statistics blobs into the same arrays, and find a changed score', async () => {
    const url = await freshDatabase('copy');
    const source = openMigrated(sqliteFile);
    const target = await openPgStore(url, { max: 2 });
    try {
      const result = await copySqliteToPg(source.db, target);
      expect(result.tables.find((t) => t.name === 'participants')!.rows).toBe(SEEDED);
      expect((await verifyCopy(source.db, target)).mismatches).toEqual([]);

      const maxId = (source.db.$client.prepare('SELECT max(id) AS id FROM participants').get() as { id: number }).id;
      const { rows: next } = await target.pool.query<{ id: number }>(
        'INSERT INTO participants (role, company_name, industry, employees, sales_team, region, motion, instrument_id, instrument_version, resume_token_hash, updated_at) ' +
          "SELECT role, company_name, industry, employees, sales_team, region, motion, instrument_id, instrument_version, 'fresh-hash', now() FROM participants LIMIT 1 RETURNING id",
      );
      expect(next[0]!.id).toBe(maxId + 1);
      await target.pool.query("DELETE FROM participants WHERE resume_token_hash = 'fresh-hash'");

      const blob = source.db.$client.prepare('SELECT dimension, key, item_id, n, total FROM peer_item_sums LIMIT 1').get() as { dimension: string; key: string; item_id: string; n: Buffer; total: Buffer };
      const { rows: sums } = await target.pool.query<{ n: number[]; total: number[] }>('SELECT n, total FROM peer_item_sums WHERE dimension = $1 AND key = $2 AND item_id = $3', [blob.dimension, blob.key, blob.item_id]);
      expect(sums[0]!.n).toEqual(Array.from({ length: blob.n.length / 4 }, (_, i) => blob.n.readInt32LE(i * 4)));
      expect(sums[0]!.total).toEqual(Array.from({ length: blob.total.length / 8 }, (_, i) => blob.total.readDoubleLE(i * 8)));

      await expect(copySqliteToPg(source.db, target)).rejects.toThrow(TargetNotEmptyError);

      // Every participant is sampled here, so the one whose stored score no longer matches its answers is found.
      await target.pool.query('UPDATE scores SET velocity = velocity + 1 WHERE participant_id = (SELECT min(participant_id) FROM scores)');
      const check = await verifyCopy(source.db, target, SEEDED);
      expect(check.sampled).toBe(SEEDED);
      expect(check.mismatches.some((m) => /velocity is .* in PostgreSQL, .* recomputed from the copied answers/.test(m))).toBe(true);
    } finally {
      source.db.$client.close();
      await target.pool.end();
    }
  });
});

describe('a copy reads back row for row', () => {
  it('every table gives the same rows through both schemas: Dates, booleans, nulls, blobs, awkward text, statistics', async () => {
    const file = join(tmp.dir, 'awkward.sqlite');
    copyFileSync(sqliteFile, file);
    const source = openMigrated(file);
    const raw = source.db.$client;
    raw
      .prepare('INSERT INTO consultants (id, email, name, password_hash, created_at, disabled_at, weekly_summary, summary_queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(7, 'o\'brien"{x}@example.com', 'Zoë \\ "NULL" {a,b}', 'scrypt$1$2$3$s$h', 1_700_000_000_123, null, 1, 1_700_000_100_456);
    raw.prepare('INSERT INTO consultants (id, email, password_hash, created_at, weekly_summary) VALUES (?, ?, ?, ?, ?)').run(9, 'NULL', 'h', 1_700_000_000_000, 0);
    raw
      .prepare('INSERT INTO studies (id, consultant_id, name, invite_token, created_at, brand_logo, brand_logo_width, brand_logo_height, brand_logo_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(3, 7, 'Ünïcode — study, with "quotes"', 'tok-3', 1_700_000_000_999, Buffer.from([0, 1, 2, 255, 92, 34, 123]), 10, 20, 'abc');
    const url = await freshDatabase('rows');
    const target = await openPgStore(url, { max: 2 });
    try {
      await copySqliteToPg(source.db, target);
      for (const pair of tablesInCopyOrder()) {
        const fromSqlite = await source.db.select().from(pair.sqlite);
        const fromPg = await target.db.select().from(pair.pg);
        const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r, (_, v) => (v?.type === 'Buffer' ? `buffer:${v.data.join(',')}` : v))).sort();
        if (pair.name === 'peer_score_counts' || pair.name === 'peer_item_sums') {
          expect(fromPg.length, pair.name).toBe(fromSqlite.length);
          continue;
        }
        expect(sorted(fromPg), pair.name).toEqual(sorted(fromSqlite));
      }
      const [consultant] = await target.pool.query('SELECT * FROM consultants WHERE id = 7').then((r) => r.rows);
      expect(consultant).toMatchObject({ email: 'o\'brien"{x}@example.com', name: 'Zoë \\ "NULL" {a,b}', weekly_summary: true, disabled_at: null });
      expect((consultant.created_at as Date).getTime()).toBe(1_700_000_000_123);
      const [study] = await target.pool.query('SELECT brand_logo FROM studies WHERE id = 3').then((r) => r.rows);
      expect(study.brand_logo).toEqual(Buffer.from([0, 1, 2, 255, 92, 34, 123]));
      expect((await target.pool.query("SELECT email FROM consultants WHERE id = 9")).rows[0].email).toBe('NULL');
    } finally {
      raw.close();
      await target.pool.end();
    }
  });
});
