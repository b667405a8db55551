import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type { Db as SqliteDb } from '../../../db/client.ts';
import type * as pgSchema from '../../../db/pg/schema.ts';
import { prepared } from '../repositories/prepared.ts';

/**
 * The data-access boundary: everything above src/server/repositories holds
 * a Store and awaits what it asks of it, never a driver. A Store is either
 * the embedded SQLite database (better-sqlite3, synchronous underneath) or
 * PostgreSQL (a pool, asynchronous); the repositories implement each
 * operation for both. A Store handed to `fn` by `transaction` is that
 * transaction: every query asked of it runs inside it.
 */
export type Store = SqliteStore | PgStore;

/** The pool's drizzle handle or a transaction's: the same query builder. */
export type PgHandle = PgDatabase<NodePgQueryResultHKT, typeof pgSchema>;

export interface PgStore {
  readonly backend: 'pg';
  /** The pool's drizzle handle, or the transaction's inside `transaction`; repositories only. */
  readonly db: PgHandle;
  readonly pool: pg.Pool;
  /** 0 outside a transaction, 1 in one, more in savepoints. */
  readonly depth: number;
  /** A transaction's store: whether its transaction has ended (null for the root store). */
  readonly scope: { ended: boolean } | null;
}

export interface SqliteStore {
  readonly backend: 'sqlite';
  /** The connection's drizzle handle; repositories only (nothing above them may import a driver's types). */
  readonly db: SqliteDb;
  /** 0 outside a transaction, 1 in one, more in savepoints. */
  readonly depth: number;
  /** Shared by the connection's root store and its transactions. */
  readonly connection: SqliteConnectionState;
  /** A transaction's store: whether its transaction has ended (null for the root store). */
  readonly scope: { ended: boolean } | null;
}

interface SqliteConnectionState {
  /** Settles when the transaction open on this connection ends; null when none is open. */
  open: Promise<void> | null;
  /** The open transaction's scope (see `inside`). */
  openScope: { ended: boolean } | null;
}

export interface TransactionOptions {
  /**
   * 'immediate' (the default): a transaction that writes. SQLite: BEGIN
   * IMMEDIATE takes the database's one write lock at the start, so two
   * processes never deadlock upgrading a read to a write, and every write
   * transaction runs alone. PostgreSQL: see `locks`.
   *
   * 'deferred': one that only reads. SQLite: BEGIN. PostgreSQL: REPEATABLE
   * READ, so its reads see one snapshot, as SQLite's do; no lock.
   */
  behavior?: 'immediate' | 'deferred';
  /**
   * PostgreSQL only (SQLite's write lock already covers everything): what a
   * writing transaction must have to itself, as keys such as
   * `participant:42`. Given, the transaction takes an exclusive advisory
   * lock on each key (in sorted order, so two never deadlock) and a shared
   * one on the whole database, and runs beside transactions holding other
   * keys. Not given, it takes the whole database exclusively: it runs alone
   * among writing transactions of every instance, as on SQLite. So a
   * transaction is correct by default, and a hot path states what it guards
   * to run beside others. Row updates that add (`n = n + 1`) need no key:
   * PostgreSQL's row locks already make them safe.
   */
  locks?: readonly string[];
}

/** Which transaction, if any, the code now running belongs to (to catch a root store used inside one). */
const inside = new AsyncLocalStorage<{ ended: boolean }>();

/** The Store over an open SQLite handle (db/client.ts openDatabase). */
export function sqliteStore(db: SqliteDb): SqliteStore {
  return { backend: 'sqlite', db, depth: 0, connection: { open: null, openScope: null }, scope: null };
}

/**
 * Runs `work` on the SQLite handle of `store` once it may be used, and
 * gives its result (or its throw) as a promise: a transaction's store at
 * once; the root store when no transaction is open on the connection, else
 * as soon as it ends. One connection serves the whole process, so a query of
 * another request arriving while a transaction awaits would otherwise run
 * inside that transaction (and be rolled back with it). `work` runs
 * synchronously right after that check: no other code can open a
 * transaction in between (an `await` there would let one).
 *
 * A root store used by code running inside a transaction would wait for
 * itself: that is a bug (the transaction's store must be passed down), and
 * it throws at once rather than hanging, on SQLite as it would misbehave on
 * PostgreSQL (another connection, outside the transaction).
 */
