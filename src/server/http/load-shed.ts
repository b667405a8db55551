import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Admission for requests: at most `maxConcurrent` are worked on at once,
 * up to `maxQueued` more wait (each at most `maxWaitMs`), and anything
 * beyond is refused at once, so that a saturated server answers "busy" in
 * milliseconds instead of leaving connections in the accept queue until
 * they time out or are reset. When the event loop is already late
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
}

export type Admission = { admitted: true; release: () => void } | { admitted: false; reason: 'queue-full' | 'waited-too-long' | 'loop-delayed' };

export interface Gate {
  /** Resolves when the request may go ahead (call release() once it is answered), or when it is refused. */
  enter(): Promise<Admission>;
  readonly running: number;
  readonly queued: number;
}

export function createGate(options: GateOptions): Gate {
  let running = 0;
  const queue: Array<(a: Admission) => void> = [];

  const release = () => {
    const next = queue.shift();
    if (next) next({ admitted: true, release: once(release) });
    else running--;
  };

  return {
    get running() {
      return running;
    },
    get queued() {
      return queue.length;
    },
    enter(): Promise<Admission> {
      if (running < options.maxConcurrent) {
        running++;
        return Promise.resolve({ admitted: true, release: once(release) });
      }
      if (options.maxLoopDelayMs > 0 && (options.loopDelayMs?.() ?? 0) > options.maxLoopDelayMs) {
        return Promise.resolve({ admitted: false, reason: 'loop-delayed' });
      }
      if (queue.length >= options.maxQueued) return Promise.resolve({ admitted: false, reason: 'queue-full' });
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
