import { Command } from 'commander';
import {
  createConsultant,
  deleteConsultant,
  listConsultants,
  resetPassword,
  setConsultantDisabled,
} from '../../server/services/consultants.ts';
import { closeStore } from '../../server/repositories/database-admin.ts';
import { openDb } from '../context.ts';
import { UsageError } from '../errors.ts';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (input is visible; pipe it in to keep it off the screen): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (process.stdin.isTTY && chunk.includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function passwordFromStdin(command: string): Promise<string> {
  const password = await readStdin();
  if (!password) throw new UsageError(`no password on standard input: pipe one in, e.g. \`echo "$PW" | npm run cli -- user ${command} --email …\``);
  return password;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function userCommand() {
  const user = new Command('user').description('Manage consultant accounts.');
  user
    .command('create')
    .description('Create a consultant account; the password is read from standard input.')
    .requiredOption('--email <e>', 'sign-in e-mail address')
    .option('--name <name>', 'display name')
    .action(async (opts: { email: string; name?: string }, cmd: Command) => {
      const password = await passwordFromStdin('create');
      const db = await openDb(cmd);
      const consultant = await createConsultant(db, { email: opts.email, name: opts.name, password });
      await closeStore(db);
      console.log(`Created consultant ${consultant.email} (id ${consultant.id}).`);
    });

  user
    .command('list')
    .description('List consultant accounts: e-mail, name, created, studies, live sessions, disabled or not.')
    .option('--json', 'one JSON array instead of a table')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const db = await openDb(cmd);
      const rows = await listConsultants(db);
      await closeStore(db);
      if (opts.json) {
        console.log(JSON.stringify(rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), disabledAt: r.disabledAt?.toISOString() ?? null })), null, 2));
        return;
      }
      if (rows.length === 0) {
        console.log('No consultant accounts yet: create one with `user create --email …`.');
        return;
      }
      const table = [
        ['id', 'e-mail', 'name', 'created', 'studies', 'sessions', 'status'],
        ...rows.map((r) => [
          String(r.id),
          r.email,
          r.name ?? '',
          day(r.createdAt),
          String(r.studies),
          String(r.liveSessions),
          r.disabledAt ? `disabled ${day(r.disabledAt)}` : 'active',
        ]),
      ];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
    });

  user
    .command('reset-password')
    .description('Set a new password, read from standard input; the account\'s sessions end and its failed sign-ins are forgotten.')
    .requiredOption('--email <e>', 'the account\'s e-mail address')
    .action(async (opts: { email: string }, cmd: Command) => {
      const password = await passwordFromStdin('reset-password');
      const db = await openDb(cmd);
      const { consultant, endedSessions } = await resetPassword(db, { email: opts.email, password });
      await closeStore(db);
      console.log(`Set a new password for ${consultant.email}; ended ${plural(endedSessions, 'session')}.`);
    });

  user
    .command('disable')
    .description('Stop an account signing in and end its sessions; its studies are kept.')
    .requiredOption('--email <e>', 'the account\'s e-mail address')
    .action(async (opts: { email: string }, cmd: Command) => {
      const db = await openDb(cmd);
      const { consultant, changed, endedSessions } = await setConsultantDisabled(db, opts.email, true);
      await closeStore(db);
      console.log(
        changed
          ? `Disabled ${consultant.email}; ended ${plural(endedSessions, 'session')}.`
          : `${consultant.email} was already disabled${endedSessions ? `; ended ${plural(endedSessions, 'session')}` : ''}.`,
      );
    });

  user
    .command('enable')
    .description('Let a disabled account sign in again.')
    .requiredOption('--email <e>', 'the account\'s e-mail address')
    .action(async (opts: { email: string }, cmd: Command) => {
      const db = await openDb(cmd);
      const { consultant, changed } = await setConsultantDisabled(db, opts.email, false);
      await closeStore(db);
      console.log(changed ? `Enabled ${consultant.email}.` : `${consultant.email} was not disabled.`);
    });

  user
    .command('delete')
    .description('Delete an account that has no studies (one with studies is refused: disable it instead).')
    .requiredOption('--email <e>', 'the account\'s e-mail address')
    .action(async (opts: { email: string }, cmd: Command) => {
      const db = await openDb(cmd);
      try {
        const consultant = await deleteConsultant(db, opts.email);
        console.log(`Deleted consultant ${consultant.email} (id ${consultant.id}).`);
      } finally {
        await closeStore(db);
      }
    });
  return user;
}
