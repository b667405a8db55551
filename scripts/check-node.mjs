#!/usr/bin/env node
/**
 * `npm run cli` runs this first: on a Node older than the site needs,
 * better-sqlite3 crashes the CLI without a word (exit 139), and a backup run
 * from cron would fail unnoticed. Plain JavaScript, like scripts/start.mjs,
 * whose check it shares.
 */
import { nodeVersionProblem } from './start.mjs';

// VELOCITY_CHECK_NODE_VERSION, as for npm start: judged besides this Node's own version, it can only make the check stricter.
const problem = nodeVersionProblem(process.versions.node) ?? (process.env.VELOCITY_CHECK_NODE_VERSION ? nodeVersionProblem(process.env.VELOCITY_CHECK_NODE_VERSION) : null);
if (problem) {
  process.stderr.write(`velocity: ${problem}\n`);
  process.exit(2);
}
