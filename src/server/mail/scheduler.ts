import { transaction, type Store } from '../data/store.ts';
import { queueDueReminders } from '../services/invitations.ts';
import { queueWeeklySummaries } from './summary.ts';

/**
 * Work that decides which mail is due and queues it with enqueueMail. It must
 * be safe to run again at any moment (dedupe keys make a repeat a no-op). It
 * runs inside a write transaction already, and gets that transaction's
 * store: a `transaction(db, …)` of its own becomes a savepoint within it.
 * Like any transaction's work, it awaits only the store (no network, no timers).
 */
export interface ScheduledJob {
  name: string;
  run: (db: Store, now: Date) => Promise<unknown>;
}

/** Every job the mail loop runs on each scheduler tick, in this order. */
export const JOBS: ScheduledJob[] = [
  { name: 'weekly-summary', run: queueWeeklySummaries },
  { name: 'reminders', run: queueDueReminders },
];

/**
 * Runs each job in its own write transaction, so one job's failure rolls back
 * only its own work and the others still run. Returns the names of the jobs
 * that failed.
 */
export async function runScheduledJobs(db: Store, now: Date, jobs: ScheduledJob[] = JOBS, log: (line: string) => void = console.error): Promise<string[]> {
  const failed: string[] = [];
  for (const job of jobs) {
    try {
      // No keys: each job reads and queues across every study, with the whole database to itself, as on SQLite; one tick
      // per instance, so a second instance's tick finds the work done (its dedupe keys would also drop a repeat).
      await transaction(db, (tx) => job.run(tx, now), { behavior: 'immediate' });
    } catch (e) {
      failed.push(job.name);
      log(`mail job ${job.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return failed;
}