export function onSqlite<T>(store: Store, work: (db: SqliteDb) => T): Promise<T> {
  try {
    if (store.backend !== 'sqlite') throw new NotOnPostgresError();
    if (store.scope !== null) {
      if (store.scope.ended) throw new Error('a transaction store was used after its transaction ended');
      return Promise.resolve(work(store.db));
    }
    if (store.connection.open === null) return Promise.resolve(work(store.db));
    refuseRootInside(store);
    return waitThen(store, work);
  } catch (e) {
    return Promise.reject(e);
  }
}

function refuseRootInside(store: SqliteStore): void {
  if (store.connection.open !== null && inside.getStore() === store.connection.openScope) {
    throw new Error('a root store was used inside a transaction on the same connection: pass the transaction store down');
  }
}

async function waitThen<T>(store: SqliteStore, work: (db: SqliteDb) => T): Promise<T> {
  while (store.connection.open !== null) await store.connection.open;
  return work(store.db);
}

/**
 * Runs `fn` in one transaction and returns what it returns; a throw rolls
 * everything of `fn` back and is rethrown. Inside a transaction (a store
 * given by `transaction`), a savepoint. `fn` must await only the store's
 * queries (and pure work): the connection is held while it runs.
 */
export async function transaction<S extends Store, T>(store: S, fn: (tx: S) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  // A transaction's store is of its root store's kind (the casts say what the branches establish).
  if (store.backend === 'pg') return pgTransaction(store as PgStore, fn as unknown as (tx: PgStore) => Promise<T>, options);
  return sqliteTransaction(store as SqliteStore, fn as unknown as (tx: SqliteStore) => Promise<T>, options);
}

async function sqliteTransaction<T>(store: SqliteStore, fn: (tx: SqliteStore) => Promise<T>, options: TransactionOptions): Promise<T> {
  if (store.scope !== null) {
    if (store.scope.ended) throw new Error('a transaction store was used after its transaction ended');
    return savepoint(store, fn);
  }
  const state = store.connection;
  refuseRootInside(store);
  // No await between this wait and taking the connection: two transactions must not both see it free.
  while (state.open !== null) await state.open;
  const db = store.db;
  let release!: () => void;
  state.open = new Promise<void>((resolve) => (release = resolve));
  const scope = { ended: false };
  const tx: SqliteStore = { backend: 'sqlite', db, depth: 1, connection: state, scope };
  state.openScope = scope;
  try {
    prepared(db, options.behavior === 'deferred' ? 'BEGIN' : 'BEGIN IMMEDIATE').run();
    try {
      const result = await inside.run(scope, () => fn(tx));
      prepared(db, 'COMMIT').run();
      return result;
    } catch (e) {
      // A failed COMMIT (a full disk, a busy lock) leaves the transaction open; a failed BEGIN opened none.
      if (db.$client.inTransaction) prepared(db, 'ROLLBACK').run();
      throw e;
    }
  } finally {
    scope.ended = true;
    state.openScope = null;
    state.open = null;
    release();
  }
}

let savepointCount = 0;

async function savepoint<T>(store: SqliteStore, fn: (tx: SqliteStore) => Promise<T>): Promise<T> {
  const db = store.db;
  // Unique per savepoint: a RELEASE never names another one. Savepoints of one transaction must still run one after
  // another (awaited), as SQL nests them: rolling back to one undoes every later one.
  const name = `sp${++savepointCount}`;
  // Ended with its own end or with any transaction around it: a savepoint's fn left running (not awaited) past the
  // outer transaction's end must not go on writing on the connection, outside it or inside another request's.
  const outer = store.scope!;
  let own = false;
  const scope = {
    get ended() {
      return own || outer.ended;
    },
    set ended(value: boolean) {
      own = value;
    },
  };
  const tx: SqliteStore = { ...store, depth: store.depth + 1, scope };
  db.$client.prepare(`SAVEPOINT ${name}`).run();
  const outerEnded = () => new Error('a savepoint outlived the transaction around it (its fn was not awaited)');
  try {
    const result = await fn(tx);
    if (outer.ended) throw outerEnded();
    db.$client.prepare(`RELEASE ${name}`).run();
    return result;
  } catch (e) {
    // Once the transaction around it has ended, the connection is no longer this savepoint's to roll back or release.
    if (outer.ended) throw e;
    if (db.$client.inTransaction) {
      db.$client.prepare(`ROLLBACK TO ${name}`).run();
      db.$client.prepare(`RELEASE ${name}`).run();
    }
    throw e;
  } finally {
    scope.ended = true;
  }
}

