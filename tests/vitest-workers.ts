import { availableParallelism } from 'node:os';

/**
 * Test files run at once, for both runs (vitest.config.ts, vitest.pg.config.ts).
 * Most files start a server process of their own, drive the run's Chromium or
 * a PostgreSQL cluster, and spend much of their time waiting on them; so two
 * files at a time kept both cores of the 2-core CI machine busy where one
 * left them partly idle: the SQLite run took 538 s instead of 610 s, the
 * PostgreSQL run 322 s instead of 540 s, with no failure (2026-12-02). On
 * larger machines, half the cores: each file still keeps about two busy.
 */
export const TEST_WORKERS = Math.max(2, Math.floor(availableParallelism() / 2));
