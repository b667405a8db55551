import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/server/auth/password.ts';
import { expectUsageError, lines, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { PROCESSES_TEST_MS } from '../helpers/limits.ts';

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

describe('velocity user create', { timeout: PROCESSES_TEST_MS }, () => {
  it('creates a consultant with the password read from stdin', async () => {
    const r = runCli(['user', 'create', '--create', '--email', 'a@example.com', '--db', db], { input: `${password}\n` });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Created consultant a@example\.com \(id \d+\)/);
    const rows = consultants();
    expect(rows.map((c) => c.email)).toEqual(['a@example.com']);
    // The trailing newline of `echo` is not part of the password.
    expect(await verifyPassword(password, rows[0]!.password_hash)).toBe(true);
  });

  it('refuses the same e-mail again', () => {
    const r = runCli(['user', 'create', '--create', '--email', 'a@example.com', '--db', db], { input: 'another long password\n' });
    expectUsageError(r, 'already exists');
    expect(consultants()).toHaveLength(1);
  });

  it('refuses to run without a password on stdin', () => {
    expectUsageError(runCli(['user', 'create', '--create', '--email', 'b@example.com', '--db', db], { input: '' }), 'no password');
    expect(consultants()).toHaveLength(1);
  });

  it('refuses an address that is not an e-mail address', () => {
    expectUsageError(runCli(['user', 'create', '--create', '--email', 'not-an-email', '--db', db], { input: `${password}\n` }), 'email');
    expect(consultants()).toHaveLength(1);
  });

  it('refuses a short password', () => {
    expectUsageError(runCli(['user', 'create', '--create', '--email', 'c@example.com', '--db', db], { input: 'short\n' }), 'password');
    expect(consultants()).toHaveLength(1);
  });

  it.each([
    ['twelve spaces', ' '.repeat(12), 'only spaces'],
    ['a common password', 'password1234', 'too easy to guess'],
  ])('refuses %s', (_, weak, message) => {
    expectUsageError(runCli(['user', 'create', '--create', '--email', 'c@example.com', '--db', db], { input: `${weak}\n` }), 'password', message);
    expect(consultants()).toHaveLength(1);
  });
});

/** Runs SQL on the test database: the state a command should find or leave. */
function sql<T>(statement: string, ...params: unknown[]): T {
  const sqlite = new Database(db);
  try {
    const st = sqlite.prepare(statement);
    return (st.reader ? st.all(...params) : st.run(...params)) as T;
  } finally {
    sqlite.close();
  }
}
const addSession = (email: string, token: string) =>
  sql(
    'INSERT INTO sessions (token_hash, consultant_id, expires_at) SELECT ?, id, ? FROM consultants WHERE email = ?',
    token,
    Date.now() + 3_600_000,
    email,
  );
const sessionsOf = (email: string) =>
  sql<{ n: number }[]>('SELECT count(*) AS n FROM sessions JOIN consultants ON consultants.id = consultant_id WHERE email = ?', email)[0]!.n;

