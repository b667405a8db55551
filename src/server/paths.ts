import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root: found by walking up to package.json so the same code works
 * from src/ (tsx, vitest) and from the built server under dist/.
 */
export function projectRoot(): string {
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
export const resolveFromRoot = (p: string) => resolve(projectRoot(), p);

/** Caches that can be thrown away at any time (parsed templates, Node's compiled code). */
export const cacheDir = () => join(projectRoot(), 'node_modules', '.cache', 'velocity');
