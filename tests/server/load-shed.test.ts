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
    // A full server with requests waiting, answering one a second.
    const running = [admitted(await g.enter()), admitted(await g.enter())];
    for (let i = 0; i < 25; i++) {
      const waiting = g.enter();
      clock += 1_000;
      running.shift()!.release();
      running.push(admitted(await waiting));
    }
    expect(g.intervalMs).toBeCloseTo(1_000);
    void g.enter();
    void g.enter();
    expect(g.queued).toBe(2);
    // A third in the queue would wait about 3 s.
    expect(await g.enter()).toEqual({ admitted: false, reason: 'wait-too-long' });
  });

  it('leaves an idle spell out of the pace, and always lets one request wait so the pace is measured again', async () => {
    let clock = 0;
    const g = gate({ maxConcurrent: 1, maxQueued: 100, maxWaitMs: 5_000, now: () => clock });
    let current = admitted(await g.enter());
    for (let i = 0; i < 25; i++) {
      const waiting = g.enter();
      clock += 10_000;
      current.release();
      current = admitted(await waiting);
    }
    expect(g.intervalMs).toBeCloseTo(10_000);
    // Too slow for a second waiter, but one may still wait.
    const one = g.enter();
    expect(g.queued).toBe(1);
    expect(await g.enter()).toEqual({ admitted: false, reason: 'wait-too-long' });
    clock += 100;
    current.release();
    current = admitted(await one);
    current.release();
    // Ten idle minutes, then a burst: the first interval counts from when requests began to wait.
    clock += 600_000;
    current = admitted(await g.enter());
    const next = g.enter();
    clock += 50;
    current.release();
    admitted(await next);
    expect(g.intervalMs).toBeLessThan(10_000);
  });

  it('does not judge by the first requests after a start, which are slow while the server warms up', async () => {
    let clock = 0;
    const g = gate({ maxConcurrent: 1, maxQueued: 100, maxWaitMs: 1_000, now: () => clock });
    const first = admitted(await g.enter());
    const waiting = g.enter();
    clock = 30_000;
    first.release();
    admitted(await waiting);
    expect(g.intervalMs).toBe(30_000);
    void g.enter();
    void g.enter();
    expect(g.queued).toBe(2);
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
