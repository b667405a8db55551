import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { DatabaseOpenError } from '../client.ts';
import { pgUrlProblem } from './url.ts';

export { pgUrlProblem };
import * as schema from './schema.ts';

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
  if (pgUrlProblem(url) !== null) return 'the given PostgreSQL address (not of the form postgres://user:password@host:5432/database)';
  const u = new URL(url);
  u.password = '';
  for (const name of SECRET_PARAMS) u.searchParams.delete(name);
  return u.toString();
}

function passwordsIn(url: string): string[] {
  if (!URL.canParse(url)) return [];
  const u = new URL(url);
  return [decodeURIComponent(u.password), ...SECRET_PARAMS.map((p) => u.searchParams.get(p) ?? '')].filter((p) => p.length > 0);
}

/**
 * Why a connection or a statement failed, in words, with any password of
 * `url` blotted out. Node reports a refused connection to a name with
 * several addresses (localhost) as an AggregateError with an empty message.
 */
export function pgFailureReason(e: unknown, url: string): string {
  const err = e as Error & { code?: string; errors?: Error[] };
  let reason = err?.message || err?.errors?.[0]?.message || err?.code || String(e);
  if (err?.code && !reason.includes(err.code)) reason = `${reason} (${err.code})`;
  for (const secret of passwordsIn(url)) reason = reason.split(secret).join('***');
  return reason;
}

function checkUrl(url: string): void {
  const problem = pgUrlProblem(url);
  if (problem !== null) throw new DatabaseOpenError(`the PostgreSQL address given is ${problem}`);
}

/**
 * A pool of connections to PostgreSQL and a drizzle database over it. No
 * connection is made yet: the first query (or migratePg) makes one, and
 * migratePg turns a failure into a DatabaseOpenError that names the server.
 * Close the pool (`pool.end()`) at shutdown.
 */
export function openPg(url: string, options: { max?: number; statementTimeoutMs?: number } = {}): { db: PgDb; pool: pg.Pool } {
  checkUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? poolMaxFrom(),
    application_name: 'velocity',
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // An idle pooled connection that breaks (the server restarted, a network cut) is dropped by the pool and
  // replaced on the next query; without a listener its error would end the process.
  pool.on('error', (e) => process.stderr.write(`velocity: an idle PostgreSQL connection to ${describePgUrl(url)} failed: ${pgFailureReason(e, url)}\n`));
  return { db: drizzle(pool, { schema }), pool };
}

/**
 * Applies the migrations in `migrationsFolder` (drizzle-kit's output) that
 * the database has not had yet, as one instance at a time: on one dedicated
 * connection it takes the session advisory lock MIGRATION_LOCK_KEY, runs
 * drizzle's migrator over that same connection (all pending migrations in
 * one transaction, recorded in drizzle.__drizzle_migrations), then unlocks.
 * Instances starting together queue on the lock, and each after the first
 * finds the migrations recorded and does nothing. The connection is closed
 * afterwards rather than returned to the pool (its session had no statement
 * timeout, and closing it releases the lock whatever happened).
 */
export async function migratePg(pool: pg.Pool, migrationsFolder: string): Promise<void> {
  const { connectionString, host, port, database } = pool.options;
  const url = connectionString ?? '';
  const where = connectionString ? describePgUrl(connectionString) : `${host ?? 'localhost'}:${port ?? 5432}/${database ?? ''}`;
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw new DatabaseOpenError(`cannot reach PostgreSQL at ${where}: ${pgFailureReason(e, url)}`);
  }
  let failure: unknown;
  try {
    // Waiting for another instance's migrations, and a migration itself, may take longer than a page's statements.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
    await migrate(drizzle(client, { schema }), { migrationsFolder });
    // On a failure the lock goes with the connection, closed below.
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
  } catch (e) {
    failure = e;
  } finally {
    client.release(true);
  }
  if (failure !== undefined) throw new DatabaseOpenError(`cannot migrate the PostgreSQL database at ${where}: ${pgFailureReason(failure, url)}`);
}
