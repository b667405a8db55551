import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailOutbox } from '../../db/schema.ts';
import * as pgSchema from '../../db/pg/schema.ts';
import { enqueueMail } from '../../src/server/mail/outbox.ts';
import { drainOnce, retryDelayMs } from '../../src/server/mail/outbox-worker.ts';
import type { WireMessage } from '../../src/server/mail/transport.ts';
import { claimDue, markSent, outboxStatus } from '../../src/server/repositories/outbox.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.cleanup());

const T0 = new Date('2031-03-03T09:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

async function queue(n: number, now = T0): Promise<void> {
  for (let i = 0; i < n; i++) await enqueueMail(t.db, { kind: 'resume-link', dedupeKey: `k:${i}`, to: `p${i}@example.com`, subject: `S${i}`, text: `Body ${i}` }, now);
}
/** The outbox row, typed and mapped (Dates) by drizzle on either backend. */
async function row(key: string) {
  if (t.db.backend === 'pg') return (await t.db.db.select().from(pgSchema.mailOutbox).where(eq(pgSchema.mailOutbox.dedupeKey, key)))[0]!;
  return t.db.db.select().from(mailOutbox).where(eq(mailOutbox.dedupeKey, key)).get()!;
}
const smtpError = (responseCode: number, message = 'refused') => Object.assign(new Error(message), { code: 'EENVELOPE', responseCode, response: `${responseCode} ${message}` });

describe('claimDue', () => {
  it('leases due rows once: a second claim before the lease ends gets none of them', async () => {
    await queue(3);
    const a = await claimDue(t.db, T0, { limit: 10, leaseMs: 60_000, maxAttempts: 5 });
    expect(a.map((m) => m.to)).toEqual(['p0@example.com', 'p1@example.com', 'p2@example.com']);
    expect(await row('k:0')).toMatchObject({ state: 'sending', attempts: 1, leaseUntil: at(60_000) });
    expect(await claimDue(t.db, at(59_999), { limit: 10, leaseMs: 60_000, maxAttempts: 5 })).toEqual([]);
  });

  it('takes over a row whose lease expired, and the first holder can no longer mark it', async () => {
    await queue(1);
    const [first] = await claimDue(t.db, T0, { limit: 10, leaseMs: 1_000, maxAttempts: 5 });
    const [second] = await claimDue(t.db, at(1_001), { limit: 10, leaseMs: 1_000, maxAttempts: 5 });
    expect(second!.messageId).toBe(first!.messageId);
    expect(second!.attempts).toBe(2);
    expect(await markSent(t.db, first!, at(1_002))).toBe(false);
    expect(await markSent(t.db, second!, at(1_002))).toBe(true);
  });

  it('does not claim a row whose time has not come', async () => {
    await enqueueMail(t.db, { kind: 'reminder', dedupeKey: 'later', to: 'x@example.com', subject: 's', text: 't', notBefore: at(5_000) }, T0);
    expect(await claimDue(t.db, at(4_999), { limit: 10, leaseMs: 1_000, maxAttempts: 5 })).toEqual([]);
    expect(await claimDue(t.db, at(5_000), { limit: 10, leaseMs: 1_000, maxAttempts: 5 })).toHaveLength(1);
  });

  it('fails a row that crashed its senders too often instead of claiming it again', async () => {
    await queue(1);
    for (let i = 0; i < 3; i++) await claimDue(t.db, at(i * 2_000), { limit: 1, leaseMs: 1_000, maxAttempts: 3 });
    expect(await claimDue(t.db, at(10_000), { limit: 1, leaseMs: 1_000, maxAttempts: 3 })).toEqual([]);
    expect(await row('k:0')).toMatchObject({ state: 'failed', toAddress: null, textBody: null });
    expect((await row('k:0')).lastError).toMatch(/gave up after 3 attempts/);
  });
});

describe('drainOnce', () => {
  it('sends each message with its stored Message-ID, then erases address, subject and bodies', async () => {
    await queue(2);
    const ids = [(await row('k:0')).messageId, (await row('k:1')).messageId];
    const got: WireMessage[] = [];
    const r = await drainOnce(t.db, { send: async (m) => void got.push(m), now: () => T0 });
    expect(r).toEqual({ sent: 2, retrying: 0, failed: 0, released: 0 });
    expect(got.map((m) => m.messageId)).toEqual(ids);
    expect(got[0]).toMatchObject({ to: 'p0@example.com', subject: 'S0', text: 'Body 0' });
    expect(await row('k:0')).toMatchObject({ state: 'sent', toAddress: null, subject: null, textBody: null, htmlBody: null, kind: 'resume-link', sentAt: T0, messageId: ids[0] });
  });

  it('retries a transient failure with doubling waits and gives up after the last attempt', async () => {
    await queue(1);
    let clock = T0;
    const down = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ESOCKET' });
    };
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const r = await drainOnce(t.db, { send: down, now: () => clock, maxAttempts: 4, backoffBaseMs: 1_000 });
      const after = await row('k:0');
      expect(after.attempts).toBe(attempt);
      if (attempt < 4) {
        expect(r.retrying).toBe(1);
        expect(after).toMatchObject({ state: 'pending', lastError: 'connect ECONNREFUSED 127.0.0.1:2525' });
        waits.push(after.nextAttemptAt.getTime() - clock.getTime());
        // Just before it is due again, nothing is tried.
        expect((await drainOnce(t.db, { send: down, now: () => new Date(after.nextAttemptAt.getTime() - 1), maxAttempts: 4, backoffBaseMs: 1_000 })).retrying).toBe(0);
        clock = after.nextAttemptAt;
      } else {
        expect(r.failed).toBe(1);
        expect(after).toMatchObject({ state: 'failed', toAddress: null });
        expect(after.lastError).toMatch(/gave up after 4 attempts/);
      }
    }
    expect(waits).toEqual([1_000, 2_000, 4_000]);
  });

  it('fails a 5xx rejection at once and retries a 4xx', async () => {
    await queue(2);
    const send = async (m: WireMessage) => {
      throw m.to === 'p0@example.com' ? smtpError(550, 'No such user') : smtpError(451, 'Try again later');
    };
    const r = await drainOnce(t.db, { send, now: () => T0 });
    expect(r).toMatchObject({ failed: 1, retrying: 1 });
    expect(await row('k:0')).toMatchObject({ state: 'failed', toAddress: null, lastError: '550 No such user' });
    expect(await row('k:1')).toMatchObject({ state: 'pending', toAddress: 'p1@example.com', lastError: '451 Try again later' });
  });

  it('gives back rows it has no lease time left to send, without counting an attempt', async () => {
    await queue(3);
    let clock = T0;
    const send = async () => {
      clock = new Date(clock.getTime() + 40_000);
    };
    const r = await drainOnce(t.db, { send, now: () => clock, leaseMs: 100_000, sendBudgetMs: 30_000, batchSize: 3 });
    // 0 s: send (lease to 100 s); 40 s: send; 80 s: 80 + 30 > 100, so the third goes back.
    expect(r).toMatchObject({ sent: 2, released: 1 });
    expect(await row('k:2')).toMatchObject({ state: 'pending', attempts: 0, leaseUntil: null });
  });

  it('counts states and the oldest waiting message', async () => {
    await queue(2, T0);
    await enqueueMail(t.db, { kind: 'reminder', dedupeKey: 'late', to: 'l@example.com', subject: 's', text: 't' }, at(60_000));
    await drainOnce(t.db, { send: async (m) => { if (m.to !== 'p0@example.com') throw smtpError(421, 'busy'); }, now: () => at(60_000) });
    const s = await outboxStatus(t.db);
    expect(s.counts).toEqual({ pending: 2, sending: 0, sent: 1, failed: 0 });
    expect(s.oldestWaiting).toEqual(T0);
    expect(s.recentErrors.map((e) => e.lastError)).toEqual(['421 busy', '421 busy']);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 60_000, 200_000))).toEqual([60_000, 120_000, 200_000, 200_000]);
    expect(retryDelayMs(1000, 60_000, 200_000)).toBe(200_000);
  });
});
