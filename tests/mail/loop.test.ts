import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailOutbox } from '../../db/schema.ts';
import * as pgSchema from '../../db/pg/schema.ts';
import { startMailLoop } from '../../src/server/mail/loop.ts';
import { enqueueMail } from '../../src/server/mail/outbox.ts';
import type { WireMessage } from '../../src/server/mail/transport.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { EVENTUALLY_MS } from '../helpers/limits.ts';

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.cleanup());

const until = async (ok: () => boolean) => {
  const deadline = Date.now() + EVENTUALLY_MS;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('mail loop', () => {
  it('runs its jobs, sends what they queue, keeps polling, and stops cleanly', async () => {
    const sent: WireMessage[] = [];
    let closed = false;
    let jobRuns = 0;
    const loop = startMailLoop({
      db: t.db,
      transport: { send: async (m) => void sent.push(m), close: () => (closed = true) },
      pollMs: 20,
      scheduleEveryMs: 0,
      jobs: [
        {
          name: 'test',
          run: async (db, now) => {
            jobRuns++;
            await enqueueMail(db, { kind: 'weekly-summary', dedupeKey: 'job:1', to: 'a@example.com', subject: 's', text: 't' }, now);
          },
        },
      ],
      log: () => undefined,
    });
    await until(() => sent.length === 1);
    // Queued later, outside any job: the next poll picks it up.
    await enqueueMail(t.db, { kind: 'resume-link', dedupeKey: 'later', to: 'b@example.com', subject: 's', text: 't' });
    await until(() => sent.length === 2);
    await until(() => jobRuns > 2);
    await loop.stop();
    expect(closed).toBe(true);
    const runsAtStop = jobRuns;
    await enqueueMail(t.db, { kind: 'resume-link', dedupeKey: 'after-stop', to: 'c@example.com', subject: 's', text: 't' });
    await new Promise((r) => setTimeout(r, 200));
    expect(jobRuns).toBe(runsAtStop);
    expect(sent.map((m) => m.to)).toEqual(['a@example.com', 'b@example.com']);
    const rows = t.db.backend === 'pg' ? await t.db.db.select().from(pgSchema.mailOutbox) : t.db.db.select().from(mailOutbox).all();
    expect(rows.filter((r) => r.state === 'pending')).toHaveLength(1);
  });

  it('keeps running after a failing tick', async () => {
    const logged: string[] = [];
    let calls = 0;
    const loop = startMailLoop({
      db: t.db,
      transport: { send: async () => undefined, close: () => undefined },
      pollMs: 20,
      jobs: [],
      worker: { now: () => (calls++ === 0 ? (() => { throw new Error('clock broke'); })() : new Date()) },
      log: (l) => logged.push(l),
    });
    await until(() => calls > 3);
    await loop.stop();
    expect(logged.some((l) => l.includes('clock broke'))).toBe(true);
  });
});
