import { Command } from 'commander';
import { drainOnce } from '../../server/mail/outbox-worker.ts';
import { configuredTransport } from '../../server/mail/transport.ts';
import { closeStore } from '../../server/repositories/database-admin.ts';
import { outboxStatus } from '../../server/repositories/outbox.ts';
import { openExistingDb } from '../context.ts';
import { UsageError } from '../errors.ts';

const AGE = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

export function mailCommand() {
  const mail = new Command('mail').description('The e-mail outbox: what waits, and sending it by hand.');
  mail
    .command('status')
    .description('Messages by state, how long the oldest has waited, and the latest errors.')
    .action(async (_opts, cmd: Command) => {
      const db = await openExistingDb(cmd);
      const s = await outboxStatus(db);
      await closeStore(db);
      const c = s.counts;
      console.log(`pending ${c.pending}, sending ${c.sending}, sent ${c.sent}, failed ${c.failed}`);
      console.log(s.oldestWaiting ? `oldest waiting: queued ${s.oldestWaiting.toISOString()} (${AGE(Date.now() - s.oldestWaiting.getTime())} ago)` : 'nothing is waiting');
      for (const e of s.recentErrors) console.log(`  #${e.id} ${e.kind}, ${e.state} after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}: ${e.lastError}`);
      if (!configuredTransport()) console.log('SMTP_URL is not set: the server sends no e-mail.');
    });
  mail
    .command('send')
    .description('Send everything due now, once, through SMTP_URL (the server does this on its own every few seconds).')
    .action(async (_opts, cmd: Command) => {
      const transport = configuredTransport();
      if (!transport) throw new UsageError('SMTP_URL is not set: there is no server to send through (set SMTP_URL and MAIL_FROM)');
      const db = await openExistingDb(cmd);
      try {
        const r = await drainOnce(db, { send: transport.send, log: (l) => console.error(l) });
        console.log(`sent ${r.sent}, to retry ${r.retrying}, failed ${r.failed}${r.released ? `, left for later ${r.released}` : ''}`);
      } finally {
        transport.close();
        await closeStore(db);
      }
    });
  return mail;
}
