/**
 * Storage health of the server's database: a main file or folder that cannot
 * be written, a disk with too little space left, a WAL that keeps growing
 * because checkpoints fail or cannot finish, and the last failed write. Each
 * problem is logged once when it appears and once when it clears, and
 * /readyz reports them (the server is not ready while any is present).
 *
 * In WAL mode SQLite appends commits to the -wal file and copies them into
 * the main file at checkpoints; a main file that became read-only therefore
 * goes unnoticed by the writes themselves (the automatic checkpoint's failure
 * is silent) while the WAL grows without bound. The monitor checkpoints
 * itself, so that failure is seen and the WAL stays bounded.
 */
import type Database from 'better-sqlite3';
import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { accessSync, constants, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import * as pgSchema from '../../db/pg/schema.ts';
import { onShutdown } from './lifecycle.ts';
import { onStorageFault, storageFaultOf, type StorageFault } from './storage-fault.ts';

/** Below this much free space for an unprivileged process, the server stops saying it is ready, before writes start failing. */
export const MIN_FREE_BYTES = 16 * 1024 * 1024;
/** A WAL above this size means checkpoints are not keeping up (normally it stays near 4 MB; journal_size_limit cuts it to 32 MB). */
export const WAL_ALARM_BYTES = 128 * 1024 * 1024;
/** How often the monitor checkpoints and looks at the disk. */
export const MONITOR_INTERVAL_MS = 10_000;

export type ProblemName =
  | 'database-unavailable'
  | 'file-read-only'
  | 'folder-read-only'
  | 'disk-low'
  | 'wal-too-large'
  | 'checkpoint-failed'
  | 'write-failed'
  | 'pool-exhausted'
  | 'database-read-only'
  | 'database-tables-missing'
  | 'database-privileges';

export interface Problem {
  name: ProblemName;
  /** Plain words for the log and /readyz: never a path outside the data folder's own file names, never anyone's data. */
  detail: string;
}

type Log = (line: string) => void;
const stderr: Log = (l) => process.stderr.write(l + '\n');

/** Problems seen by the last check, and a failed write (kept until a check finds the storage healthy again). */
let current = new Map<ProblemName, Problem>();
let lastWriteFault: StorageFault | null = null;
let log: Log = stderr;

function setProblems(next: Map<ProblemName, Problem>): void {
  for (const [name, problem] of next) if (!current.has(name)) log(`velocity: storage problem ${name}: ${problem.detail}`);
  for (const name of current.keys()) if (!next.has(name)) log(`velocity: storage problem ${name} cleared`);
  current = next;
}

onStorageFault((fault) => {
  lastWriteFault = fault;
  const next = new Map(current);
  next.set('write-failed', { name: 'write-failed', detail: `the last write failed (${fault.problem}, ${fault.cause})` });
  // The fault itself was logged by reportStorageFault; this only records it.
  current = next;
});

function writable(path: string): boolean {
  try {
    // access(W_OK) sees a read-only mount (EROFS) and the immutable flag (EPERM) even for root, as well as permissions.
    accessSync(path, constants.W_OK);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/**
 * Why a checkpoint failed, or null. PASSIVE never waits for readers or the
 * writer, so the request thread is never held up by it. One that stops short
 * because another process is reading (a backup, say) is no fault: it
 * finishes on a later run, and only a WAL that keeps growing is.
 */
function checkpoint(sqlite: Database.Database): string | null {
  try {
    sqlite.pragma('wal_checkpoint(PASSIVE)');
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? (e as Error).message;
  }
}

/**
 * Looks at the database file, its folder, the free space and the WAL, and
 * checkpoints when `sqlite` is given (the monitor's periodic run). Updates
 * and returns the problems found. `walAlarmBytes` replaces WAL_ALARM_BYTES.
 */
export function checkStorage(path: string, sqlite?: Database.Database, limits: { walAlarmBytes?: number } = {}): Problem[] {
  const next = new Map<ProblemName, Problem>();
  const add = (name: ProblemName, detail: string) => next.set(name, { name, detail });
  if (!writable(path)) add('file-read-only', 'the database file cannot be written: saves will fail');
  if (!writable(dirname(path))) add('folder-read-only', 'the database folder cannot be written: SQLite cannot create its journal files');
  try {
    const fs = statfsSync(dirname(path));
    const free = fs.bavail * fs.bsize;
    if (free < MIN_FREE_BYTES) add('disk-low', `only ${mb(free)} free beside the database (at least ${mb(MIN_FREE_BYTES)} wanted)`);
  } catch {
    // statfs is unavailable on some platforms; the writes themselves still report a full disk.
  }
  if (sqlite) {
    const failed = checkpoint(sqlite);
    if (failed) add('checkpoint-failed', `the WAL could not be checkpointed: ${failed}`);
  } else if (current.has('checkpoint-failed')) {
    // Only the monitor checkpoints; between its runs its last finding stands.
    next.set('checkpoint-failed', current.get('checkpoint-failed')!);
  }
  const wal = fileSize(`${path}-wal`);
  const alarm = limits.walAlarmBytes ?? WAL_ALARM_BYTES;
  if (wal > alarm) add('wal-too-large', `the WAL holds ${mb(wal)} (limit ${mb(alarm)})`);
  // A failed write stands until a checkpoint run finds nothing wrong: the cause (space, permissions) may have been fixed by then.
  if (lastWriteFault && (next.size > 0 || !sqlite)) {
    next.set('write-failed', { name: 'write-failed', detail: `the last write failed (${lastWriteFault.problem}, ${lastWriteFault.cause})` });
  } else lastWriteFault = null;
  setProblems(next);
  return [...next.values()];
}

/** How long PostgreSQL gets to answer the readiness check. */
export const PG_READY_TIMEOUT_MS = 2_000;

/** The app's tables on PostgreSQL (db/pg/schema.ts): the ones readiness checks it may write. */
const APP_TABLES = Object.values(pgSchema)
  .filter((v) => is(v, PgTable))
  .map((t) => getTableName(t as PgTable));

/**
 * Whether this connection could write what the app writes, in one cheap
 * statement of the catalogue (no row is written): a standby or a server made
 * read-only refuses every write, and a role that lost a privilege on one of
 * the app's tables or their sequences (REVOKE) fails each save there. `SELECT
 * 1` alone called such an instance ready while it answered every save with
 * 503. Each table is found as the app's own queries find it (through the
 * search path, to_regclass), so a schema put in front of the tables cannot
 * hide them; one not found at all is a problem too. Each privilege is asked
 * for on its own: has_table_privilege with a list says whether the role holds
 * any of them. A sequence needs USAGE or UPDATE, either lets an insert draw
 * its next id. Tables that are not the app's are not its business.
 */
const PG_WRITABLE_CHECK = `
  WITH app AS (
    SELECT name, to_regclass(quote_ident(name)) AS oid FROM unnest($1::text[]) AS name
  ), owned_sequences AS MATERIALIZED (
    SELECT s.oid, s.relname::text AS name FROM pg_class s
      JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
      JOIN app ON app.oid = d.refobjid
     WHERE s.relkind = 'S'
  )
  SELECT pg_is_in_recovery() AS standby,
         current_setting('default_transaction_read_only') = 'on' AS read_only,
         coalesce((SELECT array_agg(name ORDER BY name) FROM app WHERE oid IS NULL), '{}') AS missing,
         coalesce((SELECT array_agg(name ORDER BY name) FROM (
           SELECT name FROM app
            WHERE oid IS NOT NULL AND NOT (has_table_privilege(oid, 'SELECT') AND has_table_privilege(oid, 'INSERT')
                                           AND has_table_privilege(oid, 'UPDATE') AND has_table_privilege(oid, 'DELETE'))
           UNION ALL
           -- Materialized above, so has_sequence_privilege only ever sees sequences (it throws for anything else).
           SELECT name FROM owned_sequences WHERE NOT has_sequence_privilege(oid, 'USAGE, UPDATE')
         ) AS x), '{}') AS denied`;

/**
 * Readiness on PostgreSQL: within PG_READY_TIMEOUT_MS the server answers,
 * takes writes (not a standby, not read-only) and lets the app's role write
 * every one of the app's tables; and the pool has a connection to give (every one
 * busy with queries waiting for one means requests queue behind the database:
 * another instance should take the traffic). PostgreSQL keeps its own files,
 * disk and WAL, so none of the SQLite checks above apply; a full disk shows in
 * each failed save instead (storage-fault.ts). Only the kind of failure and
 * table names are reported, never the address.
 */
export async function checkPgReadiness(pool: pg.Pool, timeoutMs = PG_READY_TIMEOUT_MS): Promise<Problem[]> {
  const max = pool.options.max ?? 10;
  if (pool.waitingCount > 0 && pool.totalCount >= max) {
    return [{ name: 'pool-exhausted', detail: `all ${max} connections to PostgreSQL are busy and ${pool.waitingCount} queries wait for one` }];
  }
  let timer: NodeJS.Timeout | undefined;
  const query = pool.query<{ standby: boolean; read_only: boolean; missing: string[]; denied: string[] }>(PG_WRITABLE_CHECK, [APP_TABLES]);
  // Past the time limit the query may still fail later: that failure is already reported here.
  query.catch(() => undefined);
  try {
    const { rows } = await Promise.race([
      query,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
    ]);
    const { standby, read_only, missing, denied } = rows[0]!;
    if (standby) return [{ name: 'database-read-only', detail: 'PostgreSQL is a standby (in recovery): it takes no writes' }];
    if (read_only) return [{ name: 'database-read-only', detail: 'PostgreSQL makes every transaction read-only (default_transaction_read_only is on)' }];
    if (missing.length > 0) return [{ name: 'database-tables-missing', detail: `the app's queries do not find ${missing.join(', ')} (search_path, or a schema in front of the tables)` }];
    if (denied.length > 0) return [{ name: 'database-privileges', detail: `the app's role may not write ${denied.join(', ')}` }];
    return [];
  } catch (e) {
    // A refused login (denied) or a full server (busy) did answer: it would not run the check.
    const detail =
      (e as Error).message === 'timeout'
        ? `PostgreSQL did not answer the readiness check within ${timeoutMs / 1000} s`
        : `PostgreSQL could not run the readiness check (${storageFaultOf(e)?.problem ?? 'error'})`;
    return [{ name: 'database-unavailable', detail }];
  } finally {
    clearTimeout(timer);
  }
}

/** The problems known now, without looking again. */
export function storageProblems(): Problem[] {
  return [...current.values()];
}

let timer: NodeJS.Timeout | undefined;

/**
 * Starts the periodic check and checkpoint of the server's database (once
 * per process), stopped by the server's shutdown. Runs a first check at once
 * so that a read-only or full disk is logged at start, not after a failed save.
 */
export function startStorageMonitor(path: string, sqlite: Database.Database, options: { intervalMs?: number; log?: Log } = {}): void {
  if (timer) return;
  if (options.log) log = options.log;
  checkStorage(path, sqlite);
  timer = setInterval(() => checkStorage(path, sqlite), options.intervalMs ?? MONITOR_INTERVAL_MS);
  // The server's own listener keeps the process alive; this timer must not.
  timer.unref();
  onShutdown('storage monitor', stopStorageMonitor);
}

export function stopStorageMonitor(): void {
  clearInterval(timer);
  timer = undefined;
}

/** For tests: forget every problem and the log target. */
export function resetStorageHealth(): void {
  stopStorageMonitor();
  current = new Map();
  lastWriteFault = null;
  log = stderr;
}
