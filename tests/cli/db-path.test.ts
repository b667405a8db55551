import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-db.ts';

const tmp = tempDir('velocity-cli-db-path-');
afterAll(() => tmp.cleanup());

/** Issue 14: a mistyped --db used to create (and fill) a new, empty database without a word. */
describe('a database path that does not exist', () => {
  it('is refused with exit 2, one line naming the path and --create, and nothing is created', () => {
    const path = join(tmp.dir, 'typo', 'velocity.sqlte');
    const line = expectUsageError(runCli(['user', 'create', '--email', 'a@example.com', '--db', path], { input: 'a long enough password here\n' }), path, '--create');
    expect(line).toContain('no database');
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(tmp.dir, 'typo'))).toBe(false);
  });

  it('is refused for seed and for DATABASE_PATH without --db alike', () => {
    const path = join(tmp.dir, 'missing.sqlite');
    expectUsageError(runCli(['seed', '--count', '3', '--db', path]), path);
    expectUsageError(runCli(['user', 'list'], { env: { DATABASE_PATH: path } }), path, '--create');
    expect(existsSync(path)).toBe(false);
  });

  it('becomes a new database with --create, which later commands then use without it', () => {
    const path = join(tmp.dir, 'new.sqlite');
    const created = runCli(['seed', '--create', '--count', '3', '--db', path]);
    expect(created.status, created.stderr).toBe(0);
    expect(existsSync(path)).toBe(true);
    const listed = runCli(['user', 'list', '--json', '--db', path]);
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('is created by migrate, whose job that is, and migrate says so', () => {
    const path = join(tmp.dir, 'by-migrate.sqlite');
    const first = runCli(['migrate', '--db', path]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Created a new, empty database at ${path}`);
    const again = runCli(['migrate', '--db', path]);
    expect(again.stdout).not.toContain('Created');
  });
});
