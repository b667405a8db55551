import type { Db } from '../../../db/client.ts';
import type { Consultant } from '../../../db/schema.ts';
import { findConsultantByEmail } from '../repositories/consultants.ts';
import {
  clearFailures,
  consultantOfSession,
  deleteExpiredSessions,
  deleteSession,
  failuresSince,
  insertSession,
  recordFailures,
} from '../repositories/sessions.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { hashToken, isTokenShaped, newToken } from './tokens.ts';

export const MAX_FAILURES = 5;
export const BACK_OFF_MS = 15 * 60 * 1000;
export const SESSION_MS = 12 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'vi_session';

export type SignInResult =
  | { ok: true; token: string; consultant: Consultant; expiresAt: Date }
  | { ok: false; reason: 'invalid' | 'throttled' };

/** A hash to verify against when the account does not exist, so both paths take the same time. */
let decoy: Promise<string> | undefined;

/**
 * Checks e-mail and password. Five failures for an account or an address
 * within 15 minutes refuse further attempts until the window has passed;
 * the caller shows one generic message whatever the reason.
 */
export async function signIn(db: Db, email: string, password: string, address: string, now = new Date()): Promise<SignInResult> {
  const accountKey = `email:${email.trim().toLowerCase()}`;
  const addressKey = `ip:${address}`;
  const since = new Date(now.getTime() - BACK_OFF_MS);
  if (failuresSince(db, accountKey, since) >= MAX_FAILURES || failuresSince(db, addressKey, since) >= MAX_FAILURES) {
    return { ok: false, reason: 'throttled' };
  }
  const consultant = findConsultantByEmail(db, email.trim().toLowerCase());
  decoy ??= hashPassword('decoy password for timing');
  const valid = await verifyPassword(password, consultant?.passwordHash ?? (await decoy));
  if (!consultant || !valid) {
    recordFailures(db, [accountKey, addressKey], now);
    return { ok: false, reason: 'invalid' };
  }
  clearFailures(db, accountKey);
  deleteExpiredSessions(db, now);
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_MS);
  insertSession(db, hashToken(token), consultant.id, expiresAt);
  return { ok: true, token, consultant, expiresAt };
}

export function consultantFor(db: Db, token: string | undefined, now = new Date()): Consultant | null {
  if (!isTokenShaped(token)) return null;
  return consultantOfSession(db, hashToken(token), now) ?? null;
}

export function signOut(db: Db, token: string | undefined): void {
  if (token) deleteSession(db, hashToken(token));
}
