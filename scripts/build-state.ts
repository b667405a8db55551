import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../src/server/paths.ts';

/** The built site under `root`: Astro's handler, imported by the server (its file's age dates the build). */
export const builtEntry = (root: string) => join(root, 'dist', 'server', 'entry.mjs');

/** What runs the built site under `root` (npm start, tests, benchmarks): our node:http server around Astro's handler. */
export const serverEntry = (root: string) => join(root, 'scripts', 'serve.ts');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

/** True when there is no build or any input of the build changed after it. */
export function buildIsStale(root: string): boolean {
  const entry = builtEntry(root);
  if (!existsSync(entry)) return true;
  const built = statSync(entry).mtimeMs;
  return ['src', 'db', 'templates', 'public', 'astro.config.mjs', 'package-lock.json']
    .map((p) => join(root, p))
    .filter(existsSync)
    .some((p) => newestMtime(p) > built);
}

/** Runs `astro build`. Returns its output when it fails, or null when it succeeds. */
export function buildSite(root: string, stdio: 'inherit' | 'pipe' = 'inherit'): string | null {
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build'], { cwd: root, stdio, encoding: 'utf8' });
  return r.status === 0 ? null : `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
}

/**
 * The environment the built server runs with (npm start, tests, benchmarks):
 * Node keeps the code it compiles on disk and reuses it on the next start,
 * which takes about a tenth off the first report after a restart.
 */
export function serverRuntimeEnv(): Record<string, string> {
  return { NODE_COMPILE_CACHE: cacheDir() + '/compile' };
}
