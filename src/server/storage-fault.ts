/**
 * Storage faults: the errors SQLite raises when the disk, the file or the
 * database itself fails, as opposed to a bug in a query. They are told
 * apart by better-sqlite3's `.code` (SQLITE_FULL, SQLITE_IOERR_WRITE…), so
 * that a failed write can answer "nothing was saved, try again" instead of
 * a generic fault, and so that readiness (/readyz) learns of it at once.
 * On PostgreSQL the same answers come from its SQLSTATEs and from a
 * connection that cannot be made or broke (PG_BY_STATE, pgFaultOf): in
 * each of these cases the transaction did not commit.
 */
import { DatabaseOpenError } from '../../db/client.ts';
import { CONNECT_FAILED } from '../../db/pg/pool.ts';

/** What went wrong, in the words the log and /readyz use. */
export type StorageProblem = 'disk-full' | 'read-only' | 'io-error' | 'cannot-open' | 'corrupt' | 'busy' | 'unreachable' | 'denied';

export interface StorageFault {
  problem: StorageProblem;
  /** SQLite's extended code (SQLITE_IOERR_FSYNC…), PostgreSQL's SQLSTATE or the socket's error code, or, for an open that failed, the message. */
  cause: string;
}

const BY_PREFIX: [string, StorageProblem][] = [
  ['SQLITE_FULL', 'disk-full'],
  ['SQLITE_READONLY', 'read-only'],
  ['SQLITE_IOERR', 'io-error'],
  ['SQLITE_CANTOPEN', 'cannot-open'],
  ['SQLITE_CORRUPT', 'corrupt'],
  ['SQLITE_NOTADB', 'corrupt'],
  // Another process held the write lock for longer than busy_timeout: nothing was stored either.
  ['SQLITE_BUSY', 'busy'],
  ['SQLITE_LOCKED', 'busy'],
];

/**
 * PostgreSQL's SQLSTATEs (by prefix) that mean the statement's transaction
 * did not commit because of the server, not the query: the connection
 * failed or was ended (class 08; 57P01 admin_shutdown, 57P02
 * crash_shutdown, 57P03 cannot_connect_now while it starts or recovers), the
 * disk is full (53100), the server is read-only (25006: a standby, or
 * default_transaction_read_only), the statement ran past its timeout
 * (57014), there are too many connections (53300), or the app's role lost
 * a privilege it had (42501 insufficient_privilege: a REVOKE while the
 * servers run; the app's own statements all ran with it at start).
 */
const PG_BY_STATE: [string, StorageProblem][] = [
  ['08', 'unreachable'],
  // invalid_authorization_specification, invalid_password: the role may no longer log in (NOLOGIN, a changed password).
  ['28', 'denied'],
  ['57P01', 'unreachable'],
  ['57P02', 'unreachable'],
  ['57P03', 'unreachable'],
  ['53100', 'disk-full'],
  ['25006', 'read-only'],
  ['57014', 'busy'],
  ['53300', 'busy'],
  ['42501', 'denied'],
];

/** The socket's errors when node-postgres cannot reach the server or loses it mid-query. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * node-postgres's own words (no code) for a connection that ended, that the
 * pool could not get in time, or a statement that got no answer within the
 * client-side timeout (a frozen or cut-off server: db/pg/pool.ts closes that
 * connection, so the transaction did not commit).
 */
const PG_CONNECTION_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Query read timeout)/;

/**
 * The PostgreSQL (or socket) fault an error stands for. drizzle wraps the
 * driver's error as its `cause`, and Node reports a refused connection to a
 * name with several addresses (localhost) as an AggregateError of them.
 */
function pgFaultOf(error: unknown, depth = 0): StorageFault | null {
  if (depth > 4 || typeof error !== 'object' || error === null) return null;
  const err = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof err.code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(err.code)) {
      const hit = PG_BY_STATE.find(([prefix]) => (err.code as string).startsWith(prefix));
      if (hit) return { problem: hit[1], cause: err.code };
    }
    if (SOCKET_CODES.has(err.code)) return { problem: 'unreachable', cause: err.code };
  }
  if (typeof err.message === 'string' && PG_CONNECTION_MESSAGES.test(err.message)) return { problem: 'unreachable', cause: err.message.split('\n')[0]! };
  // Any other failure of a new connection (db/pg/pool.ts marks them): a certificate that no longer verifies, a login refused.
  if (CONNECT_FAILED in err) return { problem: 'unreachable', cause: typeof err.code === 'string' ? err.code : String(err.message).split('\n')[0]! };
  for (const inner of Array.isArray(err.errors) ? err.errors : []) {
    const fault = pgFaultOf(inner, depth + 1);
    if (fault) return fault;
  }
  return pgFaultOf(err.cause, depth + 1);
}

/** The storage fault an error stands for, or null for any other error (a bug, bad input). */
export function storageFaultOf(error: unknown): StorageFault | null {
  if (error instanceof DatabaseOpenError) return { problem: error.corrupt ? 'corrupt' : 'cannot-open', cause: error.message };
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    const hit = BY_PREFIX.find(([prefix]) => code.startsWith(prefix));
    return hit ? { problem: hit[1], cause: code } : null;
  }
  return pgFaultOf(error);
}

type Listener = (fault: StorageFault) => void;
const listeners: Listener[] = [];
/** Errors already logged: a fault caught by a form handler and seen again by the error page is logged once. */
const reported = new WeakSet<object>();

/** storage-health.ts listens, so that readiness turns false on the first failed write rather than at the next check. */
export function onStorageFault(listener: Listener): void {
  listeners.push(listener);
}

/**
 * Logs a storage fault once, with its cause and where it happened, and tells
 * the listeners. Returns the fault, or null (logging nothing) when the error
 * is not a storage fault, so the caller can rethrow it.
 */
export function reportStorageFault(error: unknown, where: string, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): StorageFault | null {
  const fault = storageFaultOf(error);
  if (!fault) return null;
  if (typeof error === 'object' && error !== null) {
    if (reported.has(error)) return fault;
    reported.add(error);
  }
  log(`velocity: storage fault (${fault.problem}, ${fault.cause}) in ${where}: nothing from this request was stored`);
  for (const listener of listeners) listener(fault);
  return fault;
}

/** How long a client should wait before sending again: long enough for an operator to free space or restart. */
export const STORAGE_RETRY_AFTER_SECONDS = 30;

/**
 * Set by the error page (src/pages/500.astro) to the status it means: Astro
 * sends its error page with 500 whatever the page sets, so the middleware
 * moves this header into the status and removes it.
 */
export const ERROR_PAGE_STATUS_HEADER = 'x-velocity-error-status';
