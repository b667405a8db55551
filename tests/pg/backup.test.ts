import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { findPgDump } from '../../src/cli/commands/backup.ts';
import { openPgStore } from '../../src/server/data/open.ts';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { PROCESSES_TEST_MS } from '../helpers/limits.ts';
import { freshDatabase } from '../helpers/pg.ts';
import { tempDir } from '../helpers/temp-db.ts';

const tmp = tempDir('velocity-pg-backup-');
afterAll(() => tmp.cleanup());

/** A migrated database holding one consultant, so the dump has a row to carry. */
async function databaseWithARow(): Promise<string> {
  const url = await freshDatabase('backup');
  const store = await openPgStore(url, { max: 1 });
  await store.pool.query("INSERT INTO consultants (email, password_hash) VALUES ('kept@example.com', 'x')");
  await store.pool.end();
  return url;
}

describe('cli backup on PostgreSQL', () => {
  it('writes a pg_dump custom archive, private to its owner, that pg_restore reads and restores', { timeout: PROCESSES_TEST_MS }, async () => {
    const url = await databaseWithARow();
    const out = join(tmp.dir, 'velocity.dump');
    const withPassword = new URL(url);
    withPassword.password = 'pw-not-to-print';
    const r = runCli(['--db', withPassword.toString(), 'backup', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('pg_dump custom format');
    expect(r.stdout + r.stderr).not.toContain('pw-not-to-print');
    expect(existsSync(out)).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const pgRestore = join(dirname(findPgDump()), 'pg_restore');
    const list = spawnSync(pgRestore, ['--list', out], { encoding: 'utf8' });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/TABLE DATA public participants/);
    expect(list.stdout).toMatch(/TABLE DATA public consultants/);

    const copy = await freshDatabase('restored');
    const restored = spawnSync(pgRestore, ['--no-owner', `--dbname=${copy}`, out], { encoding: 'utf8' });
    expect(restored.status, restored.stderr).toBe(0);
    const client = new pg.Client(copy);
    await client.connect();
    try {
      expect((await client.query('SELECT email FROM consultants')).rows).toEqual([{ email: 'kept@example.com' }]);
    } finally {
      await client.end();
    }

    // An existing file is kept unless --force.
    expectUsageError(runCli(['--db', url, 'backup', '--out', out]), 'exists', '--force');
    expect(runCli(['--db', url, 'backup', '--out', out, '--force']).status).toBe(0);
  });

  it('backs up the database of DATABASE_URL when no --db is given', { timeout: PROCESSES_TEST_MS }, async () => {
    const url = await databaseWithARow();
    const out = join(tmp.dir, 'from-env.dump');
    const r = runCli(['backup', '--out', out], { env: { DATABASE_URL: url } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Backed up ${url} to ${out}`);
    expect(statSync(out).size).toBeGreaterThan(0);
  });

  it('refuses a DATABASE_URL that is not a PostgreSQL address, without echoing it', () => {
    const r = runCli(['backup', '--out', join(tmp.dir, 'never.dump')], { env: { DATABASE_URL: 'mysql://velocity:pw-not-to-print@db/velocity' } });
    expectUsageError(r, 'DATABASE_URL: must be a PostgreSQL address');
    expect(r.stderr).not.toContain('pw-not-to-print');
  });

  it('says what to install when pg_dump is nowhere to be found', () => {
    expect(() => findPgDump({ PATH: join(tmp.dir, 'empty') }, join(tmp.dir, 'no-postgresql'))).toThrow(/pg_dump was not found.*apt-get install -y postgresql-client/);
  });

  it('passes on why pg_dump failed, without the password, and leaves no file', () => {
    const out = join(tmp.dir, 'unreachable.dump');
    const r = runCli(['--db', 'postgres://velocity:pw-not-to-print@127.0.0.1:1/velocity', 'backup', '--out', out]);
    expectUsageError(r, 'pg_dump could not back up postgres://velocity@127.0.0.1:1/velocity');
    expect(r.stderr).not.toContain('pw-not-to-print');
    expect(existsSync(out)).toBe(false);
  });
});
