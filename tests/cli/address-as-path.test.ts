import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUsageError, ROOT, runCli } from '../helpers/cli.ts';

const SECRET = 'pw-not-to-print';

/** Nothing named after the address was made where the CLI runs (a relative path would land there). */
function expectNoFileFromAddress(): void {
  for (const name of ['postgres', 'postgresql', 'postgres:', 'postgresql:']) expect(existsSync(join(ROOT, name)), name).toBe(false);
}

describe('a database address where a SQLite file is expected', () => {
  it('refuses a --db of postgres//… (its colon left out) without echoing it or creating a file of that name', () => {
    for (const [command, db] of [
      [['user', 'list'], `postgres//velocity:${SECRET}@127.0.0.1:1/velocity`],
      [['migrate'], `postgresql//velocity:${SECRET}@127.0.0.1:1/velocity`],
    ] as const) {
      const r = runCli([...command, '--db', db]);
      expectUsageError(r, '--db is neither a database file nor a usable PostgreSQL address');
      expect(r.stderr + r.stdout, db).not.toContain(SECRET);
    }
    expectNoFileFromAddress();
  });

  it('refuses migrate-to-postgres with --from and --to swapped, naming the mistake and not the address', () => {
    const pg = `postgres://velocity:${SECRET}@127.0.0.1:1/velocity`;
    const r = runCli(['migrate-to-postgres', '--from', pg, '--to', pg]);
    expectUsageError(r, '--from must be the SQLite file to copy', 'goes in --to');
    expect(r.stderr + r.stdout).not.toContain(SECRET);
  });

  it('refuses a DATABASE_PATH holding a PostgreSQL address, pointing to DATABASE_URL, instead of making a SQLite file of it', () => {
    const r = runCli(['user', 'list'], { env: { DATABASE_PATH: `postgres://velocity:${SECRET}@127.0.0.1:1/velocity` } });
    expectUsageError(r, 'DATABASE_PATH', 'DATABASE_URL');
    expect(r.stderr + r.stdout).not.toContain(SECRET);
    expectNoFileFromAddress();
  });
});
