import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { PROCESSES_TEST_MS } from '../helpers/limits.ts';
import { freshDatabase } from '../helpers/pg.ts';
import { tempDir } from '../helpers/temp-db.ts';

const tmp = tempDir('velocity-pg-cli-');
afterAll(() => tmp.cleanup());

/** Runs a command and expects it to succeed; its standard output. */
function ok(args: string[], options: Parameters<typeof runCli>[1] = {}): string {
  const r = runCli(args, options);
  expect(r.status, `${args.join(' ')}\n${r.stderr}${r.stdout}`).toBe(0);
  return r.stdout;
}

describe('the CLI on PostgreSQL', () => {
  it('runs every database command with --db a URL, or with DATABASE_URL, and never prints the password', { timeout: PROCESSES_TEST_MS }, async () => {
    const url = new URL(await freshDatabase('cli'));
    url.password = 'pw-not-to-print';
    const db = url.toString();
    const shown = new URL(db);
    shown.password = '';
    const env = { env: { DATABASE_URL: db } };
    const printed: string[] = [];
    const run = (args: string[], options?: Parameters<typeof runCli>[1]) => {
      const out = ok(args, options);
      printed.push(out);
      return out;
    };

    expect(run(['--db', db, 'migrate'])).toMatch(new RegExp(`Database ${shown.toString().replace(/[.?*+^$()[\]\\|{}]/g, '\\$&')} is up to date \\(\\d+ migrations? applied\\)`));
    expect(run(['--db', db, 'seed', '--count', '30'])).toMatch(/Seeded 30 participants \(ids 1-30\)/);
    expect(run(['user', 'create', '--email', 'ops@example.com'], { ...env, input: 'a long enough password 123\n' })).toContain('Created consultant ops@example.com');
    expect(run(['user', 'list', '--json'], env)).toContain('"email": "ops@example.com"');
    expect(run(['stats', 'rebuild'], env)).toMatch(/from 30 scored participants/);
    expect(run(['mail', 'status'], env)).toContain('pending 0');
    const pdf = join(tmp.dir, 'company.pdf');
    expect(run(['report', '--participant', '1', '--kind', 'company', '--out', pdf], env)).toContain(`Wrote ${pdf}`);
    expect(existsSync(pdf)).toBe(true);
    expect(run(['demo', 'remove'], env)).toMatch(/Removed 30 demo participants/);
    expect(run(['seed', '--count', '3', '--if-empty'], env)).toMatch(/Seeded 3 participants \(ids 31-33\)/);
    for (const out of printed) expect(out).not.toContain('pw-not-to-print');
  });

  it('says which server it cannot reach, without the password', () => {
    const r = runCli(['--db', 'postgres://velocity:pw-not-to-print@127.0.0.1:1/velocity', 'user', 'list']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot reach PostgreSQL at postgres://velocity@127.0.0.1:1/velocity');
    expect(r.stderr).not.toContain('pw-not-to-print');
  });

  it('refuses a --db that reads as an address but is not a usable PostgreSQL one, without echoing it or taking it for a file', () => {
    for (const db of ['mysql://velocity:pw-not-to-print@127.0.0.1:1/velocity', 'postgres:/velocity:pw-not-to-print@127.0.0.1:1/velocity', 'pg://velocity:pw-not-to-print@h/v']) {
      const r = runCli(['user', 'list', '--db', db]);
      expectUsageError(r, '--db is neither a database file nor a usable PostgreSQL address');
      expect(r.stderr, db).not.toContain('pw-not-to-print');
    }
  });

  it('refuses a DATABASE_URL a slash short, naming the setting and not its value', () => {
    const r = runCli(['user', 'list'], { env: { DATABASE_URL: 'postgres:/velocity:pw-not-to-print@127.0.0.1:1/velocity' } });
    expectUsageError(r, 'DATABASE_URL: must be a PostgreSQL address');
    expect(r.stderr).not.toContain('pw-not-to-print');
  });
});