/** A repository operation reached with a PostgreSQL store that only SQLite implements. */
export class NotOnPostgresError extends Error {
  constructor() {
    super('this operation is not available on PostgreSQL');
  }
}

/** The Store over a PostgreSQL pool (db/pg/client.ts openPg). */
export function pgStore(db: PgHandle, pool: pg.Pool): PgStore {
  return { backend: 'pg', db, pool, depth: 0, scope: null };
}

/** The pool of each open PostgreSQL transaction's scope (see `rootInsidePgTransaction`). */
const pgScopes = new WeakMap<{ ended: boolean }, pg.Pool>();

/**
 * The root store of a pool used by code running inside a transaction on the
 * same pool: a bug (the transaction's store must be passed down), as on
 * SQLite. On PostgreSQL it would run on another connection, outside the
 * transaction, and wait for the transaction's own locks until the statement
 * timeout; this says so at once instead.
 */
function rootInsidePgTransaction(store: PgStore): Error | null {
  if (store.scope !== null) return null;
  const scope = inside.getStore();
  if (!scope || scope.ended || pgScopes.get(scope) !== store.pool) return null;
  return new Error('a root store was used inside a transaction on the same database: pass the transaction store down');
}

/** The whole database, as an advisory lock key: exclusive for a transaction that names no keys, shared beside named keys. */
const WHOLE_DATABASE = 'velocity:whole-database';

/** Tries of a transaction that PostgreSQL ended for a deadlock or a serialization failure, before the failure is passed on. */
export const PG_TRANSACTION_ATTEMPTS = 8;

/** SQLSTATEs after which running the whole transaction again is right: serialization_failure, deadlock_detected. */
const RETRYABLE = new Set(['40001', '40P01']);

/** A 64-bit advisory lock key from a text key (the first 8 bytes of its SHA-256, signed). */
export function advisoryKey(key: string): string {
  return createHash('sha256').update(key).digest().readBigInt64BE(0).toString();
}

/**
 * The PostgreSQL transaction: READ COMMITTED with advisory locks (see
 * TransactionOptions.locks) for one that writes, REPEATABLE READ for one
 * that only reads. A deadlock or serialization failure runs `fn` again from
 * the start (it holds nothing but its queries, so that is safe), a few times
 * with a growing random pause.
 */
async function pgTransaction<T>(store: PgStore, fn: (tx: PgStore) => Promise<T>, options: TransactionOptions): Promise<T> {
  if (store.scope !== null) {
    if (store.scope.ended) throw new Error('a transaction store was used after its transaction ended');
    const outer = store.scope;
    return store.db.transaction(async (inner) => {
      const scope = { ended: false };
      try {
        return await fn({ ...store, db: inner as PgHandle, depth: store.depth + 1, scope: { get ended() { return scope.ended || outer.ended; } } });
      } finally {
        scope.ended = true;
      }
    });
  }
  const misuse = rootInsidePgTransaction(store);
  if (misuse) throw misuse;
  const reads = options.behavior === 'deferred';
  for (let attempt = 1; ; attempt++) {
    const scope = { ended: false };
    try {
      return await store.db.transaction(
        async (tx) => {
          if (!reads) await takeLocks(tx as PgHandle, options.locks);
          pgScopes.set(scope, store.pool);
          return inside.run(scope, () => fn({ backend: 'pg', db: tx as PgHandle, pool: store.pool, depth: 1, scope }));
        },
        { isolationLevel: reads ? 'repeatable read' : 'read committed', accessMode: reads ? 'read only' : 'read write' },
      );
    } catch (e) {
      if (attempt >= PG_TRANSACTION_ATTEMPTS || !RETRYABLE.has(sqlState(e))) rethrowWithoutParams(e);
      await new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));
    } finally {
      scope.ended = true;
    }
  }
}

