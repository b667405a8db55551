import { Command } from 'commander';
import { loadInstrument } from '../../server/instrument-loader.ts';
import { groupThousands } from '../../domain/number-format.ts';
import { rebuildPeerStats, storedStatsPopulation } from '../../server/services/peer-stats.ts';
import { closeStore } from '../../server/repositories/database-admin.ts';
import { databaseLabel, openExistingDb } from '../context.ts';

/**
 * `stats rebuild`: recomputes the peer statistics behind the consultant's
 * comparison from the stored scores and answers of the population in force
 * (the benchmark once it has anyone, demo data before). They are kept in step on
 * every finish and delete, and rebuilt automatically when they do not add up
 * to the score rows; this is for a database whose scores were changed by
 * hand in a way that keeps the total.
 */
export function statsCommand() {
  const stats = new Command('stats').description('Peer statistics behind the consultant comparison.');
  stats
    .command('rebuild')
    .description('Recompute the peer statistics from the stored scores of the population in force (the benchmark, or demo data while it is empty).')
    .action(async (_opts, cmd: Command) => {
      const db = await openExistingDb(cmd);
      const started = performance.now();
      const instrument = loadInstrument();
      const counted = await rebuildPeerStats(db, instrument);
      const population = await storedStatsPopulation(db, instrument);
      await closeStore(db);
      console.log(
        `Rebuilt the peer statistics of ${databaseLabel(cmd)} from ${groupThousands(counted)} scored participant${counted === 1 ? '' : 's'} ` +
          `(${population === 'benchmark' ? 'real participants: the benchmark' : 'demo data: no real participant counts yet'}) in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
      );
    });
  return stats;
}
