import type { Store } from '../data/store.ts';
import { claimDue, markFailed, markRetry, markSent, release, type ClaimedMail } from '../repositories/outbox.ts';
import { classifyFailure, SEND_BUDGET_MS, type SendFn } from './transport.ts';

export interface WorkerOptions {
  send: SendFn;
  now?: () => Date;
  /** Rows claimed per short transaction. */
  batchSize?: number;
  /** How long a claim holds its rows; another process takes over a row whose lease ran out. */
  leaseMs?: number;
  /** The longest one send may take (the transport's timeouts); a send starts only while the lease has this much left. */
  sendBudgetMs?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  log?: (line: string) => void;
}

type Settings = Required<Omit<WorkerOptions, 'send' | 'now' | 'log'>>;

export const WORKER_DEFAULTS: Readonly<Settings> = {
  batchSize: 20,
  leaseMs: 10 * 60_000,
  sendBudgetMs: SEND_BUDGET_MS,
  // 1, 2, 4 … minutes, then every 4 hours: twelve attempts span about a day and a half of outage.
  maxAttempts: 12,
  backoffBaseMs: 60_000,
  backoffMaxMs: 4 * 60 * 60_000,
};

/** Wait before the next try after the `attempts`-th failed one: doubling from the base, capped. */
export function retryDelayMs(attempts: number, baseMs: number = WORKER_DEFAULTS.backoffBaseMs, maxMs: number = WORKER_DEFAULTS.backoffMaxMs): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

export interface DrainResult {
  sent: number;
  retrying: number;
  failed: number;
  released: number;
}

/**
 * Sends everything due, batch by batch, until nothing due is left. Each row
 * is marked sent in its own tiny transaction right after the server's 250, so
 * that a crash can repeat at most the one message in flight, and that one
 * with the same Message-ID (README: "E-mail delivery").
 */
export async function drainOnce(db: Store, options: WorkerOptions): Promise<DrainResult> {
  const o = { ...WORKER_DEFAULTS, ...options };
  const now = options.now ?? (() => new Date());
  const result: DrainResult = { sent: 0, retrying: 0, failed: 0, released: 0 };
  for (;;) {
    const batch = await claimDue(db, now(), { limit: o.batchSize, leaseMs: o.leaseMs, maxAttempts: o.maxAttempts });
    if (batch.length === 0) return result;
    for (let i = 0; i < batch.length; i++) {
      const m = batch[i]!;
      if (now().getTime() + o.sendBudgetMs > m.leaseUntil.getTime()) {
        // Sending now could outlast the lease and let another process send the same message: give the rest back.
        for (const rest of batch.slice(i)) if (await release(db, rest)) result.released++;
        return result;
      }
      await sendOne(db, m, o, now, result);
    }
  }
}

async function sendOne(db: Store, m: ClaimedMail, o: Settings & WorkerOptions, now: () => Date, result: DrainResult): Promise<void> {
  try {
    await o.send({ messageId: m.messageId, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers });
  } catch (error) {
    const failure = classifyFailure(error);
    if (failure.permanent || m.attempts >= o.maxAttempts) {
      const why = failure.permanent ? failure.message : `${failure.message} (gave up after ${m.attempts} attempts)`;
      if (await markFailed(db, m, why)) result.failed++;
      o.log?.(`mail ${m.id} (${m.kind}) failed: ${why}`);
    } else {
      if (await markRetry(db, m, failure.message, new Date(now().getTime() + retryDelayMs(m.attempts, o.backoffBaseMs, o.backoffMaxMs)))) result.retrying++;
      o.log?.(`mail ${m.id} (${m.kind}) will be retried: ${failure.message}`);
    }
    return;
  }
  // Nothing between the server's 250 and this commit but one UPDATE (waiting, at most, for a transaction open on the connection to end).
  if (await markSent(db, m, now())) result.sent++;
  else o.log?.(`mail ${m.id} was sent after its lease had passed to another sender`);
}
