import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/server/auth/password.ts';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-db.ts';

const tmp = tempDir('velocity-cli-user-');
afterAll(() => tmp.cleanup());
const db = join(tmp.dir, 'users.sqlite');
const password = 'a long enough password';

function consultants(): { email: string; password_hash: string }[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite.prepare('SELECT email, password_hash FROM consultants').all() as { email: string; password_hash: string }[];
  } finally {
    sqlite.close();
  }
}

describe('velocity user create', () => {
  it('creates a consultant with the password read from stdin', async () => {
    const r = runCli(['user', 'create', '--email', 'a@example.com', '--db', db], { input: `${password}\n` });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Created consultant a@example\.com \(id \d+\)/);
    const rows = consultants();
    expect(rows.map((c) => c.email)).toEqual(['a@example.com']);
    // The trailing newline of `echo` is not part of the password.
    expect(await verifyPassword(password, rows[0]!.password_hash)).toBe(true);
  });

  it('refuses the same e-mail again', () => {
    const r = runCli(['user', 'create', '--email', 'a@example.com', '--db', db], { input: 'another long password\n' });
    expectUsageError(r, 'already exists');
    expect(consultants()).toHaveLength(1);
  });

  it('refuses to run without a password on stdin', () => {
    expectUsageError(runCli(['user', 'create', '--email', 'b@example.com', '--db', db], { input: '' }), 'no password');
    expect(consultants()).toHaveLength(1);
  });

  it('refuses an address that is not an e-mail address', () => {
    expectUsageError(runCli(['user', 'create', '--email', 'not-an-email', '--db', db], { input: `${password}\n` }), 'email');
    expect(consultants()).toHaveLength(1);
  });

  it('refuses a short password', () => {
    expectUsageError(runCli(['user', 'create', '--email', 'c@example.com', '--db', db], { input: 'short\n' }), 'password');
    expect(consultants()).toHaveLength(1);
  });
});
