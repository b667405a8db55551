/**
 * Every limit the suite puts on wall-clock time, in one place. None of them is
 * a speed goal (speed is measured by the benchmarks, never asserted here):
 * each only stops a hung test from hanging the run, so each is generous
 * enough for a busy 2-core machine shared with other work, where a step can
 * take ten times what it takes on a quiet one. A limit that is hit means
 * something hangs, or the machine is far slower than any seen so far.
 */

/** One ordinary test (vitest.config.ts testTimeout): a few requests or a few database calls. Quiet: well under a second. */
export const TEST_MS = 180_000;

/** One beforeAll (vitest.config.ts hookTimeout): seeding a database, starting a server and waiting for its warm-up. Quiet: 5–20 s. */
export const SETUP_MS = 300_000;

/** One browser test: several pages, screenshots at two widths and axe on each. Quiet: 5–20 s. */
export const BROWSER_TEST_MS = 300_000;

/** A whole journey in a browser, or several participants' journeys in one test. Quiet: about 35 s; seen at 120 s on a busy machine. */
export const BROWSER_JOURNEY_MS = 600_000;

/** One CLI process (tests/helpers/cli.ts runCli): the bundled CLI starting, then the command. Quiet: 0.3–3 s. */
export const CLI_MS = 120_000;

/** A test that runs several CLI processes or server processes one after another. Quiet: 10–40 s. */
export const PROCESSES_TEST_MS = 600_000;

/** Waiting for something asynchronous to show: a mail reaching the test's SMTP sink, a save in the page, a background job. Quiet: under 2 s. */
export const EVENTUALLY_MS = 120_000;
