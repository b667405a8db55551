import { describe, expect, it } from 'vitest';
import { HashGate } from '../../src/server/auth/hash-gate.ts';

const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 0));
  return done;
};

describe('HashGate', () => {
  it('runs `running` at once, queues `waiting`, and refuses the rest', async () => {
    const gate = new HashGate(2, 1);
    const [a, b, c] = [gate.enter()!, gate.enter()!, gate.enter()!];
    expect(gate.enter()).toBeNull();
    expect(await settled(a.turn)).toBe(true);
    expect(await settled(b.turn)).toBe(true);
    expect(await settled(c.turn)).toBe(false);
    expect(gate.load()).toEqual({ running: 2, waiting: 1 });
    a.leave();
    expect(await settled(c.turn)).toBe(true);
    expect(gate.load()).toEqual({ running: 2, waiting: 0 });
    b.leave();
    c.leave();
    expect(gate.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('frees a waiting place left before its turn, and counts a second leave once', async () => {
    const gate = new HashGate(1, 2);
    const a = gate.enter()!;
    const b = gate.enter()!;
    const c = gate.enter()!;
    b.leave();
    expect(gate.load()).toEqual({ running: 1, waiting: 1 });
    a.leave();
    a.leave();
    expect(await settled(c.turn)).toBe(true);
    expect(await settled(b.turn)).toBe(false);
    expect(gate.load()).toEqual({ running: 1, waiting: 0 });
    c.leave();
    expect(gate.load()).toEqual({ running: 0, waiting: 0 });
  });
});
