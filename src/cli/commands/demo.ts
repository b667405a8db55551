import { Command } from 'commander';
import { groupThousands } from '../../domain/number-format.ts';
import { loadInstrument } from '../../server/instrument-loader.ts';
import { removeDemo } from '../../server/services/demo.ts';
import { closeStore } from '../../server/repositories/database-admin.ts';
import { databaseLabel, openExistingDb } from '../context.ts';

/**
 * `demo remove`: deletes the demo data (synthetic participants seeded by
 * `npm start` or `seed`) with their answers, numbers and scores, and rebuilds
 * the peer statistics. Real participants stay; `npm start` seeds no demo data
 * into this database again.
 */
export function demoCommand() {
  const demo = new Command('demo').description('The synthetic demo participants (DEMO_PARTICIPANTS, seed).');
  demo
    .command('remove')
    .description('Delete every demo participant with their answers, numbers and scores, and rebuild the peer statistics.')
    .action(async (_opts, cmd: Command) => {
      // PostgreSQL: no statement timeout. Deleting a million demo participants is one DELETE cascading to some fifty
      // million answers (about 30 s and more), and the rebuild after it reads every remaining score.
      const db = await openExistingDb(cmd, { statementTimeoutMs: 0 });
      const started = performance.now();
      const result = await removeDemo(db, loadInstrument());
      await closeStore(db);
      const n = result.removed;
      const held = result.statistics;
      console.log(
        `Removed ${groupThousands(n)} demo participant${n === 1 ? '' : 's'} (with their answers, numbers and scores) from ${databaseLabel(cmd)} ` +
          `in ${((performance.now() - started) / 1000).toFixed(1)} s; the peer statistics now hold ${groupThousands(held.participants)} ` +
          `${held.population === 'benchmark' ? 'real' : 'demo'} participant${held.participants === 1 ? '' : 's'}.`,
      );
    });
  return demo;
}
