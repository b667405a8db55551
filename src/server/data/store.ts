import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db as SqliteDb } from '../../../db/client.ts';
import { prepared } from '../repositories/prepared.ts';

/**
 * The data-access boundary: everything above src/server/repositories holds
 * a Store and awaits what it asks of it, never a driver. A Store is either
 * the embedded SQLite database (better-sqlite3, synchronous underneath) or
 * PostgreSQL (a pool, asynchronous); the repositories implement each
 * operation for both. A Store handed to `fn` by `transaction` is that
 * transaction: every query asked of it runs inside it.
 */
export type Store = SqliteStore;

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
   * SQLite: BEGIN IMMEDIATE (the default) takes the write lock at the start,
   * so two processes never deadlock upgrading a read to a write; 'deferred'
   * for a transaction that only reads.
   */
  behavior?: 'immediate' | 'deferred';
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

function refuseRootInside(store: Store): void {
  if (store.connection.open !== null && inside.getStore() === store.connection.openScope) {
    throw new Error('a root store was used inside a transaction on the same connection: pass the transaction store down');
  }
}

async function waitThen<T>(store: Store, work: (db: SqliteDb) => T): Promise<T> {
  while (store.connection.open !== null) await store.connection.open;
  return work(store.db);
}

/**
 * Runs `fn` in one transaction and returns what it returns; a throw rolls
 * everything of `fn` back and is rethrown. Inside a transaction (a store
 * given by `transaction`), a savepoint. `fn` must await only the store's
 * queries (and pure work): the connection is held while it runs.
 */
export async function transaction<T>(store: Store, fn: (tx: Store) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
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

async function savepoint<T>(store: SqliteStore, fn: (tx: Store) => Promise<T>): Promise<T> {
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
