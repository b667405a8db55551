import { SingleBar, Presets } from 'cli-progress';
import { Command } from 'commander';
import { loadInstrument } from '../../server/instrument-loader.ts';
import { closeStore } from '../../server/repositories/database-admin.ts';
import { participantTotal } from '../../server/repositories/scores.ts';
import { seedParticipantsInParallel } from '../../server/services/seed.ts';
import { openDb } from '../context.ts';
import { numberOption } from '../errors.ts';

export function seedCommand() {
  return new Command('seed')
    .description('Add synthetic, plausible completed participants (deterministic for a seed).')
    .requiredOption('--count <n>', 'participants to add', numberOption('--count', { min: 1, max: 10_000_000, integer: true }))
    .option('--seed <s>', 'random seed; the same seed gives the same participants', numberOption('--seed', { min: 0, max: 2 ** 32 - 1, integer: true }), 1)
    .option('--if-empty', 'do nothing when the database already holds participants')
    .action(async (opts: { count: number; seed: number; ifEmpty?: boolean }, cmd: Command) => {
      const instrument = loadInstrument();
      const db = await openDb(cmd);
      if (opts.ifEmpty && (await participantTotal(db)) > 0) {
        await closeStore(db);
        console.log('The database already holds participants; nothing seeded.');
        return;
      }
      const bar = process.stderr.isTTY ? new SingleBar({ format: 'Seeding [{bar}] {percentage}% {value}/{total} participants, {eta}s left' }, Presets.shades_classic) : null;
      bar?.start(opts.count, 0);
      const started = performance.now();
      const result = await seedParticipantsInParallel(db, instrument, { count: opts.count, seed: opts.seed, onProgress: (done) => bar?.update(done) });
      bar?.stop();
      const seconds = (performance.now() - started) / 1000;
      await closeStore(db);
      console.log(`Seeded ${result.count} participants (ids ${result.first}-${result.first + result.count - 1}) with seed ${opts.seed} in ${seconds.toFixed(1)} s.`);
    });
}
