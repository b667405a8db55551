/**
 * `npm start`: build when the sources are newer than the build, migrate the
 * database, seed demo data into an empty one, then serve. Settings come from
 * the environment (HOST, PORT, DATABASE_PATH, DEMO_PARTICIPANTS), checked
 * before anything else happens.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { config, ConfigError } from '../src/server/config.ts';
import { loadInstrument, InstrumentError } from '../src/server/instrument-loader.ts';
import { projectRoot, resolveFromRoot } from '../src/server/paths.ts';
import { openMigrated } from '../src/server/db.ts';
import { participantTotal } from '../src/server/repositories/scores.ts';
import { seedParticipants } from '../src/server/services/seed.ts';
import { DatabaseOpenError } from '../db/client.ts';

const root = projectRoot();
const entry = join(root, 'dist', 'server', 'entry.mjs');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

function needsBuild(): boolean {
  if (!existsSync(entry)) return true;
  const built = statSync(entry).mtimeMs;
  const inputs = ['src', 'db', 'templates', 'public', 'astro.config.mjs', 'package-lock.json'].map((p) => join(root, p)).filter(existsSync);
  return inputs.some((p) => newestMtime(p) > built);
}

function fail(message: string): never {
  process.stderr.write(`velocity: ${message}\n`);
  process.exit(2);
}

try {
  const cfg = config();
  loadInstrument();
  const dbPath = resolveFromRoot(cfg.DATABASE_PATH);
  const db = openMigrated(dbPath);
  if (participantTotal(db) === 0 && cfg.DEMO_PARTICIPANTS > 0) {
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

if (needsBuild()) {
  console.log('Building the site (sources changed since the last build)…');
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) fail('the build failed; see the output above');
}

const cfg = config();
const server = spawn(process.execPath, [entry], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, HOST: cfg.HOST, PORT: String(cfg.PORT) },
});
console.log(`Serving http://${cfg.HOST}:${cfg.PORT}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
