import type { Store } from '../data/store.ts';
import { drainOnce, type WorkerOptions } from './outbox-worker.ts';
import { JOBS, runScheduledJobs, type ScheduledJob } from './scheduler.ts';
import type { MailTransport } from './transport.ts';

export interface MailLoopOptions {
  db: Store;
  transport: MailTransport;
  pollMs: number;
  /** The scheduler's jobs run at most this often (they read more than the outbox does). */
  scheduleEveryMs?: number;
  jobs?: ScheduledJob[];
  worker?: Omit<WorkerOptions, 'send'>;
  log?: (line: string) => void;
}

export interface MailLoop {
  /** Runs one tick now (jobs when due, then the outbox); resolves when it is done. */
  tick(): Promise<void>;
  /** No new tick starts; waits for the one running (at most `graceMs`), then closes the connection. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The mail worker inside the server process: every pollMs it runs the
 * scheduler's jobs (when due) and drains the outbox. Its timer is unref'd,
 * so it never keeps a process alive that has nothing else to do.
 */
export function startMailLoop(o: MailLoopOptions): MailLoop {
  const log = o.log ?? ((line: string) => console.error(line));
  const scheduleEveryMs = o.scheduleEveryMs ?? 60_000;
  let lastScheduled = -Infinity;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const runTick = async (): Promise<void> => {
    // Yield first, so that `running` is set before anything below can finish (even a synchronous throw).
    await Promise.resolve();
    try {
      const now = o.worker?.now?.() ?? new Date();
      if (now.getTime() - lastScheduled >= scheduleEveryMs) {
        lastScheduled = now.getTime();
        await runScheduledJobs(o.db, now, o.jobs ?? JOBS, log);
      }
      await drainOnce(o.db, { ...o.worker, send: o.transport.send, log });
    } catch (e) {
      // A database hiccup (busy, disk) must not end the loop: the next tick tries again.
      log(`mail loop: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      running = undefined;
    }
  };
  const tick = (): Promise<void> => (running ??= runTick());

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick().then(schedule), o.pollMs);
    timer.unref();
  };
  void tick().then(schedule);

  return {
    tick,
    async stop(graceMs = 5_000) {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) {
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([running, new Promise<void>((r) => (grace = setTimeout(r, graceMs)))]);
        clearTimeout(grace);
      }
      o.transport.close();
    },
  };
}
