#!/usr/bin/env node
/**
 * `npm start`, and the command for a service (`node scripts/start.mjs`):
 * checks the Node version first, then prepares the database and the build
 * (scripts/prepare.ts) and serves (scripts/serve.ts), all in this one
 * process, so that a service manager's SIGTERM reaches the server itself
 * and nothing is left running beside it. With DATABASE_URL the database is
 * PostgreSQL: the preparation migrates it (one instance at a time) and
 * seeds the demo data into an empty one (once, however many start).
 *
 * Plain JavaScript that any Node since 14 can parse: on an old Node the
 * TypeScript files below cannot load, and better-sqlite3 crashes the
 * process without a word (exit 139), so the version is checked before
 * anything else is imported.
 */
// A namespace import: a named one of something Node 20 lacks would fail before the version check could speak.
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The oldest Node the site runs on: better-sqlite3 13's and type stripping's floor. */
export const MIN_NODE = [22, 12, 0];

/**
 * Why this Node cannot run the site, with what to do about it, or null when it can.
 * @param {string} version such as process.versions.node ("20.19.0")
 * @returns {string | null}
 */
export function nodeVersionProblem(version) {
  const parts = String(version).replace(/^v/, '').split('.').map((p) => Number.parseInt(p, 10));
  const known = parts.length >= 2 && parts.every((p) => Number.isFinite(p));
  if (known) {
    for (let i = 0; i < MIN_NODE.length; i++) {
      const have = parts[i] ?? 0;
      if (have > MIN_NODE[i]) return null;
      if (have < MIN_NODE[i]) break;
      if (i === MIN_NODE.length - 1) return null;
    }
  }
  return (
    `the Velocity Index needs Node ${MIN_NODE.slice(0, 2).join('.')} or newer (Node 24 recommended); this is Node ${version}.\n` +
    '  On this machine, switch the shell to Node 24 first:   eval "$(scripts/use-node24.sh)"\n' +
    '  Elsewhere, install Node 24 (https://nodejs.org, or your package manager or nvm), then run npm start again.'
  );
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;

if (isMain) {
  // VELOCITY_CHECK_NODE_VERSION (for the tests, and to see the message) is judged as well as this Node's own version: it can only make the check stricter.
  const problem = nodeVersionProblem(process.versions.node) ?? (process.env.VELOCITY_CHECK_NODE_VERSION ? nodeVersionProblem(process.env.VELOCITY_CHECK_NODE_VERSION) : null);
  if (problem) {
    process.stderr.write(`velocity: ${problem}\n`);
    process.exit(2);
  }
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  // Node keeps the code it compiles and reuses it on the next start (scripts/build-state.ts: serverRuntimeEnv).
  nodeModule.enableCompileCache?.(process.env.VELOCITY_CACHE_DIR ? join(process.env.VELOCITY_CACHE_DIR, 'compile') : join(root, 'node_modules', '.cache', 'velocity', 'compile'));
  const { prepare } = await import('./prepare.ts');
  await prepare();
  const { serveUntilSignalled } = await import('./serve.ts');
  await serveUntilSignalled(undefined, { databaseChecked: true });
}
