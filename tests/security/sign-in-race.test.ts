import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

// Every password check goes through verifyPassword: counting its calls counts the scrypt runs a sign-in cost.
vi.mock('../../src/server/auth/password.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/server/auth/password.ts')>();
  return { ...original, verifyPassword: vi.fn(original.verifyPassword) };
});

const { verifyPassword } = await import('../../src/server/auth/password.ts');
const { signIn } = await import('../../src/server/auth/sign-in.ts');
const { SIGN_IN_LIMITS } = await import('../../src/server/auth/sign-in-limits.ts');
const { createConsultant } = await import('../../src/server/services/consultants.ts');

const PASSWORD = 'correct horse battery staple';
let t: TestStore;
beforeAll(async () => {
  t = await openTestStore();
  await createConsultant(t.db, { email: 'owner@example.com', password: PASSWORD });
});
afterAll(() => t.cleanup());

const attempts = async () => (await t.raw.get<{ n: number }>('SELECT count(*) AS n FROM sign_in_attempts'))!.n;

describe('concurrent sign-in attempts (issue 11: 40 at once ran 40 password checks where 5 are allowed)', () => {
  it(`runs at most ${SIGN_IN_LIMITS.perAccountAndAddress} password checks for 40 concurrent wrong passwords from one address`, async () => {
    vi.mocked(verifyPassword).mockClear();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(t.db, 'owner@example.com', `wrong guess number ${i}`, '198.51.100.7')),
    );
    expect(vi.mocked(verifyPassword).mock.calls.length).toBeLessThanOrEqual(SIGN_IN_LIMITS.perAccountAndAddress);
    expect(vi.mocked(verifyPassword).mock.calls.length).toBeGreaterThan(0);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(vi.mocked(verifyPassword).mock.calls.length);
    // Every checked attempt was reserved before its check, and nothing else was written.
    expect(await attempts()).toBe(SIGN_IN_LIMITS.perAccountAndAddress);
  });

  it('refuses the 41st, the right password included, without checking it', async () => {
    vi.mocked(verifyPassword).mockClear();
    const r = await signIn(t.db, 'owner@example.com', PASSWORD, '198.51.100.7');
    expect(r).toEqual({ ok: false, reason: 'throttled' });
    expect(verifyPassword).not.toHaveBeenCalled();
  });

  it(`keeps to the per-address limit (${SIGN_IN_LIMITS.perAddress}) when 60 concurrent attempts each try another account`, async () => {
    vi.mocked(verifyPassword).mockClear();
    const before = await attempts();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => signIn(t.db, `someone${i}@example.com`, 'any old password', '203.0.113.9')),
    );
    const checked = vi.mocked(verifyPassword).mock.calls.length;
    expect(checked).toBeLessThanOrEqual(SIGN_IN_LIMITS.perAddress);
    expect((await attempts()) - before).toBe(checked);
    expect(results.filter((r) => !r.ok && r.reason === 'busy').length + results.filter((r) => !r.ok && r.reason === 'throttled').length).toBe(
      60 - checked,
    );
  });
});
