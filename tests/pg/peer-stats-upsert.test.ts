import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePg, openPg } from '../../db/pg/client.ts';
import { projectRoot } from '../../src/server/paths.ts';
import { freshDatabase } from '../helpers/pg.ts';

/**
 * The additions db/pg/schema.ts describes for the two peer-statistics
 * tables: several app servers finishing at once each add their own counts to
 * the same rows, and none is lost, without retries.
 */
const ADD_SCORE_COUNTS = `
  INSERT INTO peer_score_counts (dimension, key, measure, point, n, hundredths) VALUES ($1, $2, $3, $4, $5, $6::int[])
  ON CONFLICT (dimension, key, measure, point) DO UPDATE SET
    n = peer_score_counts.n + excluded.n,
    hundredths = ARRAY(SELECT a + b FROM unnest(peer_score_counts.hundredths, excluded.hundredths) WITH ORDINALITY AS u(a, b, i) ORDER BY i)`;

const ADD_ITEM_SUMS = `
  INSERT INTO peer_item_sums (dimension, key, item_id, n, total) VALUES ($1, $2, $3, $4::int[], $5::float8[])
  ON CONFLICT (dimension, key, item_id) DO UPDATE SET
    n = ARRAY(SELECT a + b FROM unnest(peer_item_sums.n, excluded.n) WITH ORDINALITY AS u(a, b, i) ORDER BY i),
    total = ARRAY(SELECT CASE WHEN na + nb = 0 THEN 0 ELSE ta + tb END
                  FROM unnest(peer_item_sums.n, excluded.n, peer_item_sums.total, excluded.total) WITH ORDINALITY AS u(na, nb, ta, tb, i) ORDER BY i)`;

const DROP_EMPTY_POINT = 'DELETE FROM peer_score_counts WHERE dimension = $1 AND key = $2 AND measure = $3 AND point = $4 AND n = 0';

const oneAt = (length: number, at: number, value = 1) => Array.from({ length }, (_, i) => (i === at ? value : 0));

let servers: pg.Pool[];

beforeAll(async () => {
  const url = await freshDatabase('peer_stats');
  // Three app servers, each with a pool of its own.
  servers = [0, 1, 2].map(() => openPg(url, { max: 4 }).pool);
  await migratePg(servers[0]!, join(projectRoot(), 'db', 'pg', 'migrations'));
});

afterAll(async () => {
  await Promise.all(servers.map((p) => p.end()));
});

/** One finish: the participant's rows of both tables in one transaction, written in primary-key order. */
async function finish(pool: pg.Pool, point: number, hundredth: number, itemScore: number, sign: 1 | -1): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(ADD_ITEM_SUMS, ['all', '', 'q01', oneAt(101, point, sign), oneAt(101, point, sign * itemScore)]);
    await client.query(ADD_SCORE_COUNTS, ['all', '', 'velocity', point, sign, oneAt(100, hundredth, sign)]);
    await client.query(DROP_EMPTY_POINT, ['all', '', 'velocity', point]);
    // Hold the row locks a while, as a finish that writes its scores does, so the others queue on them.
    await client.query('SELECT pg_sleep(0.005)');
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}

describe('the peer statistics on PostgreSQL', () => {
  it('count every finish when three servers add to the same rows at once', async () => {
    const perServer = 40;
    await Promise.all(
      servers.flatMap((pool, s) => Array.from({ length: perServer }, (_, i) => finish(pool, 62, (s * perServer + i) % 3, 0.5, 1))),
    );
    const { rows } = await servers[0]!.query('SELECT n, hundredths FROM peer_score_counts WHERE point = 62');
    expect(rows).toEqual([{ n: 120, hundredths: oneAt(100, 0, 40).map((v, h) => (h < 3 ? 40 : v)) }]);
    const items = await servers[1]!.query('SELECT n, total FROM peer_item_sums');
    expect(items.rows).toEqual([{ n: oneAt(101, 62, 120), total: oneAt(101, 62, 60) }]);
  });

  it('remove rows that come to nothing, while other servers add to them', async () => {
    // Adds and removals of the same point interleaved across servers: 30 in, 30 out, 10 more in.
    const work = [
      ...Array.from({ length: 30 }, (_, i) => () => finish(servers[i % 3]!, 40, 7, 0.25, 1)),
      ...Array.from({ length: 30 }, (_, i) => () => finish(servers[(i + 1) % 3]!, 40, 7, 0.25, -1)),
    ];
    for (const step of work.slice(0, 30)) await step();
    await Promise.all([...work.slice(30).map((step) => step()), ...Array.from({ length: 10 }, (_, i) => finish(servers[(i + 2) % 3]!, 40, 7, 0.25, 1))]);
    const { rows } = await servers[2]!.query('SELECT n, hundredths FROM peer_score_counts WHERE point = 40');
    expect(rows).toEqual([{ n: 10, hundredths: oneAt(100, 7, 10) }]);
    const items = await servers[2]!.query('SELECT n[41] AS n, total[41] AS total FROM peer_item_sums');
    expect(items.rows).toEqual([{ n: 10, total: 2.5 }]);
  });

  it('sum a point nobody is left in to exactly zero', async () => {
    for (const score of [0.1, 0.2, 0.7]) await finish(servers[0]!, 90, 1, score, 1);
    for (const score of [0.7, 0.1, 0.2]) await finish(servers[1]!, 90, 1, score, -1);
    const { rows } = await servers[0]!.query('SELECT n[91] AS n, total[91] AS total FROM peer_item_sums');
    expect(rows).toEqual([{ n: 0, total: 0 }]);
    expect((await servers[0]!.query('SELECT count(*)::int AS n FROM peer_score_counts WHERE point = 90')).rows).toEqual([{ n: 0 }]);
  });
});
