import { Command } from 'commander';
import { createConsultant } from '../../server/services/consultants.ts';
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

export function userCommand() {
  const user = new Command('user').description('Manage consultant accounts.');
  user
    .command('create')
    .description('Create a consultant account; the password is read from standard input.')
    .requiredOption('--email <e>', 'sign-in e-mail address')
    .option('--name <name>', 'display name')
    .action(async (opts: { email: string; name?: string }, cmd: Command) => {
      const password = await readStdin();
      if (!password) throw new UsageError('no password on standard input: pipe one in, e.g. `echo "$PW" | npm run cli -- user create --email …`');
      const db = openDb(cmd);
      const consultant = await createConsultant(db, { email: opts.email, name: opts.name, password });
      db.$client.close();
      console.log(`Created consultant ${consultant.email} (id ${consultant.id}).`);
    });
  return user;
}
