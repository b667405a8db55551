import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { DatabaseOpenError } from '../client.ts';
import { GuardedPool } from './pool.ts';
import * as schema from './schema.ts';
import { decodedLeniently, parsePgUrl, pgUrlProblem, pgUrlText } from './url.ts';

export { pgUrlProblem };

export type PgDb = NodePgDatabase<typeof schema>;

// count(*) and sum() of integers come back as int8 and numeric, which node-postgres gives as strings (they may
// exceed a double). Every such figure here is a count or a sum far below 2^53, and SQLite gives numbers: so numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** Connections per app instance when neither the caller nor PG_POOL_MAX says otherwise. */
export const DEFAULT_POOL_MAX = 10;

/**
 * A statement running longer than this is cancelled by the server: a page
 * waits seconds at most for its queries, so one stuck on a lock or a runaway
 * plan fails with an error instead of holding a pooled connection for good.
 * Bulk work (seeding, a rebuild of the statistics, a copy from SQLite)
 * passes a longer limit or 0 (none).
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/**
 * A transaction left open and idle this long (a crashed request handler, a
 * client that stopped between two statements) is ended by the server, so
 * its row locks do not stop every other instance's finishes.
 */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/** Waiting for a connection (a new one, or a free one from a busy pool) fails after this long instead of hanging. */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * How long the app waits for the answer to a statement, beyond the server's
 * statement timeout, before it gives up on its own: a server that is frozen
 * (stopped, swapping, a VM paused) or cut off without a reset neither answers
 * nor refuses, and its statement timeout cannot fire. A tenth of the
 * statement timeout, at least a second: the server's own cancellation (a
 * clear 57014) comes first whenever the server is alive.
 */
export function queryTimeoutFor(statementTimeoutMs: number): number {
  return statementTimeoutMs === 0 ? 0 : statementTimeoutMs + Math.max(1_000, Math.round(statementTimeoutMs / 10));
}

/** A whole number of milliseconds from the environment, within bounds, else the default. */
function millisFrom(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < min || ms > max) throw new DatabaseOpenError(`${name} must be a whole number of milliseconds from ${min} to ${max}, not "${raw}"`);
  return ms;
}

/**
 * The statement timeout from PG_STATEMENT_TIMEOUT_MS (100 to 3,600,000), else
 * DEFAULT_STATEMENT_TIMEOUT_MS; the client-side timeout follows it
 * (queryTimeoutFor).
 */
export function statementTimeoutFrom(env: Record<string, string | undefined> = process.env): number {
  return millisFrom(env, 'PG_STATEMENT_TIMEOUT_MS', DEFAULT_STATEMENT_TIMEOUT_MS, 100, 3_600_000);
}

/** The connection timeout from PG_CONNECT_TIMEOUT_MS (100 to 600,000), else CONNECT_TIMEOUT_MS. */
export function connectTimeoutFrom(env: Record<string, string | undefined> = process.env): number {
  return millisFrom(env, 'PG_CONNECT_TIMEOUT_MS', CONNECT_TIMEOUT_MS, 100, 600_000);
}

/**
 * The key of the session advisory lock the migrations run under (the bytes
 * of "velocity" as a 64-bit integer): one instance migrates, the others
 * starting at the same time wait for it and then find nothing to do.
 */
export const MIGRATION_LOCK_KEY = 0x76656c6f63697479n;

/**
 * The pool size from PG_POOL_MAX (a whole number from 1 to 1000), else
 * DEFAULT_POOL_MAX. Each instance holds up to this many connections, so the
 * instances together must stay under the server's max_connections.
 */
export function poolMaxFrom(env: Record<string, string | undefined> = process.env): number {
  const raw = env.PG_POOL_MAX?.trim();
  if (raw === undefined || raw === '') return DEFAULT_POOL_MAX;
  const max = Number(raw);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new DatabaseOpenError(`PG_POOL_MAX must be a whole number from 1 to 1000, not "${raw}"`);
  return max;
}

/** Parameters of a connection string that hold secrets. */
const SECRET_PARAMS = ['password', 'sslpassword'];

/**
 * The connection string as it may be printed: without its password (in the
 * user part or as a parameter). One that is not a URL is not echoed at all,
 * since where its password sits is unknown.
 */