// Each test runs the CLI several times, a few seconds a run on a busy two-core machine.
describe('velocity user list, reset-password, disable, enable, delete', { timeout: PROCESSES_TEST_MS }, () => {
  it('lists the accounts with their studies, live sessions and status', () => {
    expect(runCli(['user', 'create', '--create', '--email', 'b@example.com', '--name', 'Bea', '--db', db], { input: `${password}\n` }).status).toBe(0);
    sql("INSERT INTO studies (consultant_id, name, invite_token) SELECT id, 'Spring', 'list-test-study' FROM consultants WHERE email = 'a@example.com'");
    addSession('a@example.com', 'list-test-session');
    const r = runCli(['user', 'list', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    const [header, a, b] = lines(r.stdout);
    expect(header).toMatch(/^id\s+e-mail\s+name\s+created\s+studies\s+sessions\s+status$/);
    expect(a).toMatch(/^\d+\s+a@example\.com\s+\d{4}-\d{2}-\d{2}\s+1\s+1\s+active$/);
    expect(b).toMatch(/^\d+\s+b@example\.com\s+Bea\s+\d{4}-\d{2}-\d{2}\s+0\s+0\s+active$/);
    const json = JSON.parse(runCli(['user', 'list', '--json', '--db', db]).stdout) as { email: string; studies: number; disabledAt: string | null }[];
    expect(json.map((c) => [c.email, c.studies, c.disabledAt])).toEqual([
      ['a@example.com', 1, null],
      ['b@example.com', 0, null],
    ]);
  });

  it('resets a password from stdin: the new one works, the old does not, and the sessions end', async () => {
    const fresh = 'violet lantern orchard compass';
    const r = runCli(['user', 'reset-password', '--email', 'A@example.com', '--db', db], { input: `${fresh}\n` });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Set a new password for a@example.com; ended 1 session.');
    const hash = consultants().find((c) => c.email === 'a@example.com')!.password_hash;
    expect(await verifyPassword(fresh, hash)).toBe(true);
    expect(await verifyPassword(password, hash)).toBe(false);
    expect(sessionsOf('a@example.com')).toBe(0);
  });

  it('refuses a reset with a weak password, no password or an unknown account, and changes nothing', () => {
    const before = consultants();
    expectUsageError(runCli(['user', 'reset-password', '--email', 'a@example.com', '--db', db], { input: ' '.repeat(12) + '\n' }), 'only spaces');
    expectUsageError(runCli(['user', 'reset-password', '--email', 'a@example.com', '--db', db], { input: '' }), 'no password');
    expectUsageError(
      runCli(['user', 'reset-password', '--email', 'nobody@example.com', '--db', db], { input: 'violet lantern orchard compass\n' }),
      'no consultant with the e-mail nobody@example.com',
    );
    expect(consultants()).toEqual(before);
  });

  it('disables an account, ending its sessions, and enables it again', () => {
    addSession('b@example.com', 'disable-test-session');
    const off = runCli(['user', 'disable', '--email', 'b@example.com', '--db', db]);
    expect(off.status, off.stderr).toBe(0);
    expect(off.stdout).toContain('Disabled b@example.com; ended 1 session.');
    expect(sessionsOf('b@example.com')).toBe(0);
    expect(lines(runCli(['user', 'list', '--db', db]).stdout)[2]).toMatch(/disabled \d{4}-\d{2}-\d{2}$/);
    expect(runCli(['user', 'disable', '--email', 'b@example.com', '--db', db]).stdout).toContain('already disabled');
    const on = runCli(['user', 'enable', '--email', 'b@example.com', '--db', db]);
    expect(on.stdout).toContain('Enabled b@example.com.');
    expect(sql<{ disabled_at: number | null }[]>("SELECT disabled_at FROM consultants WHERE email = 'b@example.com'")[0]!.disabled_at).toBeNull();
    expectUsageError(runCli(['user', 'disable', '--email', 'nobody@example.com', '--db', db]), 'no consultant');
  });

  it('refuses to delete an account that still has studies, and deletes one that has none', () => {
    const refused = expectUsageError(runCli(['user', 'delete', '--email', 'a@example.com', '--db', db]), 'still has 1 study', 'user disable');
    expect(refused).toContain('a@example.com');
    expect(consultants().map((c) => c.email)).toContain('a@example.com');
    addSession('b@example.com', 'delete-test-session');
    const r = runCli(['user', 'delete', '--email', 'b@example.com', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Deleted consultant b@example\.com/);
    expect(consultants().map((c) => c.email)).toEqual(['a@example.com']);
    expect(sql<{ n: number }[]>('SELECT count(*) AS n FROM sessions WHERE token_hash = ?', 'delete-test-session')[0]!.n).toBe(0);
    expectUsageError(runCli(['user', 'delete', '--email', 'b@example.com', '--db', db]), 'no consultant');
  });
});
