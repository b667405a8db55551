// Imports no driver, only its address parser: the server's settings (src/server/config.ts) check DATABASE_URL with it.
import { differingParts, driverTarget, type PgTarget } from './driver-reading.ts';

/**
 * node-postgres (pg-connection-string) reads `postgres://user@/db?host=/run/postgresql`, which is no URL to
 * WHATWG's parser (credentials with an empty host), by putting a placeholder host in; so does parsePgUrl.
 */
const SOCKET_PLACEHOLDER_HOST = 'unix-socket.invalid';

/**
 * The address parsed, or null when it is no URL. `socket` is the folder of
 * the server's Unix socket when a `host=/path` parameter names one (the
 * host part is then empty, or ignored as node-postgres does).
 */
export function parsePgUrl(url: string): { url: URL; socket: string | null; placeholderHost: boolean } | null {
  let placeholderHost = false;
  let parsed: URL;
  if (URL.canParse(url)) parsed = new URL(url);
  else if (URL.canParse(url.replace('@/', `@${SOCKET_PLACEHOLDER_HOST}/`))) {
    parsed = new URL(url.replace('@/', `@${SOCKET_PLACEHOLDER_HOST}/`));
    placeholderHost = true;
  } else return null;
  const host = parsed.searchParams.get('host');
  return { url: parsed, socket: host !== null && host.startsWith('/') ? host : null, placeholderHost };
}

/** The parsed address as text again, with the placeholder host (see parsePgUrl) taken out. */
export function pgUrlText(parsed: NonNullable<ReturnType<typeof parsePgUrl>>): string {
  const text = parsed.url.toString();
  return parsed.placeholderHost ? text.replace(`@${SOCKET_PLACEHOLDER_HOST}/`, '@/') : text;
}

