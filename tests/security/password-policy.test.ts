import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { verifyPassword } from '../../src/server/auth/password.ts';
import { passwordProblem } from '../../src/server/auth/password-policy.ts';
import { findConsultantByEmail } from '../../src/server/repositories/consultants.ts';
import { createConsultant, resetPassword } from '../../src/server/services/consultants.ts';
import { openTempDb, type TempDb } from '../helpers/temp-db.ts';

describe('the password policy (issue 11: a password of 12 spaces was accepted)', () => {
  it.each([
    ['twelve spaces', ' '.repeat(12), /only spaces/],
    ['tabs and spaces', ' \t \t \t \t \t \t', /only spaces/],
    ['eleven characters', 'Xq7!mZ2#pL9', /at least 12/],
    ['a common password padded to length', 'password1234', /too easy to guess/],
    ['a keyboard walk', 'qwertyuiop12', /too easy to guess/],
    ['a repeated character', 'aaaaaaaaaaaa', /too easy to guess/],
    ['a common password with the usual decorations', 'Password123!', /too easy to guess/],
    ['a repeated word', 'letmeinletmein', /too easy to guess/],
    ['too long', 'x'.repeat(1025), /at most 1024/],
  ])('refuses %s', (_, password, message) => {
    expect(passwordProblem(password)).toMatch(message);
  });

  it('refuses a password made of the account\'s own e-mail address', () => {
    expect(passwordProblem('ada.lovelace@example.com', ['ada.lovelace@example.com'])).toMatch(/too easy to guess/);
    expect(passwordProblem('lovelace2026!', ['ada.lovelace@example.com'])).toMatch(/too easy to guess/);
  });

  it.each(['correct horse battery staple', 'a long enough password', 'Tr0ub4dor&3-velvet', 'x7#kLm9!pQ2z'])('accepts %j', (password) => {
    expect(passwordProblem(password, ['someone@example.com'])).toBeNull();
  });
});

describe('applied wherever a password is set', () => {
  let t: TempDb;
  beforeAll(() => {
    t = openTempDb();
  });
  afterAll(() => t.cleanup());

  it.each([' '.repeat(12), 'password1234'])('user create refuses %j', async (password) => {
    await expect(createConsultant(t.db, { email: 'weak@example.com', password })).rejects.toThrow(ZodError);
    expect(await findConsultantByEmail(t.db, 'weak@example.com')).toBeUndefined();
  });

  it.each([' '.repeat(12), 'password1234'])('a password reset refuses %j and keeps the old password', async (password) => {
    await createConsultant(t.db, { email: 'reset@example.com', password: 'correct horse battery staple' }).catch(() => undefined);
    await expect(resetPassword(t.db, { email: 'reset@example.com', password })).rejects.toThrow(ZodError);
    expect(await verifyPassword('correct horse battery staple', (await findConsultantByEmail(t.db, 'reset@example.com'))!.passwordHash)).toBe(true);
  });
});
