import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Admission for requests: at most `maxConcurrent` are worked on at once,
 * up to `maxQueued` more wait (each at most `maxWaitMs`), and anything
 * beyond is refused at once, so that a saturated server answers "busy" in
 * milliseconds instead of leaving connections in the accept queue until
 * they time out or are reset. A request that would, at the pace requests
 * are being answered, wait longer than `maxWaitMs` is refused on arrival
 * rather than after that wait. When the event loop is already late
 * (`loopDelayMs()` above `maxLoopDelayMs`), nothing queues: a request
 * would only wait behind work the loop cannot keep up with.
 */
export interface GateOptions {
  maxConcurrent: number;
  maxQueued: number;
  maxWaitMs: number;
  /** 0: the loop's delay is not looked at. */
  maxLoopDelayMs: number;
  /** The loop's recent delay in ms (loopDelayMonitor()). */
  loopDelayMs?: () => number;
  /** A clock in ms, for the tests. */
  now?: () => number;
}

export type Admission =
  | { admitted: true; release: () => void }
  | { admitted: false; reason: 'queue-full' | 'wait-too-long' | 'waited-too-long' | 'loop-delayed' };

export interface Gate {
  /** Resolves when the request may go ahead (call release() once it is answered), or when it is refused. */
  enter(): Promise<Admission>;
  readonly running: number;
  readonly queued: number;
  /** While requests wait: the time between two places freeing up, on a moving average (ms). */
  readonly intervalMs: number;
}

/** Weight of the newest interval in the moving average: about the last 10 count. */
const SMOOTHING = 0.1;

/**
 * Intervals measured before the average is trusted: the first requests after
 * a start (the renderer warming up) take seconds, and alone they would turn a
 * burst away that the warm server answers in a moment.
 */
const TRUSTED_AFTER = 20;

export function createGate(options: GateOptions): Gate {
  const now = options.now ?? (() => performance.now());
  let running = 0;
  // The pace is measured only while requests wait (the server is full): then the interval between two answers is what a waiting request waits per place ahead of it.
  let intervalMs = 0;
  let measured = 0;
  let lastRelease = 0;
  // When the queue last went from empty to not: an idle spell before it is no part of any interval.
  let queueSince = 0;
  const queue: Array<(a: Admission) => void> = [];

  const admit = (): Admission => ({
    admitted: true,
    release: once(() => {
      const at = now();
      const next = queue.shift();
      if (next) {
        const interval = at - Math.max(lastRelease, queueSince);
        intervalMs = measured++ === 0 ? interval : intervalMs + SMOOTHING * (interval - intervalMs);
        next(admit());
      } else running--;
      lastRelease = at;
    }),
  });

  return {
    get running() {
      return running;
    },
    get queued() {
      return queue.length;
    },
    get intervalMs() {
      return intervalMs;
    },
    enter(): Promise<Admission> {
      if (running < options.maxConcurrent) {
        running++;
        return Promise.resolve(admit());
      }
      if (options.maxLoopDelayMs > 0 && (options.loopDelayMs?.() ?? 0) > options.maxLoopDelayMs) {
        return Promise.resolve({ admitted: false, reason: 'loop-delayed' });
      }
      if (queue.length >= options.maxQueued) return Promise.resolve({ admitted: false, reason: 'queue-full' });
      // One request may always wait, so that the pace keeps being measured and a slow spell is not judged by for ever.
      if (queue.length > 0 && measured >= TRUSTED_AFTER && (queue.length + 1) * intervalMs > options.maxWaitMs) return Promise.resolve({ admitted: false, reason: 'wait-too-long' });
      return new Promise((resolve) => {
        const waiter = (a: Admission) => {
          clearTimeout(timer);
          resolve(a);
        };
        const timer = setTimeout(() => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          resolve({ admitted: false, reason: 'waited-too-long' });
        }, options.maxWaitMs);
        if (queue.length === 0) queueSince = now();
        queue.push(waiter);
      });
    },
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/**
 * The event loop's delay: the worst in the last second or so. A histogram
 * sampled every 20 ms, read and reset once a second, so that one long
 * stall a minute ago no longer counts.
 */
export function loopDelayMonitor(): { delayMs: () => number; stop: () => void } {
  const h = monitorEventLoopDelay({ resolution: 20 });
  h.enable();
  let last = 0;
  const tick = setInterval(() => {
    last = h.max / 1e6;
    h.reset();
  }, 1000);
  tick.unref();
  return {
    // The current window counts too: a stall happening now is visible before the next tick.
    delayMs: () => Math.max(last, h.max / 1e6),
    stop: () => {
      clearInterval(tick);
      h.disable();
    },
  };
}
