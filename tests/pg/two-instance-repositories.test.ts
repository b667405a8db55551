import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPgStore } from '../../src/server/data/open.ts';
import { transaction, type PgStore } from '../../src/server/data/store.ts';
import { pgMigrationsDir } from '../../src/server/paths.ts';
import { appliedMigrationCount, closeStore } from '../../src/server/repositories/database-admin.ts';
import { takeRateSlot } from '../../src/server/repositories/rate-limits.ts';
import { getSetting, settingOrCreate } from '../../src/server/repositories/settings.ts';
import { freshDatabase } from '../helpers/pg.ts';

/**
 * Repository operations whose correctness across app servers rests on
 * PostgreSQL itself (a unique key, row locks) or on the caller's lock key:
 * two stores (two pools) on one database stand for two instances.
 */
let a: PgStore;
let b: PgStore;

beforeEach(async () => {
  const url = await freshDatabase('two_instances');
  a = await openPgStore(url, { max: 6 });
  b = await openPgStore(url, { max: 6 });
});

afterEach(async () => {
  await Promise.all([closeStore(a), closeStore(b)]);
});

describe('settingOrCreate on two instances at once', () => {
  it('gives every caller the one value that was stored first', async () => {
    const values = await Promise.all(Array.from({ length: 12 }, (_, i) => settingOrCreate(i % 2 ? a : b, 'shared-key', () => `value-${i}`)));
    const stored = await getSetting(a, 'shared-key');
    expect(stored).toMatch(/^value-\d+$/);
    expect(values).toEqual(values.map(() => stored));
    expect((await a.pool.query("SELECT count(*) AS n FROM settings WHERE key = 'shared-key'")).rows[0]).toEqual({ n: 1 });
  });
});

describe('takeRateSlot on two instances at once', () => {
  it('hands out exactly `max` slots when each caller holds the slot’s lock key', async () => {
    const limit = { bucket: 'test-bucket', key: 'one-client', max: 3, windowMs: 60_000 };
    const now = new Date('2031-01-01T00:00:00Z');
    const taken = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        transaction(i % 2 ? a : b, (tx) => takeRateSlot(tx, limit, now), { locks: [`rate:${limit.bucket}:${limit.key}`] }),
      ),
    );
    expect(taken.filter((x) => x === null)).toHaveLength(3);
    // The refused are told when the oldest of the window's hits leaves it.
    expect(taken.filter((x) => x !== null).map((x) => x!.getTime())).toEqual(Array(13).fill(now.getTime() + 60_000));
    expect((await a.pool.query('SELECT count(*) AS n FROM rate_limit_hits')).rows[0]).toEqual({ n: 3 });
  });
});

describe('database-admin on PostgreSQL', () => {
  it('counts the migrations drizzle recorded in its own schema, as many as the journal lists', async () => {
    const journal = JSON.parse(readFileSync(join(pgMigrationsDir(), 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(journal.entries.length).toBeGreaterThan(0);
    expect(await appliedMigrationCount(a)).toBe(journal.entries.length);
  });

  it('closeStore ends the pool, and closing it again does nothing', async () => {
    await closeStore(b);
    expect(b.pool.ended).toBe(true);
    await expect(closeStore(b)).resolves.toBeUndefined();
    await expect(b.pool.query('SELECT 1')).rejects.toThrow();
  });
});
