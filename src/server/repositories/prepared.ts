import type Database from 'better-sqlite3';
import type { Db } from '../../../db/client.ts';

/**
 * Statements prepared once per connection, for the hot paths (every page
 * view, every save). Building a query and preparing it parses and plans the
 * SQL each time, which cost more than running it; a prepared statement keeps
 * its plan for the life of the connection, and a closed connection takes its
 * statements with it.
 *
 * Only inside the work a repository gives onSqlite (src/server/data/store.ts),
 * on the handle it is given: a statement run anywhere else could run inside
 * another request's transaction. Inside drizzle's own transaction function
 * (a repository's multi-row write), repositories get drizzle's transaction
 * object, which has no `$client`; it runs on the same connection, so
 * statements are looked up by that connection.
 */
function clientOf(db: Db): Database.Database {
  return db.$client ?? (db as unknown as { session: { client: Database.Database } }).session.client;
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** A statement of plain SQL. Do not switch its mode (raw, pluck): the next caller gets it as it was left. */
export function prepared(db: Db, sql: string): Database.Statement {
  const client = clientOf(db);
  let byText = statements.get(client);
  if (!byText) statements.set(client, (byText = new Map()));
  let statement = byText.get(sql);
  if (!statement) byText.set(sql, (statement = client.prepare(sql)));
  return statement;
}

const queries = new WeakMap<Database.Database, Map<string, unknown>>();

/**
 * A drizzle query prepared once (`.prepare()` with `sql.placeholder`s), so
 * rows still come back typed and mapped. Placeholders are bound as given:
 * pass timestamps as milliseconds, not Dates.
 */
export function preparedQuery<T>(db: Db, name: string, build: (db: Db) => T): T {
  const client = clientOf(db);
  let byName = queries.get(client);
  if (!byName) queries.set(client, (byName = new Map()));
  let query = byName.get(name) as T | undefined;
  if (query === undefined) byName.set(name, (query = build(db)));
  return query;
}

/**
 * `fn` as a transaction on the connection, made once per name (a savepoint
 * when a transaction is already open). `fn` is called with the arguments
 * given each time: it must not keep anything of the call that first made it.
 * For repositories' own work inside onSqlite (services use the Store's
 * `transaction`); a savepoint inside a transaction of the Store, whose BEGIN
 * better-sqlite3 sees as `inTransaction`.
 */
export function inTransaction<A extends unknown[], R>(
  db: Db,
  name: string,
  fn: (...args: A) => R,
  behavior: 'deferred' | 'immediate' = 'deferred',
): (...args: A) => R {
  const client = clientOf(db);
  const tx = preparedQuery(db, `transaction:${name}`, () => client.transaction(fn));
  return tx[behavior] as (...args: A) => R;
}
