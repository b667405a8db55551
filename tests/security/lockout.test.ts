import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signIn } from '../../src/server/auth/sign-in.ts';
import { addressKey, backOffMs, SIGN_IN_LIMITS } from '../../src/server/auth/sign-in-limits.ts';
import { parseConfig } from '../../src/server/config.ts';
import { clientAddress } from '../../src/server/http/client-address.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const PASSWORD = 'correct horse battery staple';
const OWNER = 'owner@example.com';
const T0 = new Date('2026-12-01T09:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MINUTE = 60_000;

let t: TestStore;
/** A fresh database for each test of a describe block: the owner, a colleague, and accounts that attackers try. */
function freshDatabase() {
  beforeEach(async () => {
    t = await openTestStore();
    for (const email of [OWNER, 'colleague@example.com', ...Array.from({ length: 20 }, (_, i) => `victim${i}@example.com`)]) {
      await addConsultant(t.db, email, PASSWORD);
    }
  });
  afterEach(() => t.cleanup());
}

/** `n` wrong passwords for `email` from `address`, one after another. */
async function fail(email: string, address: string, n: number, when = T0) {
  for (let i = 0; i < n; i++) await signIn(t.db, email, `wrong guess ${i} for ${email}`, address, when);
}

describe('wrong passwords from one address (issue 11: five locked the account for everyone)', () => {
  freshDatabase();

  it('do not stop the owner signing in from another address', async () => {
    await fail(OWNER, '198.51.100.66', 5);
    const owner = await signIn(t.db, OWNER, PASSWORD, '203.0.113.10', at(1000));
    expect(owner.ok).toBe(true);
  });

  it('stop that address trying the account, even with the right password, for the window', async () => {
    await fail(OWNER, '198.51.100.66', SIGN_IN_LIMITS.perAccountAndAddress);
    expect(await signIn(t.db, OWNER, PASSWORD, '198.51.100.66', at(MINUTE))).toEqual({ ok: false, reason: 'throttled' });
    expect((await signIn(t.db, OWNER, PASSWORD, '198.51.100.66', at(SIGN_IN_LIMITS.windowMs + 1000))).ok).toBe(true);
  });

  it('do not stop other accounts signing in from behind the same address below the per-address limit', async () => {
    await fail(OWNER, '198.51.100.66', 5);
    expect((await signIn(t.db, 'colleague@example.com', PASSWORD, '198.51.100.66', at(1000))).ok).toBe(true);
  });
});

describe('one address trying many accounts', () => {
  freshDatabase();

  it(`is refused after ${SIGN_IN_LIMITS.perAddress} failures across accounts, also on an account it never tried`, async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++) await fail(`victim${i}@example.com`, '198.51.100.66', 1);
    expect(await signIn(t.db, 'colleague@example.com', PASSWORD, '198.51.100.66', at(1000))).toEqual({ ok: false, reason: 'throttled' });
    expect((await signIn(t.db, 'colleague@example.com', PASSWORD, '203.0.113.10', at(1000))).ok).toBe(true);
  });

  it('counts an IPv6 client by its /64, so fresh addresses from one network do not reset the limit', async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.perAccountAndAddress; i++) await fail(OWNER, `2001:db8:1:2::${(i + 1).toString(16)}`, 1);
    expect(await signIn(t.db, OWNER, PASSWORD, '2001:db8:1:2:ffff::1', at(1000))).toEqual({ ok: false, reason: 'throttled' });
    expect((await signIn(t.db, OWNER, PASSWORD, '2001:db8:1:3::1', at(1000))).ok).toBe(true);
  });
});

