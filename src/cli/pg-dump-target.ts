import { decodedLeniently, parsePgUrl, pgUrlText } from '../../db/pg/url.ts';
import { UsageError } from './errors.ts';

/**
 * How pg_dump (libpq) is to reach the database of a checked address (db/pg/url.ts pgUrlProblem): the address for
 * its command line, with no secret in it (`ps` shows every user's command lines), and the secrets apart.
 */
export interface PgDumpTarget {
  /** The address for --dbname, without password or sslpassword. */
  dbname: string;
  /** The password, for the PGPASSWORD variable; '' when there is none. */
  password: string;
  /** The key's passphrase (sslpassword), which libpq takes from no variable: it goes in a private service file. */
  sslPassword: string;
}

/**
 * Parameters node-postgres reads from the address that libpq does not know
 * (pg_dump would stop at "invalid URI query parameter") and that do not
 * matter to a dump: timeouts of the app's own statements (pg_dump sets its
 * own), and the switch to libpq's meaning of sslmode, which pg_dump has anyway.
 */
const APP_ONLY_PARAMS = ['statement_timeout', 'query_timeout', 'idle_in_transaction_session_timeout', 'lock_timeout', 'uselibpqcompat'];

/**
 * The pg_dump target of `url`. node-postgres's own TLS spellings are
 * translated where libpq has the same meaning (sslmode=no-verify: TLS
 * without checking the certificate, libpq's sslmode=require) and refused
 * where it has none (ssl=true checks the certificate against Node's
 * authorities, which libpq does not read), saying what to write instead.
 */
export function pgDumpTarget(url: string): PgDumpTarget {
  const parsed = parsePgUrl(url);
  if (parsed === null) throw new UsageError('the PostgreSQL address cannot be read: it must look like postgres://user:password@host:5432/database');
  const u = parsed.url;
  const password = decodedLeniently(u.password);
  const sslPassword = u.searchParams.get('sslpassword') ?? '';
  u.password = '';
  u.searchParams.delete('password');
  u.searchParams.delete('sslpassword');
  for (const name of APP_ONLY_PARAMS) u.searchParams.delete(name);
  if (u.searchParams.has('ssl')) {
    throw new UsageError(
      'the PostgreSQL address has ssl=…, an option of node-postgres that pg_dump does not know: write sslmode=verify-full with sslrootcert=<the server certificate authority file> (checked TLS), or sslmode=require (TLS without checking the certificate), in its place',
    );
  }
  if (u.searchParams.get('sslmode') === 'no-verify') u.searchParams.set('sslmode', 'require');
  if (sslPassword !== '' && u.searchParams.has('service')) {
    throw new UsageError(
      'the PostgreSQL address has both service= and sslpassword=: pg_dump gets the passphrase through a service file of its own, so put sslpassword in your service file (pg_service.conf) instead',
    );
  }
  return { dbname: pgUrlText(parsed), password, sslPassword };
}
