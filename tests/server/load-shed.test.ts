import { describe, expect, it } from 'vitest';
import { createGate, type Admission } from '../../src/server/http/load-shed.ts';

/** Issue 14: the server's admission of requests (src/server/http/load-shed.ts). */
const gate = (o: Partial<Parameters<typeof createGate>[0]> = {}) => createGate({ maxConcurrent: 2, maxQueued: 1, maxWaitMs: 60_000, maxLoopDelayMs: 0, ...o });
const admitted = (a: Admission) => (a.admitted ? a : (expect.unreachable(`refused: ${a.reason}`) as never));

describe('createGate', () => {
  it('admits up to the limit, queues the next, refuses beyond the queue at once', async () => {
    const g = gate();
    const a = admitted(await g.enter());
    admitted(await g.enter());
    expect(g.running).toBe(2);
    const queued = g.enter();
    expect(g.queued).toBe(1);
    expect(await g.enter()).toEqual({ admitted: false, reason: 'queue-full' });
    a.release();
    admitted(await queued);
    expect(g.running).toBe(2);
    expect(g.queued).toBe(0);
  });

  it('counts a release once, however often it is called', async () => {
    const g = gate();
    const a = admitted(await g.enter());
    a.release();
    a.release();
    expect(g.running).toBe(0);
  });

  it('refuses a queued request that waited longer than allowed, and forgets it', async () => {
    const g = gate({ maxConcurrent: 1, maxWaitMs: 20 });
    admitted(await g.enter());
    expect(await g.enter()).toEqual({ admitted: false, reason: 'waited-too-long' });
    expect(g.queued).toBe(0);
  });

  it('refuses on arrival a request that would wait longer than allowed at the pace requests are answered', async () => {
    let clock = 0;
    const g = gate({ maxConcurrent: 2, maxQueued: 100, maxWaitMs: 2_500, now: () => clock });
    // Requests of 2 s each, two at a time: places free up at one a second.
    for (let i = 0; i < 10; i++) {
      const a = admitted(await g.enter());
      const b = admitted(await g.enter());
      clock += 2_000;
      a.release();
      b.release();
    }
    expect(g.averageMs).toBe(2_000);
    admitted(await g.enter());
    admitted(await g.enter());
    void g.enter();
    void g.enter();
    expect(g.queued).toBe(2);
    // A third in the queue would wait about 3 s.
    expect(await g.enter()).toEqual({ admitted: false, reason: 'wait-too-long' });
  });

  it('does not judge by the first requests after a start, which are slow while the server warms up', async () => {
    let clock = 0;
    const g = gate({ maxConcurrent: 1, maxQueued: 100, maxWaitMs: 1_000, now: () => clock });
    const first = admitted(await g.enter());
    clock = 30_000;
    first.release();
    admitted(await g.enter());
    void g.enter();
    expect(g.queued).toBe(1);
  });

  it('queues nothing while the event loop is late, but still fills free places', async () => {
    let delay = 5_000;
    const g = gate({ maxConcurrent: 1, maxLoopDelayMs: 1_000, loopDelayMs: () => delay });
    const a = admitted(await g.enter());
    expect(await g.enter()).toEqual({ admitted: false, reason: 'loop-delayed' });
    delay = 10;
    const queued = g.enter();
    expect(g.queued).toBe(1);
    a.release();
    admitted(await queued);
  });
});
