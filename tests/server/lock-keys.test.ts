import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transaction, type TransactionOptions } from '../../src/server/data/store.ts';
import { countedNetworkLocks, participantLock, rateLock, signInLocks } from '../../src/server/lock-keys.ts';
import { openTestStore, TEST_BACKEND, type TestStore } from '../helpers/test-store.ts';

/*
 * Which write transactions run beside each other (src/server/data/store.ts,
 * TransactionOptions.locks). On SQLite none do: one connection, one write lock.
 * On PostgreSQL a transaction naming keys runs beside those naming others and
 * waits for one naming the same key or none (the whole database), and one
 * naming none waits for everyone. Nothing here is timed: the first
 * transaction is held open on a gate, and the second is seen either finishing
 * while it is held or waiting for it (PostgreSQL shows the wait in pg_locks).
 */

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(async () => {
  await t.cleanup();
});

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Advisory lock requests of this database that wait (PostgreSQL). */
async function waitingLocks(): Promise<number> {
  const row = await t.raw.get<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
  );
  return Number(row!.n);
}

/**
 * Whether `second`, started while the first transaction is held, finishes
 * ('ran') or waits for it ('waited'). PostgreSQL: whichever is seen first,
 * its end or its lock request waiting. SQLite: the connection is the first
 * transaction's until it ends, so the second can only wait; it is given turns
 * of the event loop to show it does not get in.
 */
async function whileHeld(second: Promise<unknown>): Promise<'ran' | 'waited'> {
  let settled = false;
  void second.then(
    () => (settled = true),
    () => (settled = true),
  );
  if (TEST_BACKEND === 'sqlite') {
    for (let i = 0; i < 20 && !settled; i++) await turn();
    return settled ? 'ran' : 'waited';
  }
  for (;;) {
    await turn();
    if (settled) return 'ran';
    if ((await waitingLocks()) > 0) return 'waited';
  }
}

interface Case {
  name: string;
  first: TransactionOptions;
  second: TransactionOptions;
  /** Whether the two run beside each other on PostgreSQL (never on SQLite). */
  besideOnPg: boolean;
}

const whole: TransactionOptions = { behavior: 'immediate' };
const keyed = (...locks: string[]): TransactionOptions => ({ behavior: 'immediate', locks });

const CASES: Case[] = [
  { name: 'a keyed transaction, then one of the whole database', first: keyed(participantLock(1)), second: whole, besideOnPg: false },
  { name: 'one of the whole database, then a keyed one', first: whole, second: keyed(participantLock(1)), besideOnPg: false },
  { name: 'one of the whole database, then one with an empty key list', first: whole, second: keyed(), besideOnPg: false },
  { name: 'two of the whole database', first: whole, second: whole, besideOnPg: false },
  { name: 'two naming the same key', first: keyed(participantLock(1)), second: keyed(participantLock(1)), besideOnPg: false },
  { name: 'two sharing one key of several', first: keyed(...signInLocks('a@example.com', '192.0.2.1')), second: keyed(...signInLocks('a@example.com', '192.0.2.2')), besideOnPg: false },
  { name: 'two naming different keys', first: keyed(participantLock(1)), second: keyed(participantLock(2)), besideOnPg: true },
  { name: 'a keyed one, then one with an empty key list', first: keyed(participantLock(1)), second: keyed(), besideOnPg: true },
  { name: 'one of the whole database, then a read-only one', first: whole, second: { behavior: 'deferred' }, besideOnPg: true },
];

describe('which transactions exclude each other', () => {
  it.each(CASES)('$name', async ({ first, second, besideOnPg }) => {
    const events: string[] = [];
    const release = gate();
    const entered = gate();
    const a = transaction(
      t.db,
      async () => {
        events.push('first in');
        entered.open();
        await release.wait;
        events.push('first out');
      },
      first,
    );
    await entered.wait;
    const b = transaction(
      t.db,
      async () => {
        events.push('second');
      },
      second,
    );
    // Released before anything is asserted: a failed expectation must not leave the first transaction open.
    const seen = await whileHeld(b);
    release.open();
    await Promise.all([a, b]);
    const beside = TEST_BACKEND === 'pg' && besideOnPg;
    expect(seen).toBe(beside ? 'ran' : 'waited');
    expect(events).toEqual(beside ? ['first in', 'second', 'first out'] : ['first in', 'first out', 'second']);
  });

  it('keys are taken in one order: two transactions naming the same keys in opposite orders both finish, one after the other', async () => {
    const events: string[] = [];
    const release = gate();
    const entered = gate();
    const a = transaction(
      t.db,
      async () => {
        events.push('first in');
        entered.open();
        await release.wait;
        events.push('first out');
      },
      keyed(participantLock(2), participantLock(1)),
    );
    await entered.wait;
    const b = transaction(t.db, async () => void events.push('second'), keyed(participantLock(1), participantLock(2)));
    const seen = await whileHeld(b);
    release.open();
    await Promise.all([a, b]);
    expect(seen).toBe('waited');
    expect(events).toEqual(['first in', 'first out', 'second']);
  });
});

describe('the keys the hot paths name', () => {
  it('a participant is one key, the same wherever it is named', () => {
    expect(participantLock(42)).toBe('participant:42');
    expect(participantLock(42)).not.toBe(participantLock(420));
  });

  it('a finish names the counted-network place of its network: addresses of one network share it, others do not', () => {
    const [one] = countedNetworkLocks('203.0.113.7');
    expect(one).toBe(rateLock('counted-network', '203.0.113.0/24'));
    expect(countedNetworkLocks('203.0.113.200')).toEqual([one]);
    expect(countedNetworkLocks('::ffff:203.0.113.9')).toEqual([one]);
    expect(countedNetworkLocks('198.51.100.7')).not.toEqual([one]);
    expect(countedNetworkLocks('2001:db8:1:2::5')).toEqual(countedNetworkLocks('2001:db8:1:ffff::6'));
    // No network, no place taken (services/genuine.ts arrivalPopulation), so no key.
    expect(countedNetworkLocks(null)).toEqual([]);
    expect(countedNetworkLocks('not an address')).toEqual([]);
  });

  it('a sign-in names its account and its address', () => {
    expect(signInLocks('a@example.com', '192.0.2.1')).toEqual(['sign-in:account:a@example.com', 'sign-in:address:192.0.2.1']);
  });
});