async function takeLocks(tx: PgHandle, locks: readonly string[] | undefined): Promise<void> {
  if (locks === undefined) {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${advisoryKey(WHOLE_DATABASE)}::bigint)`);
    return;
  }
  await tx.execute(sql`SELECT pg_advisory_xact_lock_shared(${advisoryKey(WHOLE_DATABASE)}::bigint)`);
  for (const key of [...new Set(locks)].sort()) await tx.execute(sql`SELECT pg_advisory_xact_lock(${advisoryKey(key)}::bigint)`);
}

/** The SQLSTATE of a PostgreSQL error (drizzle wraps the driver's error as its cause). */
export function sqlState(e: unknown): string {
  return sqlStateError(e)?.code ?? '';
}

/** The error in `e`'s cause chain that carries a SQLSTATE: the driver's own (drizzle wraps it). */
function sqlStateError(e: unknown): { code: string; message?: unknown; table?: unknown; constraint?: unknown } | undefined {
  for (let err = e as { code?: unknown; cause?: unknown } | undefined, depth = 0; err && depth < 4; err = err.cause as typeof err, depth++) {
    if (typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) return err as { code: string };
  }
  return undefined;
}

/**
 * Runs a PostgreSQL repository write: in the caller's transaction when
 * `store` is one, else in a transaction of its own holding the whole
 * database shared, so a transaction that holds it exclusively (see
 * TransactionOptions.locks) never has a lone write land in the middle of
 * what it read, as SQLite's one write lock guarantees.
 */
export function pgWrite<T>(store: PgStore, work: (db: PgHandle) => Promise<T>): Promise<T> {
  const misuse = rootInsidePgTransaction(store);
  if (misuse) return Promise.reject(misuse);
  if (store.scope !== null) {
    if (store.scope.ended) return Promise.reject(new Error('a transaction store was used after its transaction ended'));
    return work(store.db).catch(rethrowWithoutParams);
  }
  return pgTransaction(store, (tx) => work(tx.db), { locks: [] });
}

/** Runs a PostgreSQL repository read on the store's handle (the pool's, or the transaction's). */
export function pgRead<T>(store: PgStore, work: (db: PgHandle) => Promise<T>): Promise<T> {
  const misuse = rootInsidePgTransaction(store);
  if (misuse) return Promise.reject(misuse);
  if (store.scope?.ended) return Promise.reject(new Error('a transaction store was used after its transaction ended'));
  return work(store.db).catch(rethrowWithoutParams);
}

/**
 * A failed PostgreSQL query in words for an operator: the driver's message,
 * its SQLSTATE, and the table and constraint when it names them, but neither
 * drizzle's SQL text nor the row's values (the driver's `detail` may quote them).
 */
export function pgErrorSummary(e: unknown): string {
  const err = sqlStateError(e);
  if (err === undefined) return e instanceof Error ? e.message.replace(/\nparams: [\s\S]*$/, '') : String(e);
  const where = [typeof err.table === 'string' ? `table ${err.table}` : '', typeof err.constraint === 'string' ? `constraint ${err.constraint}` : ''].filter(Boolean);
  return `${String(err.message)} (SQLSTATE ${err.code}${where.length ? `, ${where.join(', ')}` : ''})`;
}

/**
 * drizzle's error for a failed query reads "Failed query: <sql>\nparams:
 * <values>": the values are a participant's answers and names, token
 * hashes. The error goes to the logs (the storage-fault line, Astro's error
 * log), so the values are cut from its message; the SQL, the driver's error
 * (its `cause`, with the SQLSTATE) and the stack stay.
 */
function rethrowWithoutParams(e: unknown): never {
  if (e instanceof Error && /\nparams: /.test(e.message)) e.message = e.message.replace(/\nparams: [\s\S]*$/, '\nparams: (not logged)');
  throw e;
}
