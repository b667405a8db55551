import { describe, expect, it } from 'vitest';
import { pgUrlProblem } from '../../db/pg/url.ts';
import { ConfigError, parseConfig } from '../../src/server/config.ts';

/**
 * Query parameters that node-postgres reads over the parts of the address the
 * app checked (issue 15, second review, finding 3): `?user=postgres` connected
 * as the superuser, `?host=`/`?port=` to another server.
 */
const SECRET = 'Pw-never-shown';
const base = `postgres://velocity:${SECRET}@127.0.0.1:5432/velocity`;

describe('query parameters that would replace the checked address', () => {
  it.each([
    ['user', 'user=postgres', /write the user before the @/],
    ['password', 'password=other', /write the password after the user name/],
    ['dbname', 'dbname=postgres', /write the database after the server/],
    ['database', 'database=postgres', /write the database after the server/],
    ['host', 'host=127.0.0.2', /write the server after the @/],
    ['port', 'port=1', /write the port after the server/],
    ['host', 'sslmode=require&HOST=127.0.0.2', /write the server after the @/],
  ])('%s= is refused, saying where it goes, without echoing the address (%s)', (name, query, where) => {
    const problem = pgUrlProblem(`${base}?${query}`);
    expect(problem).toMatch(new RegExp(`^has a ${name}= parameter, which would replace what the address says elsewhere: `));
    expect(problem).toMatch(where);
    expect(problem).not.toContain(SECRET);
    expect(problem).not.toContain('127.0.0.2');
  });

  it('host= and port= stay allowed when the part after the @ is empty (a Unix socket)', () => {
    expect(pgUrlProblem('postgres://velocity@/velocity?host=/run/postgresql&port=5433')).toBeNull();
    expect(pgUrlProblem('postgresql:///velocity?host=/var/run/postgresql')).toBeNull();
    expect(pgUrlProblem(`postgres://velocity:${SECRET}@/velocity?host=/run/postgresql`)).toBeNull();
  });

  it('but a socket folder given besides a server is refused: which one is meant is unclear', () => {
    expect(pgUrlProblem('postgres://velocity@localhost/velocity?host=/run/postgresql')).toMatch(/^has a host= parameter/);
  });

  it('a user or password parameter is refused in the Unix-socket form too', () => {
    expect(pgUrlProblem('postgres://velocity@/velocity?host=/run/postgresql&user=postgres')).toMatch(/^has a user= parameter/);
    expect(pgUrlProblem(`postgres://velocity@/velocity?host=/run/postgresql&password=${SECRET}`)).toMatch(/^has a password= parameter/);
  });

  it('other parameters (TLS, the application name) are kept', () => {
    expect(pgUrlProblem(`${base}?sslmode=verify-full&sslrootcert=/etc/ssl/db.pem&application_name=velocity`)).toBeNull();
  });

  it('DATABASE_URL with such a parameter stops the start with the reason, never the value', () => {
    let error: unknown;
    try {
      parseConfig({ DATABASE_URL: `${base}?user=postgres` });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('has a user= parameter');
    expect((error as Error).message).not.toContain(SECRET);
  });
});
