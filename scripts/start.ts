/**
 * `npm start`: build when the sources are newer than the build, migrate the
 * database, seed demo data into an empty one (unless `demo remove` took the
 * demo data out of it), then serve. Settings come from
 * the environment (HOST, PORT, DATABASE_PATH, DEMO_PARTICIPANTS), checked
 * before anything else happens.
 */
import { spawn } from 'node:child_process';
import { buildIsStale, buildSite, serverEntry, serverRuntimeEnv } from './build-state.ts';
import { config, ConfigError } from '../src/server/config.ts';
import { loadInstrument, InstrumentError } from '../src/server/instrument-loader.ts';
import { projectRoot, resolveFromRoot } from '../src/server/paths.ts';
import { openMigrated } from '../src/server/db.ts';
import { participantTotal } from '../src/server/repositories/scores.ts';
import { demoRemoved } from '../src/server/services/demo.ts';
import { seedParticipants } from '../src/server/services/seed.ts';
import { DatabaseOpenError } from '../db/client.ts';

const root = projectRoot();
const entry = serverEntry(root);

function fail(message: string): never {
  process.stderr.write(`velocity: ${message}\n`);
  process.exit(2);
}

try {
  const cfg = config();
  loadInstrument();
  const dbPath = resolveFromRoot(cfg.DATABASE_PATH);
  const db = openMigrated(dbPath);
  // Demo data (population `demo`) goes only into an empty database, and never again once `demo remove` took it out.
  if (participantTotal(db) === 0 && cfg.DEMO_PARTICIPANTS > 0 && !demoRemoved(db)) {
    const started = performance.now();
    seedParticipants(db, loadInstrument(), { count: cfg.DEMO_PARTICIPANTS, seed: 1 });
    console.log(`Seeded ${cfg.DEMO_PARTICIPANTS} demo participants in ${Math.round(performance.now() - started)} ms.`);
  }
  db.$client.close();
  console.log(`Database: ${dbPath}`);
} catch (e) {
  if (e instanceof ConfigError || e instanceof InstrumentError || e instanceof DatabaseOpenError) fail(e.message);
  throw e;
}

if (buildIsStale(root)) {
  console.log('Building the site (sources changed since the last build)…');
  if (buildSite(root) !== null) fail('the build failed; see the output above');
}

const cfg = config();
const server = spawn(process.execPath, [entry], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...serverRuntimeEnv(), HOST: cfg.HOST, PORT: String(cfg.PORT) },
});
console.log(`Serving http://${cfg.HOST}:${cfg.PORT}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
