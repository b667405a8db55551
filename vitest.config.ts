import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { SETUP_MS, TEST_MS } from './tests/helpers/limits.ts';
import { optimizedDeps, viteCacheDir } from './tests/vitest-deps.ts';

/**
 * The pure domain logic's tests (src/domain: no database, no server, no
 * module state a test changes) share their worker's module cache instead of
 * loading everything again for each file: importing was about four fifths of
 * their time, and those 32 files took about 40 s of loading on this machine.
 */
const SHARED_MODULES = ['tests/domain/**/*.test.ts'];

export default defineConfig({
  cacheDir: viteCacheDir,
  test: {
    deps: optimizedDeps,
    testTimeout: TEST_MS,
    hookTimeout: SETUP_MS,
    // Most test files start a server process of their own (and drive the run's one Chromium), so each
    // file keeps about two cores busy: half the cores as workers. On two cores that is one file at a
    // time, as vitest's default (cores - 1) already chose; on larger machines fewer files fight for CPU.
    maxWorkers: Math.max(1, Math.floor(availableParallelism() / 2)),
    projects: [
      {
        extends: true,
        test: { name: 'domain', include: SHARED_MODULES, isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'app',
          include: ['tests/**/*.test.ts'],
          // The PostgreSQL tests need a cluster: `npm run test:pg` (vitest.pg.config.ts).
          exclude: [...configDefaults.exclude, 'tests/pg/**', ...SHARED_MODULES],
          globalSetup: ['tests/global-setup.ts', 'tests/browser-setup.ts'],
        },
      },
    ],
  },
});
