import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPgStore } from '../../src/server/data/open.ts';
import { transaction, type PgStore } from '../../src/server/data/store.ts';
import { enqueueMail } from '../../src/server/mail/outbox.ts';
import { drainOnce } from '../../src/server/mail/outbox-worker.ts';
import type { WireMessage } from '../../src/server/mail/transport.ts';
import { claimDue, type ClaimedMail } from '../../src/server/repositories/outbox.ts';
import { freshDatabase } from '../helpers/pg.ts';

/**
 * The outbox claim with several app servers on one database: two stores
 * (two pools) stand for two instances. Their claims run side by side (no
 * advisory lock orders them), so only the claim's row locks keep a message
 * from going to two senders.
 */
let a: PgStore;
let b: PgStore;

beforeEach(async () => {
  const url = await freshDatabase('outbox_claim');
  a = await openPgStore(url, { max: 6 });
  b = await openPgStore(url, { max: 6 });
});

afterEach(async () => {
  await Promise.all([a.pool.end(), b.pool.end()]);
});

const T0 = new Date('2031-03-03T09:00:00Z');
const options = { limit: 10, leaseMs: 60_000, maxAttempts: 5 };

async function queue(n: number, now = T0): Promise<void> {
  for (let i = 0; i < n; i++) await enqueueMail(a, { kind: 'resume-link', dedupeKey: `k:${i}`, to: `p${i}@example.com`, subject: `S${i}`, text: `Body ${i}` }, now);
}

describe('claimDue across app servers', () => {
  it('passes over the rows an unfinished claim holds, without waiting for it, and takes the rest', async () => {
    await queue(4);
    let holding!: (rows: ClaimedMail[]) => void;
    const held = new Promise<ClaimedMail[]>((resolve) => (holding = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    // Instance A's claim stays uncommitted until B has claimed: B must neither wait for A's rows nor take them.
    // A names a key of its own so that it runs beside B, as a keyed transaction of a busy server would.
    const first = transaction(
      a,
      async (tx) => {
        const rows = await claimDue(tx, T0, { ...options, limit: 2 });
        holding(rows);
        await finished;
        return rows;
      },
      { locks: ['test:outbox-claim'] },
    );
    const ofA = await held;
    const ofB = await claimDue(b, T0, options);
    finish();
    expect((await first).map((m) => m.to)).toEqual(['p0@example.com', 'p1@example.com']);
    expect(ofA.map((m) => m.to)).toEqual(['p0@example.com', 'p1@example.com']);
    expect(ofB.map((m) => m.to)).toEqual(['p2@example.com', 'p3@example.com']);
    // A's claim is committed now: its rows are leased, and neither instance gets them again before the lease ends.
    expect(await claimDue(b, new Date(T0.getTime() + 59_999), options)).toEqual([]);
    expect(await claimDue(a, new Date(T0.getTime() + 59_999), options)).toEqual([]);
  });

  it('an expired lease taken over by both instances at once goes to one of them', async () => {
    await queue(1);
    await claimDue(a, T0, { ...options, leaseMs: 1_000 });
    const later = new Date(T0.getTime() + 1_001);
    const both = await Promise.all([claimDue(a, later, options), claimDue(b, later, options), claimDue(a, later, options), claimDue(b, later, options)]);
    expect(both.flat()).toHaveLength(1);
    expect(both.flat()[0]!.attempts).toBe(2);
  });

  it('four senders on two instances draining at once send every message exactly once', async () => {
    const n = 120;
    await queue(n, new Date());
    const sent: string[] = [];
    const send = async (m: WireMessage) => {
      sent.push(m.to);
      // Let the other senders' claims run while this one "talks to the mail server".
      await new Promise((resolve) => setImmediate(resolve));
    };
    const results = await Promise.all([a, b, a, b].map((store) => drainOnce(store, { send, batchSize: 5 })));
    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(n);
    expect(sent).toHaveLength(n);
    expect(new Set(sent).size).toBe(n);
    // Both instances took part (each claim takes at most 5 of 120).
    expect(results.filter((r) => r.sent > 0).length).toBeGreaterThan(1);
    const states = await a.pool.query<{ state: string; attempts: number; n: number }>('SELECT state, attempts, count(*) AS n FROM mail_outbox GROUP BY state, attempts');
    expect(states.rows).toEqual([{ state: 'sent', attempts: 1, n }]);
  });
});
