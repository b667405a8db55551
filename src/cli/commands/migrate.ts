import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { appliedMigrationCount, closeStore } from '../../server/repositories/database-admin.ts';
import { databaseLabel, databasePath, onPostgres, openDb } from '../context.ts';

export function migrateCommand() {
  return new Command('migrate').description('Create the database if needed and apply every pending migration (a SQLite file, or PostgreSQL with a postgres:// --db or DATABASE_URL).').action(async (_opts, cmd: Command) => {
    // A PostgreSQL database is created by its server's administrator; this only migrates it.
    const existed = onPostgres(cmd) || existsSync(databasePath(cmd));
    // Creating the database is this command's job; saying so makes a mistyped path visible.
    const db = await openDb(cmd, { createIfMissing: true });
    if (!existed) console.log(`Created a new, empty database at ${databaseLabel(cmd)}.`);
    const applied = await appliedMigrationCount(db);
    await closeStore(db);
    console.log(`Database ${databaseLabel(cmd)} is up to date (${applied} migration${applied === 1 ? '' : 's'} applied).`);
  });
}
