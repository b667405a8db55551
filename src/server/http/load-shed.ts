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
  /** How long a request takes from admission to its answer, on a moving average (ms). */
  readonly averageMs: number;
}

/** Weight of the newest request in the moving average: about the last 10 count. */
const SMOOTHING = 0.1;

/**
 * Requests measured before the average is trusted: the first few after a
 * start (the renderer warming up) take seconds, and alone they would turn a
 * burst away that the warm server answers in a moment.
 */
const TRUSTED_AFTER = 20;

export function createGate(options: GateOptions): Gate {
  const now = options.now ?? (() => performance.now());
  let running = 0;
  let averageMs = 0;
  let measured = 0;
  const queue: Array<(a: Admission) => void> = [];

  const admit = (): Admission => {
    const since = now();
    return {
      admitted: true,
      release: once(() => {
        const took = now() - since;
        averageMs = measured++ === 0 ? took : averageMs + SMOOTHING * (took - averageMs);
        const next = queue.shift();
        if (next) next(admit());
        else running--;
      }),
    };
  };

  return {
    get running() {
      return running;
    },
    get queued() {
      return queue.length;
    },
    get averageMs() {
      return averageMs;
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
      // Little's law: places free up at maxConcurrent per average request time.
      if (measured >= TRUSTED_AFTER && ((queue.length + 1) * averageMs) / options.maxConcurrent > options.maxWaitMs) return Promise.resolve({ admitted: false, reason: 'wait-too-long' });
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
