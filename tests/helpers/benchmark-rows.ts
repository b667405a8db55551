import type { Db } from '../../db/client.ts';

/**
 * Seeded participants are demo data, which no real reader's figures include
 * (src/domain/population.ts). Tests that stand them in for real, invited
 * participants count every score row as the benchmark's.
 */
export function countSeededAsBenchmark(db: Db): void {
  db.$client.exec("UPDATE scores SET population = 'benchmark'");
}
