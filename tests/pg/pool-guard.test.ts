import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openPg } from '../../db/pg/client.ts';
import { freshDatabase } from '../helpers/pg.ts';

/** db/pg/pool.ts without a frozen server (that is tests/pg/frozen.test.ts): what a release does with the connection. */
const pools: pg.Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.end()));
});

async function onePool(): Promise<pg.Pool> {
  const { pool } = openPg(await freshDatabase('guard'), { max: 1 });
  pools.push(pool);
  return pool;
}

const pidOf = async (client: pg.PoolClient) => (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

describe('a pooled connection given back', () => {
  it('settled, is lent again', async () => {
    const pool = await onePool();
    const first = await pool.connect();
    const pid = await pidOf(first);
    first.release();
    const again = await pool.connect();
    try {
      expect(await pidOf(again)).toBe(pid);
    } finally {
      again.release();
    }
  });

  for (const release of [undefined, false] as const) {
    it(`inside an open transaction (release(${String(release)})), is closed, and the next borrower is in none`, async () => {
      const pool = await onePool();
      const first = await pool.connect();
      const pid = await pidOf(first);
      await first.query('BEGIN');
      await first.query('CREATE TABLE half_done (x int)');
      first.release(release);
      const next = await pool.connect();
      try {
        expect(await pidOf(next)).not.toBe(pid);
        // Its own statements commit on their own, and the table of the abandoned transaction never existed.
        expect((await next.query("SELECT to_regclass('half_done') IS NULL AS gone")).rows[0].gone).toBe(true);
      } finally {
        next.release();
      }
    });
  }

  it('after its connection ended under its holder, leaves the pool at once, and the holder releasing it later changes nothing', async () => {
    const pool = await onePool();
    const held = await pool.connect();
    const pid = await pidOf(held);
    const { pool: admin } = openPg(await freshDatabase('admin'), { max: 1 });
    pools.push(admin);
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await expect.poll(() => pool.totalCount).toBe(0);
    expect(() => held.release()).not.toThrow();
    const next = await pool.connect();
    try {
      expect(await pidOf(next)).not.toBe(pid);
    } finally {
      next.release();
    }
  });
});
