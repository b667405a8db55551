import { onSqlite, type Store } from '../../src/server/data/store.ts';

/**
 * Seeded participants are demo data, which no real reader's figures include
 * (src/domain/population.ts). Tests that stand them in for real, invited
 * participants count every score row as the benchmark's.
 */
export async function countSeededAsBenchmark(db: Store): Promise<void> {
  const sql = "UPDATE scores SET population = 'benchmark'";
  if (db.backend === 'pg') {
    await db.pool.query(sql);
    return;
  }
  await onSqlite(db, (h) => h.$client.exec(sql));
}