export function describePgUrl(url: string): string {
  // A string without host (postgres:/user:pw@…, a typo) has no user or password part to blank: it is not echoed either.
  const parsed = pgUrlProblem(url) === null ? parsePgUrl(url) : null;
  if (parsed === null) return 'the given PostgreSQL address (not of the form postgres://user:password@host:5432/database)';
  parsed.url.password = '';
  for (const name of SECRET_PARAMS) parsed.url.searchParams.delete(name);
  return pgUrlText(parsed);
}

/** Every form a password of `url` may take in a message: as written, and as decoded. */
function passwordsIn(url: string): string[] {
  const u = parsePgUrl(url)?.url;
  if (!u) return [];
  const secrets = [u.password, decodedLeniently(u.password), ...SECRET_PARAMS.map((p) => u.searchParams.get(p) ?? '')];
  // Longest first: a decoded password may contain the written one, or the other way round.
  return [...new Set(secrets.filter((p) => p.length > 0))].sort((a, b) => b.length - a.length);
}

/**
 * The driver's own error inside `e` (drizzle wraps it as its `cause`): the
 * first with a SQLSTATE or socket code, else the innermost (node-postgres
 * gives a broken connection no code).
 */
function driverError(e: unknown): Error & { code?: string; errors?: Error[] } {
  let innermost = e as Error;
  for (let err = e as (Error & { code?: string; cause?: unknown }) | undefined, depth = 0; err && depth < 4; err = err.cause as typeof err, depth++) {
    if (typeof err.code === 'string') return err;
    if (err instanceof Error) innermost = err;
  }
  return innermost;
}


