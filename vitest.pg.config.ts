import { defineConfig } from 'vitest/config';
import { SETUP_MS, TEST_MS } from './tests/helpers/limits.ts';
import { PG_SUITES } from './tests/pg-suites.ts';
import { optimizedDeps, viteCacheDir } from './tests/vitest-deps.ts';
import { TEST_WORKERS } from './tests/vitest-workers.ts';

/**
 * The PostgreSQL run (`npm run test:pg`): the tests under tests/pg, and the
 * suites listed in tests/pg-suites.ts run again with TEST_BACKEND=pg (their
 * stores from tests/helpers/test-store.ts are then PostgreSQL databases),
 * against a throwaway cluster that tests/pg-global-setup.ts starts once and
 * stops at the end. Each test file makes databases of its own on it. Kept
 * apart from `npm test` (vitest.config.ts), which needs no PostgreSQL.
 */
export default defineConfig({
  cacheDir: viteCacheDir,
  test: {
    deps: optimizedDeps,
    include: ['tests/pg/**/*.test.ts', ...PG_SUITES],
    // The site's build first (tests/pg/site.test.ts starts servers from it), as `npm test` does.
    globalSetup: ['tests/global-setup.ts', 'tests/pg-global-setup.ts'],
    env: { TEST_BACKEND: 'pg' },
    testTimeout: TEST_MS,
    hookTimeout: SETUP_MS,
    maxWorkers: TEST_WORKERS,
  },
});
