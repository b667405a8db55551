import { randomBytes, scryptSync } from 'node:crypto';
import type { Consultant } from '../../db/schema.ts';
import type { Store } from '../../src/server/data/store.ts';
import { insertConsultant } from '../../src/server/repositories/consultants.ts';

/**
 * A stored password hash in the production format with a cost of N = 2^10
 * instead of 2^15: verifyPassword reads the cost from the hash, so tests that
 * make hundreds of sign-in attempts check passwords in well under a
 * millisecond each, through the same code.
 */
export function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 });
  return ['scrypt', 1024, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A consultant row with a cheap hash of `password`, bypassing the password policy. */
export async function addConsultant(db: Store, email: string, password: string): Promise<Consultant> {
  return await insertConsultant(db, { email, passwordHash: cheapHash(password) });
}