/** What the operator can do about a failure, by its SQLSTATE, for the role and database of `url`. */
function hintFor(code: string | undefined, url: string): string {
  const u = parsePgUrl(url)?.url;
  const dbName = u ? decodedLeniently(u.pathname.replace(/^\//, '')) : '<database>';
  const role = u?.username ? decodedLeniently(u.username) : '<role>';
  if (code === '3D000') return `. Create it first, as the server's administrator: createdb -O ${role} ${dbName}`;
  // node-postgres reads the files the address names (sslrootcert, sslcert, sslkey) when it makes a connection.
  if (code === 'ENOENT' || code === 'EACCES') return '. A certificate or key file named in the address (sslrootcert, sslcert or sslkey) cannot be read: check its path and that this user may read it';
  if (code === '42501') {
    return `. The role ${role} may not create the app's tables there: make it the database's owner (ALTER DATABASE ${dbName} OWNER TO ${role}), or see the README's PostgreSQL section for the privileges it needs otherwise`;
  }
  return '';
}

/**
 * Why a connection or a statement failed, in words, with any password of
 * `url` blotted out: the driver's message and code rather than drizzle's
 * "Failed query: …" around it, and what to do for a missing database or
 * missing privileges. Node reports a refused connection to a name with
 * several addresses (localhost) as an AggregateError with an empty message.
 */
export function pgFailureReason(e: unknown, url: string): string {
  const err = driverError(e);
  let reason = err?.message || err?.errors?.[0]?.message || err?.code || String(e);
  if (err?.code && !reason.includes(err.code)) reason = `${reason} (${err.code})`;
  reason += hintFor(err?.code, url);
  return withoutPasswords(reason, url);
}

/** `text` with every password of `url` (the password, written and decoded, and sslpassword) blotted out. */
export function withoutPasswords(text: string, url: string): string {
  let blotted = text;
  for (const secret of passwordsIn(url)) blotted = blotted.split(secret).join('***');
  return blotted;
}

/**
 * The pool's 'error' listener: logs an idle connection that broke. It never
 * throws, whatever the error or the address: an exception in an event
 * listener ends the process (a password with a stray % once did, through
 * decodeURIComponent, when an administrator ended the app's connections).
 */
export function idleConnectionFailed(e: unknown, url: string, write: (line: string) => void = (line) => process.stderr.write(line)): void {
  let line: string;
  try {
    line = `velocity: an idle PostgreSQL connection to ${describePgUrl(url)} failed: ${pgFailureReason(e, url)}\n`;
  } catch {
    line = 'velocity: an idle PostgreSQL connection failed (its error could not be described); the pool opens another when needed\n';
  }
  try {
    write(line);
  } catch {
    // stderr itself failed: there is nowhere left to say it.
  }
}

function checkUrl(url: string): void {
  const problem = pgUrlProblem(url);
  if (problem !== null) throw new DatabaseOpenError(`the PostgreSQL address given is ${problem}`);
}

/** What openPg may be told; each left out comes from the environment or its default. */
export interface PgOptions {
  /** Connections at most (PG_POOL_MAX, else DEFAULT_POOL_MAX). */
  max?: number;
  /** The server's statement timeout (PG_STATEMENT_TIMEOUT_MS, else 30 s); 0: none, and no client-side timeout either. */
  statementTimeoutMs?: number;
  /** The client-side wait for any statement's answer (else queryTimeoutFor the statement timeout); 0: none. */
  queryTimeoutMs?: number;
  /** The wait for a new connection, or a free one from a busy pool (PG_CONNECT_TIMEOUT_MS, else 10 s). */
  connectTimeoutMs?: number;
}

/**
 * A pool of connections to PostgreSQL and a drizzle database over it. No
 * connection is made yet: the first query (or migratePg) makes one, and
 * migratePg turns a failure into a DatabaseOpenError that names the server.
 * A statement without an answer past the client-side timeout fails (as a
 * storage fault: src/server/storage-fault.ts) and its connection is closed
 * (db/pg/pool.ts). Close the pool (`pool.end()`) at shutdown.
 */
export function openPg(url: string, options: PgOptions = {}): { db: PgDb; pool: pg.Pool } {
  checkUrl(url);
  const statementTimeoutMs = options.statementTimeoutMs ?? statementTimeoutFrom();
  const queryTimeoutMs = options.queryTimeoutMs ?? queryTimeoutFor(statementTimeoutMs);
  const pool = new GuardedPool({
    connectionString: url,
    max: options.max ?? poolMaxFrom(),
    application_name: 'velocity',
    statement_timeout: statementTimeoutMs,
    // node-postgres reads 0 as "none" too; undefined keeps it from sending a setting.
    query_timeout: queryTimeoutMs === 0 ? undefined : queryTimeoutMs,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    connectionTimeoutMillis: options.connectTimeoutMs ?? connectTimeoutFrom(),
  });
  // An idle pooled connection that breaks (the server restarted, a network cut) is dropped by the pool and
  // replaced on the next query; without a listener its error would end the process.
  pool.on('error', (e) => idleConnectionFailed(e, url));
  return { db: drizzle(pool, { schema }), pool };
}

/**
 * Applies the migrations in `migrationsFolder` (drizzle-kit's output) that
 * the database has not had yet, as one instance at a time: on one dedicated
 * connection it takes the session advisory lock MIGRATION_LOCK_KEY, runs
 * drizzle's migrator over that same connection (all pending migrations in
 * one transaction, recorded in drizzle.__drizzle_migrations), then unlocks.
 * Instances starting together queue on the lock, and each after the first
 * finds the migrations recorded and does nothing. The connection is the
 * pool's settings' but not the pool's: waiting for another instance's
 * migrations, and a migration itself, may take longer than the pool's
 * statement and client-side timeouts allow; it is closed afterwards, which
 * releases the lock whatever happened.
 */
export async function migratePg(pool: pg.Pool, migrationsFolder: string): Promise<void> {
  const { connectionString, host, port, database } = pool.options;
  const url = connectionString ?? '';
  const where = connectionString ? describePgUrl(connectionString) : `${host ?? 'localhost'}:${port ?? 5432}/${database ?? ''}`;
  let client: pg.Client | undefined;
  try {
    // Inside the try: making the client reads the certificate files the address names, and may fail.
    client = new pg.Client({ ...pool.options, statement_timeout: undefined, query_timeout: undefined });
    // A connection that breaks fails the statement running on it; its 'error' event must not end the process.
    client.on('error', () => undefined);
    await client.connect();
  } catch (e) {
    await client?.end().catch(() => undefined);
    throw new DatabaseOpenError(`cannot reach PostgreSQL at ${where}: ${pgFailureReason(e, url)}`);
  }
  let failure: unknown;
  try {
    // No statement timeout, whatever the role's or the database's default.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
    await migrate(drizzle(client, { schema }), { migrationsFolder });
    // On a failure the lock goes with the connection, closed below.
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
  } catch (e) {
    failure = e;
  } finally {
    await client.end().catch(() => undefined);
  }
  if (failure !== undefined) throw new DatabaseOpenError(`cannot migrate the PostgreSQL database at ${where}: ${pgFailureReason(failure, url)}`);
}
