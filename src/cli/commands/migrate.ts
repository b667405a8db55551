import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { databasePath, openDb } from '../context.ts';

export function migrateCommand() {
  return new Command('migrate').description('Create the database if needed and apply every pending migration.').action((_opts, cmd: Command) => {
    const path = databasePath(cmd);
    const existed = existsSync(path);
    // Creating the database is this command's job; saying so makes a mistyped path visible.
    const db = openDb(cmd, { createIfMissing: true });
    if (!existed) console.log(`Created a new, empty database at ${path}.`);
    const applied = db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    db.$client.close();
    console.log(`Database ${databasePath(cmd)} is up to date (${applied.n} migration${applied.n === 1 ? '' : 's'} applied).`);
  });
}
