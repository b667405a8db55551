import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The project root: found by walking up to package.json so the same code works
 * from src/ (tsx, vitest) and from the built server under dist/. Found once
 * per process: the code does not move while it runs, and every path below
 * the root asks for it, so walking on each call put file checks on requests.
 */
export function projectRoot(): string {
  return (root ??= findProjectRoot());
}

function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export const templatesDir = () => join(projectRoot(), 'templates');
export const migrationsDir = () => join(projectRoot(), 'db', 'migrations');
/** drizzle-kit's PostgreSQL migrations (db/pg/schema.ts). */
export const pgMigrationsDir = () => join(projectRoot(), 'db', 'pg', 'migrations');
export const resolveFromRoot = (p: string) => resolve(projectRoot(), p);

/**
 * Caches that can be thrown away at any time (parsed templates, shaped text,
 * Node's compiled code). VELOCITY_CACHE_DIR moves them, e.g. to time a first
 * start with nothing cached.
 */
export const cacheDir = () => process.env.VELOCITY_CACHE_DIR || join(projectRoot(), 'node_modules', '.cache', 'velocity');
