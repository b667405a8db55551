import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Packages vitest bundles once per run (its dependency optimizer) instead of
 * each test file's process loading their hundreds of small modules one by
 * one: drizzle-orm alone took about a second per file on this machine, and
 * loading was about half of a typical server test file's time. Only pure
 * JavaScript packages: the native ones (better-sqlite3, pg's optional
 * pg-native), and those that read files beside their own code (piscina,
 * pdfkit's fonts), stay loaded by Node from node_modules.
 */
export const optimizedDeps = {
  optimizer: {
    ssr: {
      enabled: true,
      include: [
        'drizzle-orm',
        'drizzle-orm/sqlite-core',
        'drizzle-orm/pg-core',
        'drizzle-orm/better-sqlite3',
        'drizzle-orm/better-sqlite3/migrator',
        'drizzle-orm/node-postgres',
        'drizzle-orm/node-postgres/migrator',
        'zod',
      ],
    },
  },
};

/**
 * Where vite keeps that bundle: one folder per checkout. node_modules is
 * shared by the worktrees on this machine, and two checkouts' runs must not
 * write one folder at once.
 */
export const viteCacheDir = join(ROOT, 'node_modules', '.vite', `velocity-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);
