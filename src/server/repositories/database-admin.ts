import { onSqlite, type Store } from '../data/store.ts';
import * as pgDatabaseAdmin from './pg/database-admin.ts';

/**
 * What the operator's commands (src/cli) ask of a database they opened
 * themselves (openMigrated), beyond the services: how far it is migrated,
 * and closing it when the command is done.
 */

/** How many migrations the database has applied (drizzle's own bookkeeping table). */
export async function appliedMigrationCount(db: Store): Promise<number> {
  if (db.backend === 'pg') return pgDatabaseAdmin.appliedMigrationCount(db);
  return onSqlite(db, (h) => (h.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n);
}

/**
 * Closes a store a command opened, once no transaction holds its
 * connection. Closing SQLite's last connection checkpoints the WAL into the
 * database file.
 */
export async function closeStore(db: Store): Promise<void> {
  if (db.backend === 'pg') return pgDatabaseAdmin.closeStore(db);
  await onSqlite(db, (h) => {
    h.$client.close();
  });
}
