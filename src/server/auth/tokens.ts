import { createHash, randomBytes } from 'node:crypto';

/** 128 random bits, URL-safe: 22 characters. */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Only strings of the right shape are ever hashed and looked up. */
export function isTokenShaped(token: string | undefined): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]{22}$/.test(token);
}
