// Imports nothing: the server's settings (src/server/config.ts) check DATABASE_URL with it without loading a driver.

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
function decodes(part: string): boolean {
  try {
    decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `url` is not a PostgreSQL address the app can use, in words that never
 * repeat it (it may hold a password), or null when it is one: a URL with the
 * postgres: or postgresql: scheme, a host (or a Unix socket folder as
 * `?host=/run/postgresql`) and a database name. node-postgres reads a string
 * without `//host` (postgres:/u:pw@h/db, a typo) as a database name on the
 * default server, sending the password along as that name, and one with a
 * space before or after it as a path on a server named "base": both refused
 * here instead.
 */
export function pgUrlProblem(url: string): string | null {
  const wanted = 'it must look like postgres://user:password@host:5432/database';
  if (url !== url.trim()) return `surrounded by spaces or line breaks: remove them (${wanted})`;
  const parsed = parsePgUrl(url);
  if (parsed === null) return `not a URL: ${wanted}`;
  const u = parsed.url;
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return `not a PostgreSQL address: ${wanted}`;
  if (!url.slice(u.protocol.length).startsWith('//')) return `no server named (nothing between // and the database): ${wanted}`;
  if (!decodes(u.username) || !decodes(u.password) || !decodes(u.pathname)) {
    return 'not readable: a % in the user name, password or database name must start an escape such as %25 (for %), %40 (for @), %2F (for /), %3A (for :) or %23 (for #); percent-encode those characters';
  }
  if ((u.hostname === '' || parsed.placeholderHost) && parsed.socket === null) {
    return `no server named (nothing between // and the database): ${wanted}, or postgres://user@/database?host=/run/postgresql for a Unix socket`;
  }
  if (u.pathname.replace(/^\//, '') === '') return `no database named after the server: ${wanted}`;
  return null;
}
