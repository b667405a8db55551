// Imports nothing: the server's settings (src/server/config.ts) check DATABASE_URL with it without loading a driver.

/**
 * Why `url` is not a PostgreSQL address the app can use, in words that never
 * repeat it (it may hold a password), or null when it is one: a URL with the
 * postgres: or postgresql: scheme, a host and a database name. node-postgres
 * reads a string without `//host` (postgres:/u:pw@h/db, a typo) as a database
 * name on the default server, sending the password along as that name:
 * refused here instead.
 */
export function pgUrlProblem(url: string): string | null {
  const wanted = 'it must look like postgres://user:password@host:5432/database';
  if (!URL.canParse(url)) return `not a URL: ${wanted}`;
  const u = new URL(url);
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return `not a PostgreSQL address: ${wanted}`;
  if (u.hostname === '') return `no server named (nothing between // and the database): ${wanted}`;
  if (u.pathname.replace(/^\//, '') === '') return `no database named after the server: ${wanted}`;
  return null;
}
