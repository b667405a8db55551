import type { Consultant } from '../../../db/schema.ts';
import { transaction, type Store } from '../data/store.ts';
import { findConsultantByEmail } from '../repositories/consultants.ts';
import { consultantOfSession, deleteExpiredSessions, deleteSession, insertSession } from '../repositories/sessions.ts';
import { countAttempts, deleteAttemptsBefore, deleteAttemptsOfPair, insertAttempt } from '../repositories/sign-in-attempts.ts';
import { HashGate } from './hash-gate.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { accountKey, addressKey, refusal, SIGN_IN_LIMITS } from './sign-in-limits.ts';
import { hashToken, isTokenShaped, newToken } from './tokens.ts';
import { signInLocks } from '../lock-keys.ts';

export const SESSION_MS = 12 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'vi_session';
/** Seconds a refused sign-in is told to wait when every password-check place is taken. */
export const BUSY_RETRY_AFTER_S = 2;

/** Two password checks at a time and eight in line: at most five scrypt runs' wait (a few hundred milliseconds on a quiet machine). */
export const hashGate = new HashGate(2, 8);

export type SignInResult =
  | { ok: true; token: string; consultant: Consultant; expiresAt: Date }
  | { ok: false; reason: 'invalid' | 'throttled' }
  | { ok: false; reason: 'busy'; retryAfterSeconds: number };

/** A hash to verify against when the account does not exist, so both paths take the same time. */
let decoy: Promise<string> | undefined;

/** Old attempts are swept out at most once a minute, not on every try. */
let lastSweep = 0;

/**
 * Reserves the attempt before any password is checked: the count and the
 * insert run in one IMMEDIATE transaction, so concurrent requests cannot both
 * pass the limit on the last free place: those of this process because the
 * Store's transaction holds the connection until it ends (another request's
 * query waits for it), those of other processes on the same file because
 * BEGIN IMMEDIATE takes the write lock before the count. The row stays as a
 * failure unless the sign-in succeeds.
 */
async function reserveAttempt(db: Store, account: string, address: string, now: Date): Promise<boolean> {
  return transaction(
    db,
    async (tx) => {
      if (now.getTime() - lastSweep > 60_000) {
        lastSweep = now.getTime();
        await deleteAttemptsBefore(tx, new Date(now.getTime() - SIGN_IN_LIMITS.windowMs));
      }
      const counts = await countAttempts(tx, account, address, new Date(now.getTime() - SIGN_IN_LIMITS.windowMs));
      if (refusal(counts, now)) return false;
      await insertAttempt(tx, account, address, now);
      return true;
    },
    // PostgreSQL: the limits count this account's attempts, this address's and the pair's, so the count and the insert
    // are one step under the account's key and the address's; attempts on other accounts from other addresses run
    // beside. The sweep, across accounts, deletes only attempts older than the window: a count beside it may see them
    // or not, as one made just before or just after it would.
    { behavior: 'immediate', locks: signInLocks(account, address) },
  );
}

/**
 * Checks e-mail and password within the limits of sign-in-limits.ts. A
 * refused or failed attempt gets one generic answer whatever the reason
 * ('invalid' or 'throttled', shown alike); 'busy' means every password-check
 * place is taken, which says nothing about the account.
 */
export async function signIn(db: Store, email: string, password: string, address: string, now = new Date()): Promise<SignInResult> {
  const account = accountKey(email);
  const from = addressKey(address);
  // The place is taken before the first await (a full gate refuses before anything is reserved); the reservation after it is atomic by its own transaction, however requests interleave.
  const place = hashGate.enter();
  if (!place) return { ok: false, reason: 'busy', retryAfterSeconds: BUSY_RETRY_AFTER_S };
  try {
    if (!(await reserveAttempt(db, account, from, now))) return { ok: false, reason: 'throttled' };
    await place.turn;
    const consultant = await findConsultantByEmail(db, account);
    decoy ??= hashPassword('decoy password for timing');
    const valid = await verifyPassword(password, consultant?.passwordHash ?? (await decoy));
    if (!consultant || !valid || consultant.disabledAt) return { ok: false, reason: 'invalid' };
    const token = newToken();
    const expiresAt = new Date(now.getTime() + SESSION_MS);
    await transaction(
      db,
      async (tx) => {
        await deleteAttemptsOfPair(tx, account, from);
        await deleteExpiredSessions(tx, now);
        await insertSession(tx, hashToken(token), consultant.id, expiresAt);
      },
      // The pair's attempts are forgotten under the pair's keys, as they were reserved; the session is a new row
      // (its token is unique), and expired sessions are gone for everyone alike, so sign-ins of others run beside.
      { behavior: 'immediate', locks: signInLocks(account, from) },
    );
    return { ok: true, token, consultant, expiresAt };
  } finally {
    place.leave();
  }
}

export async function consultantFor(db: Store, token: string | undefined, now = new Date()): Promise<Consultant | null> {
  if (!isTokenShaped(token)) return null;
  return (await consultantOfSession(db, hashToken(token), now)) ?? null;
}

export async function signOut(db: Store, token: string | undefined): Promise<void> {
  if (token) await deleteSession(db, hashToken(token));
}