/** Whether every %-escape in `part` decodes (node-postgres decodes the user name, password and database name). */
export function decodes(part: string): boolean {
  try {
    decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

/** `part` decoded, or as written when it does not decode: a check never throws, whatever it is given. */
export function decodedLeniently(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Query parameters node-postgres would let override the parts of the address
 * the app checked (it reads them after the user part, host and path): a
 * `?user=postgres` connected as the superuser, `?host=`/`?port=` elsewhere.
 * `host` and `port` are what a Unix-socket address (empty host part) is made
 * of, so they stay allowed there.
 */
const OVERRIDING_PARAMS = ['user', 'password', 'dbname', 'database'];
const SERVER_PARAMS = ['host', 'port'];

/** Why a query parameter of `parsed` may not be used, in words that never repeat the address, or null. */
function overridingParamProblem(parsed: NonNullable<ReturnType<typeof parsePgUrl>>): string | null {
  const all = [...parsed.url.searchParams.keys()].map((n) => n.toLowerCase());
  const names = new Set(all);
  // node-postgres takes the last of two equal parameters and libpq (pg_dump) the first, or the backup would read
  // the check's value and change another: one of each.
  if (names.size !== all.length) return 'names a parameter twice: give each ?name= once';
  for (const name of ['hostaddr', 'service']) {
    // Ignored by node-postgres, used by libpq: pg_dump (backup) would go to a server the app never checked.
    if (names.has(name)) return `has a ${name}= parameter, which node-postgres ignores and pg_dump would follow to another server: leave it out and write the server after the @`;
  }
  const hostPartEmpty = parsed.url.hostname === '' || parsed.placeholderHost;
  const where: Record<string, string> = {
    user: 'write the user before the @ (postgres://user:password@host/database)',
    password: 'write the password after the user name (postgres://user:password@host/database), percent-encoded',
    dbname: 'write the database after the server (postgres://user:password@host/database)',
    database: 'write the database after the server (postgres://user:password@host/database)',
    host: 'write the server after the @ (postgres://user:password@host:5432/database), or leave the part after the @ empty for a Unix socket (postgres://user@/database?host=/run/postgresql)',
    port: 'write the port after the server (postgres://user:password@host:5432/database); ?port= is for a Unix socket (postgres://user@/database?host=/run/postgresql&port=5433)',
  };
  for (const name of [...OVERRIDING_PARAMS, ...SERVER_PARAMS]) {
    if (!names.has(name)) continue;
    if (SERVER_PARAMS.includes(name) && hostPartEmpty) continue;
    return `has a ${name}= parameter, which would replace what the address says elsewhere: ${where[name]}`;
  }
  return null;
}

/**
 * Why `url` is not a PostgreSQL address the app can use, in words that never
 * repeat it (it may hold a password), or null when it is one: a URL with the
 * postgres: or postgresql: scheme, a host (or a Unix socket folder as
 * `?host=/run/postgresql`) and a database name. node-postgres reads a string
 * without `//host` (postgres:/u:pw@h/db, a typo) as a database name on the
 * default server, sending the password along as that name, and one with a
 * space before or after it as a path on a server named "base": both refused
 * here instead. So are query parameters that node-postgres would read over
 * the user, password, database, server or port written in the address
 * (OVERRIDING_PARAMS).
 */
export function pgUrlProblem(url: string): string | null {
  const wanted = 'it must look like postgres://user:password@host:5432/database';
  if (url !== url.trim()) return `surrounded by spaces or line breaks: remove them (${wanted})`;
  const parsed = parsePgUrl(url);
  if (parsed === null) return `not a URL: ${wanted}`;
  const u = parsed.url;
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return `not a PostgreSQL address: ${wanted}`;
  if (!url.slice(u.protocol.length).startsWith('//')) return `no server named (nothing between // and the database): ${wanted}`;
  // libpq refuses %00; node-postgres writes the NUL into its start-up message, where the server reads what follows
  // as further settings: `…/db%00user%00postgres` connected as the superuser.
  if (/%00/.test(url)) return 'holds %00 (a NUL character), which no part of an address may contain';
  // A password with an unencoded / ends the server part early: the user name is then read as the host and the
  // password as part of the database name (postgres://velocity:/Xk9@h/db), where no message would blank it.
  if (u.pathname.includes('@') || u.pathname.includes('%40')) {
    return 'has an @ after the server: a / in the password must be written %2F (and @ as %40, : as %3A, % as %25)';
  }
  if (!decodes(u.username) || !decodes(u.password) || !decodes(u.pathname)) {
    return 'not readable: a % in the user name, password or database name must start an escape such as %25 (for %), %40 (for @), %2F (for /), %3A (for :) or %23 (for #); percent-encode those characters';
  }
  if ((u.hostname === '' || parsed.placeholderHost) && parsed.socket === null) {
    return `no server named (nothing between // and the database): ${wanted}, or postgres://user@/database?host=/run/postgresql for a Unix socket`;
  }
  if (u.pathname.replace(/^\//, '') === '') return `no database named after the server: ${wanted}`;
  // Over TCP node-postgres would then connect as PGUSER or the operating-system user, which no message names. (Over a
  // Unix socket that is the usual peer authentication: postgresql:///velocity?host=/run/postgresql.)
  if (u.username === '' && parsed.socket === null) return `no user named before the @: ${wanted}`;
  return overridingParamProblem(parsed) ?? driverReadingProblem(parsed, url);
}

/** Where the app takes `parsed` to go, and as whom (what the messages and checks above are about). */
function appTarget(parsed: NonNullable<ReturnType<typeof parsePgUrl>>): PgTarget {
  const u = parsed.url;
  const socketForm = u.hostname === '' || parsed.placeholderHost;
  return {
    host: socketForm ? (parsed.socket ?? '') : u.hostname.replace(/^\[(.+)\]$/, '$1'),
    port: socketForm ? (u.searchParams.get('port') ?? '') : u.port,
    user: decodedLeniently(u.username),
    password: decodedLeniently(u.password),
    database: decodedLeniently(u.pathname.replace(/^\//, '')),
  };
}

/**
 * Why node-postgres would connect somewhere else, or as someone else, than
 * the address says to the app, or null. Its parser re-encodes the whole
 * string when a space or a % without two hex digits appears anywhere (a
 * space in the query left %3A in a password undecoded), and decodes the
 * database name with decodeURI (%2F stays %2F); it must never differ from
 * what was checked.
 */
function driverReadingProblem(parsed: NonNullable<ReturnType<typeof parsePgUrl>>, url: string): string | null {
  const driver = driverTarget(url);
  if (driver === null) return `not readable by node-postgres: it must look like postgres://user:password@host:5432/database`;
  const parts = differingParts(appTarget(parsed), driver);
  if (parts.length === 0) return null;
  return `read differently by node-postgres, which would take another ${parts.join(', ')}: write a space as %20 and a % as %25 anywhere in the address (the query too), and give the database a name without / ? # @ : ; , = + & $`;
}
