import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { appliedMigrationCount, closeStore } from '../../server/repositories/database-admin.ts';
import { databasePath, openDb } from '../context.ts';

export function migrateCommand() {
  return new Command('migrate').description('Create the database if needed and apply every pending migration.').action(async (_opts, cmd: Command) => {
    const path = databasePath(cmd);
    const existed = existsSync(path);
    // Creating the database is this command's job; saying so makes a mistyped path visible.
    const db = openDb(cmd, { createIfMissing: true });
    if (!existed) console.log(`Created a new, empty database at ${path}.`);
    const applied = await appliedMigrationCount(db);
    await closeStore(db);
    console.log(`Database ${databasePath(cmd)} is up to date (${applied} migration${applied === 1 ? '' : 's'} applied).`);
  });
}
