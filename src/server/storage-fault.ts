/**
 * Storage faults: the errors SQLite raises when the disk, the file or the
 * database itself fails, as opposed to a bug in a query. They are told
 * apart by better-sqlite3's `.code` (SQLITE_FULL, SQLITE_IOERR_WRITE…), so
 * that a failed write can answer "nothing was saved, try again" instead of
 * a generic fault, and so that readiness (/readyz) learns of it at once.
 */
import { DatabaseOpenError } from '../../db/client.ts';

/** What went wrong, in the words the log and /readyz use. */
export type StorageProblem = 'disk-full' | 'read-only' | 'io-error' | 'cannot-open' | 'corrupt' | 'busy';

export interface StorageFault {
  problem: StorageProblem;
  /** SQLite's extended code (SQLITE_IOERR_FSYNC…) or, for an open that failed, the message. */
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

/** The storage fault an error stands for, or null for any other error (a bug, bad input). */
export function storageFaultOf(error: unknown): StorageFault | null {
  if (error instanceof DatabaseOpenError) return { problem: error.corrupt ? 'corrupt' : 'cannot-open', cause: error.message };
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const hit = BY_PREFIX.find(([prefix]) => code.startsWith(prefix));
  return hit ? { problem: hit[1], cause: code } : null;
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
