import { configDefaults, defineConfig } from 'vitest/config';
import { SETUP_MS, TEST_MS } from './tests/helpers/limits.ts';
import { optimizedDeps, viteCacheDir } from './tests/vitest-deps.ts';
import { TEST_WORKERS } from './tests/vitest-workers.ts';

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
    maxWorkers: TEST_WORKERS,
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
