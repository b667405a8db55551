import { describe, expect, it } from 'vitest';
import { driverTarget } from '../../db/pg/driver-reading.ts';
import { pgUrlProblem } from '../../db/pg/url.ts';

/**
 * The address given to pg.Pool must be read by node-postgres's own parser
 * (pg-connection-string) as the app checked it (issue 15, second review,
 * finding 2): with a space before it, the driver read it as a path on a
 * server named "base"; with a space in the query, it re-encoded the whole
 * string and left %3A in the password undecoded.
 */
const SECRET = 'Pw-never-shown';
// From the start of the file: every address checked here (several with sslmode) counts.
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(w.message));

describe('addresses node-postgres would read otherwise', () => {
  it('a space before the address is refused (the driver would go to a server named "base")', () => {
    const url = ` postgres://velocity:${SECRET}@127.0.0.1:5432/velocity`;
    expect(driverTarget(url)?.host).toBe('base');
    expect(pgUrlProblem(url)).toMatch(/^surrounded by spaces/);
  });

  it.each([
    ['a space in the query, with an escape in the password', `postgres://velocity:${SECRET}%3A@127.0.0.1:5432/velocity?application_name=a b`, 'password'],
    ['a % without two hex digits in the query', `postgres://ve%3Alocity:${SECRET}@127.0.0.1:5432/velocity?application_name=50%off`, 'user name'],
    ['a database name with an escaped slash (decoded by the driver with decodeURI, which keeps %2F)', `postgres://velocity:${SECRET}@127.0.0.1:5432/my%2Fdb`, 'database name'],
  ])('%s is refused, naming the part, never its value', (_, url, part) => {
    const problem = pgUrlProblem(url);
    expect(problem).toMatch(/^read differently by node-postgres, which would take another /);
    expect(problem).toContain(part);
    expect(problem).toContain('write a space as %20');
    expect(problem).not.toContain(SECRET);
  });

  it.each([
    `postgres://velocity:${SECRET}@127.0.0.1:5432/velocity`,
    `postgres://velocity:p%40s%3As%2Fw%25o%23rd%20x@db.internal/velocity?sslmode=require&application_name=a%20b`,
    `postgres://ve%20l:${SECRET}@[::1]:5433/my%20db`,
    'postgres://velocity@/velocity?host=/run/postgresql&port=5433',
  ])('an address read the same by both is accepted: %s', (url) => {
    expect(pgUrlProblem(url)).toBeNull();
  });

  it('reads as the app does, down to the decoded password, host and port', () => {
    expect(driverTarget(`postgres://velocity:p%40s%3As%2Fw%25o%23rd@[::1]:5433/my%20db`)).toEqual({
      host: '::1',
      port: '5433',
      user: 'velocity',
      password: 'p@s:s/w%o#rd',
      database: 'my db',
    });
  });

  it('checks an address naming certificate files without reading them (the driver would read them at once), and without its sslmode warning', async () => {
    const url = `postgres://velocity:${SECRET}@db.internal/velocity?sslmode=verify-full&sslrootcert=/nonexistent/root.crt&sslcert=/nonexistent/c.crt&sslkey=/nonexistent/c.key`;
    expect(pgUrlProblem(url)).toBeNull();
    expect(driverTarget(url)?.host).toBe('db.internal');
    expect(pgUrlProblem(`postgres://velocity@db.internal/velocity?sslmode=require`)).toBeNull();
    // node-postgres's parser warns about sslmode once per process (emitted on a later tick): never here.
    await new Promise((r) => setImmediate(r));
    expect(warnings).toEqual([]);
  });
});
