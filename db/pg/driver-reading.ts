// node-postgres's own address parser (a dependency of pg, no driver): what pg.Pool does with the string is what it
// reads, whatever the app's checks (db/pg/url.ts) made of the same string.
import { parse } from 'pg-connection-string';

/** The parts of an address that decide where a connection goes and as whom. */
export interface PgTarget {
  host: string;
  port: string;
  user: string;
  password: string;
  database: string;
}

/**
 * Parameters that pg-connection-string acts on at once but that say nothing
 * of where a connection goes: the certificate files, which it reads, and
 * sslmode, for which it prints a warning. Renamed before parsing, so that
 * checking an address reads no file and prints nothing (the characters stay,
 * so the parser takes the same path through the string).
 */
const ACTED_ON_PARAMS = /([?&])(sslcert|sslkey|sslrootcert|sslmode)=/g;

/** How node-postgres reads `url`, or null when it cannot. */
export function driverTarget(url: string): PgTarget | null {
  try {
    const c = parse(url.replace(ACTED_ON_PARAMS, '$1x-$2='));
    return { host: c.host ?? '', port: c.port ?? '', user: c.user ?? '', password: c.password ?? '', database: c.database ?? '' };
  } catch {
    return null;
  }
}

/** The names of the parts where `driver` differs from `expected`, for a message that shows no value. */
export function differingParts(expected: PgTarget, driver: PgTarget): string[] {
  const names: Record<keyof PgTarget, string> = { host: 'server', port: 'port', user: 'user name', password: 'password', database: 'database name' };
  return (Object.keys(names) as (keyof PgTarget)[]).filter((k) => expected[k] !== driver[k]).map((k) => names[k]);
}
