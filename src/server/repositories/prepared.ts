import type Database from 'better-sqlite3';
import type { Db } from '../../../db/client.ts';

/**
 * Statements prepared once per connection. Preparing parses and plans the SQL
 * each time, which on the hot paths (every page view, every save) cost more
 * than running the query; a statement keeps its plan for the life of the
 * connection, and a closed connection takes its statements with it.
 */
const byConnection = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function prepared(db: Db, sql: string): Database.Statement {
  let statements = byConnection.get(db.$client);
  if (!statements) byConnection.set(db.$client, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.$client.prepare(sql)));
  return statement;
}
