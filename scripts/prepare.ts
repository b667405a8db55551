/**
 * What `npm start` does before it serves (scripts/start.mjs): check the
 * settings, migrate the database, seed demo data into an empty one (unless
 * `demo remove` took the demo data out of it), and build the site when its
 * sources are newer than the build. Settings come from the environment
 * (HOST, PORT, DATABASE_PATH or DATABASE_URL, DEMO_PARTICIPANTS), checked
 * before anything else happens. Loaded by Node's own type stripping, not tsx.
 */
import { createServer } from 'node:net';
import { buildIsStale, buildSite } from './build-state.ts';
import { listenProblem } from './listen-problem.ts';
import { config, ConfigError } from '../src/server/config.ts';
import { loadInstrument, InstrumentError } from '../src/server/instrument-loader.ts';
import { projectRoot, resolveFromRoot } from '../src/server/paths.ts';
import { openMigrated, serverDatabaseLabel } from '../src/server/db.ts';
import { openPgStore } from '../src/server/data/open.ts';
import { withSessionLock } from '../src/server/data/session-lock.ts';
import { closeStore } from '../src/server/repositories/database-admin.ts';
import { participantTotal } from '../src/server/repositories/scores.ts';
import { demoRemoved } from '../src/server/services/demo.ts';
import { seedParticipants } from '../src/server/services/seed.ts';
import { DatabaseOpenError } from '../db/client.ts';

/** Why HOST:PORT cannot be listened on (in use, not allowed, not this machine's), or null when it can; nothing stays open. */
function portTaken(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => resolve(listenProblem(e.code, host, port)));
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
}

function fail(message: string): never {
  process.stderr.write(`velocity: ${message}\n`);
  process.exit(2);
}

/** Prepares the database and the build; exits with 2 and a message when a setting, the instrument, the database or the build is wrong. */
export async function prepare(): Promise<void> {
  const root = projectRoot();
  try {
    const cfg = config();
    // Before seeding or building: a second start on a taken port would otherwise rebuild dist/ under the running
    // server (its pages then link stylesheets that are gone) or race it seeding an empty database.
    const taken = await portTaken(cfg.HOST, cfg.PORT);
    if (taken) fail(taken);
    loadInstrument();
    // PostgreSQL: migrated here (under the migrations' advisory lock), with no statement timeout for the seeding, and
    // at least two connections: withSessionLock holds one while the seeding uses the others.
    const db = cfg.DATABASE_URL
      ? await openPgStore(cfg.DATABASE_URL, { statementTimeoutMs: 0, max: Math.max(2, cfg.PG_POOL_MAX ?? 2) })
      : openMigrated(resolveFromRoot(cfg.DATABASE_PATH));
    try {
      // Demo data (population `demo`) goes only into an empty database, and never again once `demo remove` took it out.
      // Several instances starting at once on one PostgreSQL database: one seeds, the others wait and find it seeded.
      await withSessionLock(db, 'velocity:demo-seed', async () => {
        if ((await participantTotal(db)) === 0 && cfg.DEMO_PARTICIPANTS > 0 && !(await demoRemoved(db))) {
          const started = performance.now();
          await seedParticipants(db, loadInstrument(), { count: cfg.DEMO_PARTICIPANTS, seed: 1 });
          console.log(`Seeded ${cfg.DEMO_PARTICIPANTS} demo participants in ${Math.round(performance.now() - started)} ms.`);
        }
      });
    } finally {
      await closeStore(db);
    }
    console.log(`Database: ${serverDatabaseLabel()}`);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof InstrumentError || e instanceof DatabaseOpenError) fail(e.message);
    throw e;
  }

  if (buildIsStale(root)) {
    console.log('Building the site (sources changed since the last build)…');
    if (buildSite(root) !== null) fail('the build failed; see the output above');
  }
}
