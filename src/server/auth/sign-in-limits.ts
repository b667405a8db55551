import { isIPv6 } from 'node:net';

/**
 * The sign-in limits, over a sliding window of 15 minutes of attempts that
 * have not (yet) succeeded:
 *
 * - per account and address: 5. Someone guessing from one address stops
 *   there, and the owner, from any other address, is not affected.
 * - per address, across accounts: 20, so that one address cannot try a few
 *   passwords on every account.
 * - per account, from everywhere: after 10, the account backs off. An address
 *   that has already failed on it must wait between its own attempts, 1 s
 *   doubling with every further failure on the account, at most 5 minutes. An
 *   address with no failure on the account in the window (the owner's, usually)
 *   is not held back, so a guessing campaign from many addresses slows the
 *   guessers without locking the owner out.
 */
export const SIGN_IN_LIMITS = {
  windowMs: 15 * 60 * 1000,
  perAccountAndAddress: 5,
  perAddress: 20,
  accountBackOffAfter: 10,
  backOffFirstMs: 1000,
  backOffMaxMs: 5 * 60 * 1000,
} as const;

/** The attempts of the window that concern one try. */
export interface AttemptCounts {
  /** By this account from this address. */
  pair: number;
  /** From this address, on any account. */
  address: number;
  /** On this account, from any address. */
  account: number;
  /** When this address last tried this account, if it has in the window. */
  lastOfPair: Date | null;
}

export type Refusal = 'account-and-address' | 'address' | 'account-back-off';

/** How long an address with failures on an account waits between attempts, given the account's failures. */
export function backOffMs(accountFailures: number, limits = SIGN_IN_LIMITS): number {
  if (accountFailures < limits.accountBackOffAfter) return 0;
  const doublings = Math.min(accountFailures - limits.accountBackOffAfter, 30);
  return Math.min(limits.backOffFirstMs * 2 ** doublings, limits.backOffMaxMs);
}

/** Why this attempt may not be made now, or null when it may. */
export function refusal(counts: AttemptCounts, now: Date, limits = SIGN_IN_LIMITS): Refusal | null {
  if (counts.pair >= limits.perAccountAndAddress) return 'account-and-address';
  if (counts.address >= limits.perAddress) return 'address';
  if (counts.pair > 0 && counts.lastOfPair && now.getTime() - counts.lastOfPair.getTime() < backOffMs(counts.account, limits)) {
    return 'account-back-off';
  }
  return null;
}

/** The e-mail address as the limits count it: the account's key whether or not the account exists. */
export function accountKey(email: string): string {
  return email.trim().toLowerCase().slice(0, 254);
}

/**
 * The address as the limits count it. IPv4 as it is (an IPv4-mapped IPv6
 * address as its IPv4 form); IPv6 by its /64 network, since one subscriber
 * usually holds a whole /64 and could otherwise take a fresh address per try.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address.slice(0, 64);
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
