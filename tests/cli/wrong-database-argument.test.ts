import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectUsageError, ROOT, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-db.ts';

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

describe('a PostgreSQL address naming a certificate file that cannot be read', () => {
  it('is a message naming the problem (exit 2, no stack), not a crash, and does not print the password', () => {
    const r = runCli(['user', 'list', '--db', `postgres://velocity:${SECRET}@127.0.0.1:1/velocity?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem`]);
    expectUsageError(r, 'cannot reach PostgreSQL', 'sslrootcert, sslcert or sslkey', 'cannot be read');
    expect(r.stderr + r.stdout).not.toContain(SECRET);
  });
});

describe('migrate-to-postgres --from something other than a SQLite database', () => {
  const tmp = tempDir('velocity-wrong-from-');
  afterAll(() => tmp.cleanup());
  const to = 'postgres://velocity@127.0.0.1:1/velocity';

  it('says a folder is a folder, a PostgreSQL backup is one, and another file is not SQLite: never "damaged, restore a backup"', () => {
    const folder = join(tmp.dir, 'data');
    mkdirSync(folder);
    const dump = join(tmp.dir, 'velocity.dump');
    writeFileSync(dump, Buffer.concat([Buffer.from('PGDMP'), Buffer.alloc(200, 1)]));
    const text = join(tmp.dir, 'notes.txt');
    writeFileSync(text, 'not a database at all\n'.repeat(20));
    const cases: [string, string][] = [
      [folder, 'is a folder'],
      [dump, 'is a PostgreSQL backup'],
      [text, 'is not a SQLite database'],
    ];
    for (const [from, says] of cases) {
      const r = runCli(['migrate-to-postgres', '--from', from, '--to', to]);
      const line = expectUsageError(r, says);
      expect(line).not.toMatch(/damaged|restore the latest/i);
    }
  });
});
