import type { Db } from '../../db/client.ts';

/**
 * Seeded participants are demo data, which no real reader's figures include
 * (src/domain/population.ts). Tests that stand them in for real, invited
 * participants count every score row as the benchmark's. A database from
 * before the population column has nothing to change.
 */
export function countSeededAsBenchmark(db: Db): void {
  const hasPopulation = db.$client.prepare("SELECT 1 FROM pragma_table_info('scores') WHERE name = 'population'").get() !== undefined;
  if (hasPopulation) db.$client.exec("UPDATE scores SET population = 'benchmark'");
}
