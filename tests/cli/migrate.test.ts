import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { CLI_MS, PROCESSES_TEST_MS } from '../helpers/limits.ts';

const tmp = tempDir('velocity-cli-migrate-');
afterAll(() => tmp.cleanup());

/** Under /proc nothing can be created; Node's recursive mkdir once spun forever here. */
const UNWRITABLE = '/proc/velocity/x.sqlite';

describe('velocity migrate', { timeout: PROCESSES_TEST_MS }, () => {
  it('creates and migrates a new database in a folder that does not exist yet', () => {
    const path = join(tmp.dir, 'nested', 'folder', 'velocity.sqlite');
    const r = runCli(['migrate', '--db', path]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/is up to date \(\d+ migrations? applied\)/);
    expect(r.stdout).toContain(path);
    expect(existsSync(path)).toBe(true);
    const db = new Database(path, { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(['participants', 'answers', 'scores', 'consultants']));
    } finally {
      db.close();
    }
  });

  it.each([['migrate'], ['seed', '--count', '5']])('%s with an unwritable database path exits 2 with one line', (...args) => {
    const r = runCli([...args, '--db', UNWRITABLE], { timeoutMs: CLI_MS });
    expectUsageError(r, UNWRITABLE);
    expect(r.stdout).toBe('');
  });
});
