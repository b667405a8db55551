import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../../src/server/auth/password.ts';
import { consultantFor, signIn } from '../../src/server/auth/sign-in.ts';
import { findConsultantByEmail, insertConsultant, listConsultants } from '../../src/server/repositories/consultants.ts';
import { insertSession } from '../../src/server/repositories/sessions.ts';
import {
  ConsultantExistsError,
  ConsultantHasStudiesError,
  ConsultantNotFoundError,
  createConsultant,
  deleteConsultant,
  resetPassword,
  setConsultantDisabled,
} from '../../src/server/services/consultants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

let t: TestStore;
beforeAll(async () => {
  t = await openTestStore();
});
afterAll(() => t.cleanup());

const password = 'correct horse battery staple';

describe('createConsultant', () => {
  it('stores an scrypt hash, never the password', async () => {
    const c = await createConsultant(t.db, { email: 'Ada@Example.com', name: 'Ada', password });
    expect(c.email).toBe('ada@example.com');
    const stored = (await findConsultantByEmail(t.db, 'ada@example.com'))!;
    expect(stored.passwordHash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/);
    expect(stored.passwordHash).not.toContain(password);
    const raw = JSON.stringify(await t.raw.all('SELECT * FROM consultants'));
    expect(raw).not.toContain(password);
    expect(await verifyPassword(password, stored.passwordHash)).toBe(true);
  });

  it.each(['ada@example.com', 'ADA@example.COM'])('refuses a second consultant with the e-mail %s', async (email) => {
    await expect(createConsultant(t.db, { email, password: 'another long password' })).rejects.toThrow(ConsultantExistsError);
    expect(await t.raw.get('SELECT count(*) AS n FROM consultants')).toEqual({ n: 1 });
  });

  it(`refuses a password shorter than ${MIN_PASSWORD_LENGTH} characters`, async () => {
    const short = 'x'.repeat(MIN_PASSWORD_LENGTH - 1);
    const attempt = createConsultant(t.db, { email: 'bob@example.com', password: short });
    await expect(attempt).rejects.toThrow(ZodError);
    await expect(attempt).rejects.toThrow(/at least 12/);
    expect(await findConsultantByEmail(t.db, 'bob@example.com')).toBeUndefined();
  });

  it('refuses an address that is not an e-mail address', async () => {
    await expect(createConsultant(t.db, { email: 'not-an-address', password })).rejects.toThrow(ZodError);
  });
});

describe('account management', () => {
  it('a disabled account cannot sign in, and its sessions end at once; enabled, it signs in again', async () => {
    await createConsultant(t.db, { email: 'dis@example.com', password });
    const before = await signIn(t.db, 'dis@example.com', password, '192.0.2.1');
    if (!before.ok) throw new Error('the first sign-in should succeed');
    expect((await consultantFor(t.db, before.token))?.email).toBe('dis@example.com');

    const off = await setConsultantDisabled(t.db, 'dis@example.com', true);
    expect(off).toMatchObject({ changed: true, endedSessions: 1 });
    expect(await consultantFor(t.db, before.token)).toBeNull();
    expect(await signIn(t.db, 'dis@example.com', password, '192.0.2.2')).toEqual({ ok: false, reason: 'invalid' });

    expect((await setConsultantDisabled(t.db, 'dis@example.com', false)).changed).toBe(true);
    expect((await signIn(t.db, 'dis@example.com', password, '192.0.2.3')).ok).toBe(true);
  });

  it('a session whose account is disabled behind its back (another process) is not honoured', async () => {
    const r = await signIn(t.db, 'dis@example.com', password, '192.0.2.4');
    if (!r.ok) throw new Error('sign-in should succeed');
    await t.raw.run("UPDATE consultants SET disabled_at = ? WHERE email = 'dis@example.com'", t.raw.at(Date.now()));
    expect(await consultantFor(t.db, r.token)).toBeNull();
    await t.raw.run("UPDATE consultants SET disabled_at = NULL WHERE email = 'dis@example.com'");
  });

  it('a password reset ends the sessions and lets the owner in at once, even from an address that had failed', async () => {
    for (let i = 0; i < 5; i++) await signIn(t.db, 'dis@example.com', `forgotten ${i} password`, '192.0.2.9');
    const fresh = 'violet lantern orchard compass';
    const { endedSessions } = await resetPassword(t.db, { email: 'DIS@example.com', password: fresh });
    expect(endedSessions).toBeGreaterThan(0);
    expect((await signIn(t.db, 'dis@example.com', fresh, '192.0.2.9')).ok).toBe(true);
    expect((await signIn(t.db, 'dis@example.com', password, '192.0.2.10')).ok).toBe(false);
  });

  it('deletes an account without studies and refuses one with studies', async () => {
    const c = (await findConsultantByEmail(t.db, 'dis@example.com'))!;
    await t.raw.run("INSERT INTO studies (consultant_id, name, invite_token) VALUES (?, 'Kept', 'delete-refused-study')", c.id);
    await expect(deleteConsultant(t.db, 'dis@example.com')).rejects.toThrow(ConsultantHasStudiesError);
    expect(await findConsultantByEmail(t.db, 'dis@example.com')).toBeDefined();
    await t.raw.run("DELETE FROM studies WHERE invite_token = 'delete-refused-study'");
    expect((await deleteConsultant(t.db, 'dis@example.com')).email).toBe('dis@example.com');
    expect(await findConsultantByEmail(t.db, 'dis@example.com')).toBeUndefined();
    expect(await t.raw.get('SELECT count(*) AS n FROM sessions WHERE consultant_id = ?', c.id)).toEqual({ n: 0 });
    await expect(deleteConsultant(t.db, 'dis@example.com')).rejects.toThrow(ConsultantNotFoundError);
  });
});

