import { afterEach, describe, expect, it } from 'vitest';
import { openPgStore } from '../../src/server/data/open.ts';
import { transaction, type PgStore } from '../../src/server/data/store.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { freshDatabase } from '../helpers/pg.ts';

/**
 * A seed on PostgreSQL leaves the planner statistics of the tables it filled
 * (repositories/pg/bulk.ts refreshPlannerStatistics): VACUUM (ANALYZE) on its
 * own, ANALYZE alone inside a caller's transaction, where VACUUM cannot run.
 */
const SEEDED = ['participants', 'answers', 'participant_numbers', 'scores', 'peer_score_counts', 'peer_item_sums'];

const opened: PgStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.pool.end()));
});

async function freshStore(): Promise<PgStore> {
  const store = await openPgStore(await freshDatabase('seed_stats'), { max: 3 });
  opened.push(store);
  return store;
}

/** Per seeded table: whether it was vacuumed, and analyzed, by hand (autovacuum's runs are counted apart). */
async function maintained(db: PgStore): Promise<Record<string, { vacuumed: boolean; analyzed: boolean }>> {
  const { rows } = await db.pool.query<{ relname: string; vacuumed: boolean; analyzed: boolean }>(
    `SELECT relname, vacuum_count > 0 AS vacuumed, analyze_count > 0 AS analyzed FROM pg_stat_user_tables WHERE relname = ANY($1)`,
    [SEEDED],
  );
  return Object.fromEntries(rows.map((r) => [r.relname, { vacuumed: r.vacuumed, analyzed: r.analyzed }]));
}

describe('seeding on PostgreSQL', () => {
  it('ends with VACUUM (ANALYZE) of every table it filled, and the planner then knows the scores are there', async () => {
    const db = await freshStore();
    const before = await maintained(db);
    for (const table of SEEDED) expect(before[table], table).toEqual({ vacuumed: false, analyzed: false });
    await seedParticipants(db, instrument, { count: 300, seed: 3 });
    const after = await maintained(db);
    for (const table of SEEDED) expect(after[table], table).toEqual({ vacuumed: true, analyzed: true });
    const { rows } = await db.pool.query<{ reltuples: number }>(`SELECT reltuples FROM pg_class WHERE relname = 'scores'`);
    expect(rows[0]!.reltuples).toBe(300);
  });

  it('inside a caller’s transaction analyzes without vacuuming, and the seed commits with the transaction', async () => {
    const db = await freshStore();
    await transaction(db, (tx) => seedParticipants(tx, instrument, { count: 50, seed: 4 }));
    const after = await maintained(db);
    for (const table of SEEDED) expect(after[table], table).toEqual({ vacuumed: false, analyzed: true });
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM scores');
    expect(Number(rows[0]!.n)).toBe(50);
  });
});
