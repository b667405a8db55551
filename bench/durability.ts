/**
 * `npm run bench:durability`: what synchronous=FULL (a commit returns once it
 * is on the disk) costs against NORMAL (on the disk at the next checkpoint) for
 * the writes a participant makes: the start, each section save and the finish.
 *
 * One database on this machine's disk (the temp folder, not a tmpfs, where an
 * fsync would cost nothing), seeded with 2,000 completed participants so that
 * finishing scores against real peer statistics. Journeys run in rounds that
 * alternate the two settings (NORMAL, FULL, FULL, NORMAL, …) on fresh
 * connections to the same file, so that a change in the machine's speed during
 * the run falls on both. Prints per-operation median and p95 for each setting,
 * journeys per second, and FULL / NORMAL.
 */
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Durability } from '../db/client.ts';
import { optionsOf } from '../src/domain/answers.ts';
import { pagesOf, type Page } from '../src/domain/journey.ts';
import { profileSchema } from '../src/domain/profile.ts';
import { sqliteStore, type Store } from '../src/server/data/store.ts';
import { openMigrated } from '../src/server/db.ts';
import { closeStore } from '../src/server/repositories/database-admin.ts';
import { loadInstrument } from '../src/server/instrument-loader.ts';
import { finishParticipation, savePage, startParticipation } from '../src/server/services/participation.ts';
import { seedParticipants } from '../src/server/services/seed.ts';

const ROUNDS = 6;
const JOURNEYS_PER_ROUND = 25;
const SEEDED = 2000;

const instrument = loadInstrument();
// The numbers page is optional: a journey saves the sections and finishes without it.
const pages = pagesOf(instrument).filter((p): p is Exclude<Page, { kind: 'numbers' }> => p.kind !== 'numbers');
const profile = profileSchema(instrument).parse(
  Object.fromEntries(instrument.profile.map((f) => [f.id, f.kind === 'choice' ? f.options[0]!.id : 'Durability Bench Ltd'])),
);
const formOf = (page: (typeof pages)[number]): Record<string, string> =>
  Object.fromEntries(
    page.section.items.map((item) => [item.id, item.kind === 'number' ? String(Math.round((item.min + item.max) / 2)) : optionsOf(instrument, item)[1]!.id]),
  );

type Op = 'start' | 'save' | 'finish';
const timings: Record<Durability, Record<Op, number[]> & { journeys: number; wallMs: number }> = {
  NORMAL: { start: [], save: [], finish: [], journeys: 0, wallMs: 0 },
  FULL: { start: [], save: [], finish: [], journeys: 0, wallMs: 0 },
};

async function journey(db: Store, into: Record<Op, number[]>): Promise<void> {
  let t = performance.now();
  const started = await startParticipation(db, instrument, profile, null);
  into.start.push(performance.now() - t);
  if (!started.ok) throw new Error('start refused');
  for (const page of pages) {
    t = performance.now();
    const saved = await savePage(db, instrument, started.participant, page, formOf(page), true);
    into.save.push(performance.now() - t);
    if (!saved.saved) throw new Error(`page ${page.number} not saved: ${JSON.stringify(saved)}`);
  }
  t = performance.now();
  const finished = await finishParticipation(db, instrument, started.participant.id);
  into.finish.push(performance.now() - t);
  if (!finished.finished) throw new Error(`not finished: ${JSON.stringify(finished)}`);
}

const dir = mkdtempSync(join(tmpdir(), 'velocity-durability-bench-'));
try {
  const path = join(dir, 'bench.sqlite');
  const setup = openMigrated(path);
  await seedParticipants(setup, instrument, { count: SEEDED, seed: 1 });
  await closeStore(setup);
  const fsType = statfsSync(dir).type.toString(16);
  console.log(`Database in ${dir} (filesystem type 0x${fsType}), ${SEEDED} seeded participants; ${pages.length} section saves per journey.`);
  console.log(`Load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const order: Durability[] = [];
  for (let r = 0; r < ROUNDS; r++) order.push(r % 4 === 0 || r % 4 === 3 ? 'NORMAL' : 'FULL');
  for (const mode of order) {
    const db = sqliteStore(openDatabase(path, { durability: mode, check: false }));
    const into = timings[mode];
    const t0 = performance.now();
    for (let j = 0; j < JOURNEYS_PER_ROUND; j++) await journey(db, into);
    into.wallMs += performance.now() - t0;
    into.journeys += JOURNEYS_PER_ROUND;
    await closeStore(db);
  }

  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * p) - 1)]!;
  const f = (x: number) => `${x.toFixed(2)} ms`;
  console.log('\n| operation | NORMAL median (p95) | FULL median (p95) | FULL / NORMAL (median) |');
  console.log('| --- | --- | --- | --- |');
  for (const op of ['start', 'save', 'finish'] as Op[]) {
    const n = timings.NORMAL[op];
    const fl = timings.FULL[op];
    console.log(`| ${op} | ${f(pct(n, 0.5))} (${f(pct(n, 0.95))}) | ${f(pct(fl, 0.5))} (${f(pct(fl, 0.95))}) | ${(pct(fl, 0.5) / pct(n, 0.5)).toFixed(2)} |`);
  }
  const rate = (m: Durability) => (timings[m].journeys / timings[m].wallMs) * 1000;
  console.log(`| whole journeys per second | ${rate('NORMAL').toFixed(1)} | ${rate('FULL').toFixed(1)} | ${(rate('FULL') / rate('NORMAL')).toFixed(2)} |`);
  console.log(`\nLoad average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