describe('a guessing campaign from many addresses', () => {
  freshDatabase();
  const ATTACKERS = Array.from({ length: 30 }, (_, i) => `198.51.100.${i + 1}`);

  it('backs the account off for addresses that have failed on it, but lets the owner in from a fresh address', async () => {
    for (const a of ATTACKERS) await fail(OWNER, a, 2);
    const failures = ATTACKERS.length * 2;
    expect(backOffMs(failures)).toBe(SIGN_IN_LIMITS.backOffMaxMs);
    // An attacker's third try right away is refused without a password check, whatever it guesses.
    expect(await signIn(t.db, OWNER, PASSWORD, ATTACKERS[0]!, at(1000))).toEqual({ ok: false, reason: 'throttled' });
    // The owner, from an address with no failure on the account, is not held back.
    expect((await signIn(t.db, OWNER, PASSWORD, '203.0.113.10', at(1000))).ok).toBe(true);
    // Once the back-off has passed, an address that failed may try again.
    expect((await signIn(t.db, OWNER, PASSWORD, ATTACKERS[1]!, at(SIGN_IN_LIMITS.backOffMaxMs + 1000))).ok).toBe(true);
  });

  it('lets the owner in after typos of their own, once the back-off has passed (never a lock-out while attacks go on)', async () => {
    for (const a of ATTACKERS) await fail(OWNER, a, 1);
    await fail(OWNER, '203.0.113.10', 2, at(1000));
    expect(await signIn(t.db, OWNER, PASSWORD, '203.0.113.10', at(2000))).toEqual({ ok: false, reason: 'throttled' });
    // The attack carries on ...
    for (const a of ATTACKERS.map((x) => x.replace('198.51.100.', '192.0.2.'))) await fail(OWNER, a, 1, at(3000));
    // ... and the owner still gets in when their own back-off has passed.
    expect((await signIn(t.db, OWNER, PASSWORD, '203.0.113.10', at(1000 + SIGN_IN_LIMITS.backOffMaxMs + 1000))).ok).toBe(true);
  });

  it('a successful sign-in forgets only its own address\'s failures on the account', async () => {
    for (const a of ATTACKERS.slice(0, 12)) await fail(OWNER, a, 1);
    await fail(OWNER, '203.0.113.10', 1, at(1000));
    expect((await signIn(t.db, OWNER, PASSWORD, '203.0.113.10', at(1000 + backOffMs(13) + 1))).ok).toBe(true);
    // Compared as JavaScript sorts them, whatever order the database's collation gives.
    const left = await t.raw.all<{ address: string }>('SELECT address FROM sign_in_attempts');
    expect(left.map((r) => r.address).sort()).toEqual(ATTACKERS.slice(0, 12).sort());
  });
});

describe('backOffMs', () => {
  it.each([
    [0, 0],
    [SIGN_IN_LIMITS.accountBackOffAfter - 1, 0],
    [SIGN_IN_LIMITS.accountBackOffAfter, 1000],
    [SIGN_IN_LIMITS.accountBackOffAfter + 3, 8000],
    [SIGN_IN_LIMITS.accountBackOffAfter + 40, SIGN_IN_LIMITS.backOffMaxMs],
    [1_000_000, SIGN_IN_LIMITS.backOffMaxMs],
  ])('after %i failures on the account: %i ms', (failures, ms) => {
    expect(backOffMs(failures)).toBe(ms);
  });
});

describe('addressKey', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1:2:3:4', 'fe80:0:0:0::/64'],
  ])('%s counts as %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});

describe('the client address behind a proxy', () => {
  const request = (xff?: string) => new Request('http://localhost/consultant/sign-in', { headers: xff ? { 'x-forwarded-for': xff } : {} });

  it('ignores X-Forwarded-For unless the request comes from a trusted proxy (a client cannot choose its address)', () => {
    expect(clientAddress(request('203.0.113.99'), '198.51.100.66', [])).toBe('198.51.100.66');
    expect(clientAddress(request('203.0.113.99'), '198.51.100.66', ['127.0.0.1'])).toBe('198.51.100.66');
  });

  it('reads a trusted proxy\'s X-Forwarded-For from the right, past further trusted proxies, never the spoofable left', () => {
    expect(clientAddress(request('203.0.113.99'), '127.0.0.1', ['127.0.0.1'])).toBe('203.0.113.99');
    expect(clientAddress(request('6.6.6.6, 203.0.113.99'), '127.0.0.1', ['127.0.0.1'])).toBe('203.0.113.99');
    expect(clientAddress(request('6.6.6.6, 203.0.113.99, 10.0.0.2'), '::ffff:127.0.0.1', ['127.0.0.1', '10.0.0.2'])).toBe('203.0.113.99');
    expect(clientAddress(request('not an address'), '127.0.0.1', ['127.0.0.1'])).toBe('127.0.0.1');
    expect(clientAddress(request(), '127.0.0.1', ['127.0.0.1'])).toBe('127.0.0.1');
  });

  it('trusts the proxies of TRUST_PROXY, none by default', () => {
    expect(parseConfig({}).TRUST_PROXY).toEqual([]);
    const trusted = parseConfig({ TRUST_PROXY: '127.0.0.1, ::1' }).TRUST_PROXY;
    expect(clientAddress(request('203.0.113.99'), '::1', trusted)).toBe('203.0.113.99');
  });
});
