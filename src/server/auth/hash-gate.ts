/** A place at the gate: wait for `turn`, then work, then `leave` (also when giving up before the turn came). */
export interface Place {
  turn: Promise<void>;
  leave: () => void;
}

/**
 * At most `running` password hashes at a time, at most `waiting` more in line,
 * and a refusal at once beyond that. scrypt runs on libuv's thread pool (four
 * threads by default), which file reads and DNS share: a hundred hashes queued
 * there held every page behind them for seconds. Two leave the pool room, and
 * one core of these two-core machines for the event loop.
 */
export class HashGate {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  readonly running: number;
  readonly waiting: number;

  constructor(running: number, waiting: number) {
    this.running = running;
    this.waiting = waiting;
  }

  /** A place, or null when every running and waiting place is taken. */
  enter(): Place | null {
    let state: 'running' | 'waiting' | 'left';
    let wake!: () => void;
    const turn = new Promise<void>((resolve) => (wake = resolve));
    const start = () => {
      state = 'running';
      wake();
    };
    if (this.active < this.running) {
      this.active++;
      start();
    } else if (this.queue.length < this.waiting) {
      state = 'waiting';
      this.queue.push(start);
    } else {
      return null;
    }
    const leave = () => {
      if (state === 'running') {
        // The place passes straight to the next in line, so `active` counts it throughout.
        const next = this.queue.shift();
        if (next) next();
        else this.active--;
      } else if (state === 'waiting') {
        this.queue.splice(this.queue.indexOf(start), 1);
      }
      state = 'left';
    };
    return { turn, leave };
  }

  /** Hashes running and waiting now. */
  load(): { running: number; waiting: number } {
    return { running: this.active, waiting: this.queue.length };
  }
}
