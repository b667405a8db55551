import { config } from '../config.ts';
import { db } from '../db.ts';
import { onShutdown } from '../lifecycle.ts';
import { startMailLoop, type MailLoop } from './loop.ts';
import { configuredTransport } from './transport.ts';

let loop: MailLoop | undefined;
let started = false;

/**
 * Starts the mail loop in this server process, once, when SMTP is configured:
 * called from the middleware on the first request, since the built server
 * entry has no other hook of ours that runs at start-up. Every process that
 * serves requests runs its own loop; the outbox's leases keep them from
 * sending the same message.
 */
export function ensureMailLoop(): void {
  if (started) return;
  started = true;
  const transport = configuredTransport();
  if (!transport) return;
  const pollMs = config().MAIL_POLL_SECONDS * 1000;
  // The jobs read more than the outbox does: every 12th poll (a minute at the default 5 s) is soon enough for weekly and daily mail.
  loop = startMailLoop({ db: db(), transport, pollMs, scheduleEveryMs: pollMs * 12, worker: { leaseMs: config().MAIL_LEASE_SECONDS * 1000 } });
  // The server's shutdown (scripts/serve.ts) lets the message in flight finish, a few seconds at most, before the database closes.
  onShutdown('mail loop', stopMailLoop);
}

export async function stopMailLoop(): Promise<void> {
  const l = loop;
  loop = undefined;
  await l?.stop();
}