describe('listConsultants', () => {
  it('lists every consultant by e-mail in byte order, with their studies and live sessions as numbers', async () => {
    const s = await openTestStore();
    try {
      const now = new Date('2031-01-01T12:00:00Z');
      // Byte order puts "Zed" before "amy", as SQLite does; a locale's order would not.
      const amy = await insertConsultant(s.db, { email: 'amy@example.com', name: 'Amy', passwordHash: 'x' });
      await insertConsultant(s.db, { email: 'Zed@example.com', passwordHash: 'x' });
      for (const token of ['s-one', 's-two']) await s.raw.run("INSERT INTO studies (consultant_id, name, invite_token) VALUES (?, 'S', ?)", amy.id, token);
      await insertSession(s.db, 'live-session', amy.id, new Date(now.getTime() + 60_000));
      await insertSession(s.db, 'expired-session', amy.id, new Date(now.getTime() - 60_000));
      const listed = await listConsultants(s.db, now);
      expect(listed.map((c) => [c.email, c.studies, c.liveSessions])).toEqual([
        ['Zed@example.com', 0, 0],
        ['amy@example.com', 2, 1],
      ]);
      expect(listed[1]).toMatchObject({ id: amy.id, name: 'Amy', disabledAt: null });
      expect(listed[1]!.createdAt).toBeInstanceOf(Date);
    } finally {
      await s.cleanup();
    }
  });
});

describe('verifyPassword', () => {
  let hash: string;
  beforeAll(async () => {
    hash = await hashPassword(password);
  });

  it('accepts the right password', async () => {
    expect(await verifyPassword(password, hash)).toBe(true);
  });

  it.each(['wrong password entirely', `${password} `, password.toUpperCase(), ''])('refuses %j', async (attempt) => {
    expect(await verifyPassword(attempt, hash)).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const again = await hashPassword(password);
    expect(again).not.toBe(hash);
    expect(await verifyPassword(password, again)).toBe(true);
  });

  it.each(['', 'bcrypt$1$2$3$abc$def', 'scrypt$32768$8$1$onlysalt'])('refuses a malformed stored hash %j', async (stored) => {
    expect(await verifyPassword(password, stored)).toBe(false);
  });

  // A damaged row must read as a wrong password, as the malformed hashes above do, not throw out of sign-in.
  it.each(['abc', '3'])('refuses a stored hash whose scrypt parameter N is %j', async (n) => {
    const [scheme, , r, p, salt, key] = hash.split('$');
    await expect(verifyPassword(password, [scheme, n, r, p, salt, key].join('$'))).resolves.toBe(false);
  });
});
