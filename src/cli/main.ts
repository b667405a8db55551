import { Command, CommanderError } from 'commander';
import { ZodError } from 'zod';
import { DatabaseOpenError } from '../../db/client.ts';
import { ConfigError } from '../server/config.ts';
import { InstrumentError } from '../server/instrument-loader.ts';
import { ConsultantExistsError, ConsultantHasStudiesError, ConsultantNotFoundError } from '../server/services/consultants.ts';
import { backupCommand } from './commands/backup.ts';
import { demoCommand } from './commands/demo.ts';
import { instrumentCommand } from './commands/instrument.ts';
import { mailCommand } from './commands/mail.ts';
import { migrateCommand } from './commands/migrate.ts';
import { migrateToPostgresCommand } from './commands/migrate-to-postgres.ts';
import { numbersCommand } from './commands/numbers.ts';
import { reportCommand } from './commands/report.ts';
import { scoreCommand } from './commands/score.ts';
import { seedCommand } from './commands/seed.ts';
import { statsCommand } from './commands/stats.ts';
import { userCommand } from './commands/user.ts';
import { UsageError } from './errors.ts';

const program = new Command('velocity')
  .description('Velocity Index: operate the study from the command line.')
  .option('--db <path-or-url>', 'SQLite database file, or a PostgreSQL postgres:// URL (default: DATABASE_URL, else DATABASE_PATH or ./data/velocity.sqlite)')
  .option('--create', 'start a new, empty database when there is none at that path (otherwise that is an error; migrate always creates)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text.trim().split('\n')[0] + '\n') });

for (const make of [migrateCommand, migrateToPostgresCommand, seedCommand, demoCommand, userCommand, instrumentCommand, scoreCommand, numbersCommand, reportCommand, statsCommand, backupCommand, mailCommand]) {
  program.addCommand(make());
}
// Subcommands of subcommands too (`stats rebuild`): otherwise commander exits with 1 itself.
const overrideExits = (cmd: Command): void => {
  for (const sub of cmd.commands) overrideExits(sub.exitOverride().showHelpAfterError(false));
};
overrideExits(program);

const OPERATOR_ERRORS = [
  UsageError,
  DatabaseOpenError,
  ConfigError,
  InstrumentError,
  ConsultantExistsError,
  ConsultantNotFoundError,
  ConsultantHasStudiesError,
];

function oneLine(e: Error): string {
  if (e instanceof ZodError) return e.issues.map((i) => `${i.path.join('.') || 'input'} ${i.message}`).join('; ');
  if (e instanceof InstrumentError) return `${e.file}: ${e.errors[0]}${e.errors.length > 1 ? ` (and ${e.errors.length - 1} more)` : ''}`;
  return e.message;
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version are successes; anything else commander refused is a usage error.
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  const err = e as Error;
  if (OPERATOR_ERRORS.some((k) => err instanceof k) || err instanceof ZodError) {
    process.stderr.write(`error: ${oneLine(err)}\n`);
    process.exit(2);
  }
  process.stderr.write(`error: ${err.message}\n${process.env.DEBUG ? `${err.stack}\n` : ''}`);
  process.exit(1);
}
