import { describe, expect, it } from 'vitest';
import { pgUrlProblem } from '../../db/pg/url.ts';

/** Addresses the third review got past the checks (issue 15): each is refused, and no refusal repeats the password. */
const SECRET = 'Pw-never-shown';

describe('addresses that would connect as another role, elsewhere, or print the password', () => {
  it.each([
    ['a NUL in the database name (read by the server as a further user= setting)', `postgres://velocity:${SECRET}@127.0.0.1:5432/nultest%00user%00postgres`, /%00/],
    ['a NUL in a parameter', `postgres://velocity:${SECRET}@127.0.0.1:5432/velocity?application_name=x%00user%00postgres`, /%00/],
    ['a password starting with an unencoded /', `postgres://velocity:/${SECRET}@127.0.0.1:5432/velocity`, /@ after the server.*%2F/],
    ['a password with an unencoded / after digits', `postgres://velocity:4431/${SECRET}@127.0.0.1:5432/velocity`, /@ after the server/],
    ['hostaddr= (pg_dump would go there, node-postgres not)', `postgres://velocity:${SECRET}@127.0.0.1:5432/velocity?hostaddr=127.0.0.2`, /hostaddr= parameter/],
    ['service= (may name another server for pg_dump)', `postgres://velocity:${SECRET}@127.0.0.1:5432/velocity?service=other`, /service= parameter/],
    ['sslmode given twice (node-postgres reads the last, pg_dump the first)', `postgres://velocity:${SECRET}@127.0.0.1:5432/velocity?sslmode=no-verify&sslmode=verify-full`, /parameter twice/],
    ['no user over TCP (the operating-system user, named nowhere)', `postgres://:${SECRET}@127.0.0.1:5432/velocity`, /no user named/],
  ])('%s', (_what, url, says) => {
    const problem = pgUrlProblem(url);
    expect(problem).toMatch(says);
    expect(problem).not.toContain(SECRET);
    expect(problem).not.toContain('127.0.0.2');
  });

  it('still takes the ordinary forms: a percent-encoded / in the password, a Unix socket without a user (peer authentication)', () => {
    expect(pgUrlProblem(`postgres://velocity:%2F${SECRET}@127.0.0.1:5432/velocity`)).toBeNull();
    expect(pgUrlProblem('postgresql:///velocity?host=/var/run/postgresql')).toBeNull();
    expect(pgUrlProblem(`postgres://velocity:${SECRET}@db.internal:5432/velocity?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem`)).toBeNull();
  });
});
