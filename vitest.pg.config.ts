import { defineConfig } from 'vitest/config';
import { SETUP_MS, TEST_MS } from './tests/helpers/limits.ts';

/**
 * The PostgreSQL run (`npm run test:pg`): the tests under tests/pg against a
 * throwaway cluster that tests/pg-global-setup.ts starts once and stops at
 * the end. Each test file makes databases of its own on it. Kept apart from
 * `npm test` (vitest.config.ts), which needs no PostgreSQL.
 */
export default defineConfig({
  test: {
    include: ['tests/pg/**/*.test.ts'],
    globalSetup: ['tests/pg-global-setup.ts'],
    testTimeout: TEST_MS,
    hookTimeout: SETUP_MS,
  },
});
