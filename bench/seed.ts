/**
 * `npm run bench:seed [-- --count N]`: seeds N participants (1,000,000 by
 * default) into a temporary database with the CLI's path (generation and
 * scoring in a worker thread) and reports the time (goal: under 60 s for a
 * million). Baseline in the same run: the single-thread path on a tenth of
 * N, scaled, so the gain of the worker shows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openMigrated } from '../src/server/db.ts';
import { loadInstrument } from '../src/server/instrument-loader.ts';
import { closeStore } from '../src/server/repositories/database-admin.ts';
import { seedParticipants, seedParticipantsInParallel } from '../src/server/services/seed.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000000' } } });
const count = Number(values.count);
const instrument = loadInstrument();
const dir = mkdtempSync(join(tmpdir(), 'velocity-seed-bench-'));

async function timed(name: string, n: number, run: (db: ReturnType<typeof openMigrated>) => unknown): Promise<number> {
  const db = openMigrated(join(dir, `${name}.sqlite`));
  const t = performance.now();
  await run(db);
  const seconds = (performance.now() - t) / 1000;
  await closeStore(db);
  console.log(`${name.padEnd(24)} ${n.toLocaleString('en-US').padStart(10)} participants  ${seconds.toFixed(1).padStart(6)} s  ${Math.round(n / seconds).toLocaleString('en-US').padStart(8)} per second`);
  return n / seconds;
}

try {
  const baseline = await timed('single thread (baseline)', Math.max(1, Math.round(count / 10)), (db) => seedParticipants(db, instrument, { count: Math.round(count / 10), seed: 7 }));
  const worker = await timed('worker thread (CLI)', count, (db) => seedParticipantsInParallel(db, instrument, { count, seed: 7 }));
  console.log(`\nworker thread ${(worker / baseline).toFixed(2)}× the baseline rate; goal: ${count.toLocaleString('en-US')} in under ${((60 * count) / 1e6).toFixed(0)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
