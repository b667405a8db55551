/**
 * Peer statistics: the peer-relative score, quartiles and the choice of peer
 * group. The database answers counts and picks values by rank; the maths of
 * what to ask for and how to combine the answers lives here.
 */

export const DEFAULT_MIN_GROUP = 5;

/**
 * The share (0-100) of the peers who did not score better than the subject.
 * Ties are not better. `notBetter` and `size` exclude the subject itself.
 */
export function relativeFromCounts(notBetter: number, size: number): number | null {
  if (size <= 0) return null;
  return (100 * notBetter) / size;
}

/** Brute-force reference: `peers` must not contain the subject. */
export function peerRelative(subject: number, peers: readonly number[]): number | null {
  return relativeFromCounts(peers.filter((p) => p <= subject).length, peers.length);
}

/**
 * Where the p-quantile sits in a sorted list of n values (linear
 * interpolation between closest ranks, as R's type 7 and numpy's default):
 * the value at `lo`, moved `frac` of the way to the value at `hi`.
 */
export function quantilePosition(n: number, p: number): { lo: number; hi: number; frac: number } {
  if (n <= 0) throw new Error('quantile of an empty group');
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  return { lo, hi: Math.min(lo + 1, n - 1), frac: h - lo };
}

export function interpolate(loValue: number, hiValue: number, frac: number): number {
  return loValue + frac * (hiValue - loValue);
}

export function quantile(sorted: readonly number[], p: number): number {
  const { lo, hi, frac } = quantilePosition(sorted.length, p);
  return interpolate(sorted[lo]!, sorted[hi]!, frac);
}

export interface Quartiles {
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

export function quartiles(values: readonly number[]): Quartiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0]!,
    q1: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q3: quantile(sorted, 0.75),
    max: sorted.at(-1)!,
  };
}

/** A peer dimension stored beside every score. */
export type PeerDimension = 'industry' | 'employees';

export interface PeerProfile {
  industry: string;
  employees: string;
}

export interface PeerGroupKey {
  /** Stable id for URLs and caches, e.g. "industry+employees". */
  id: 'industry+employees' | 'industry' | 'employees' | 'everyone';
  /** The dimensions fixed for this group, with the subject's values. */
  where: Partial<PeerProfile>;
}

/** Most specific first: industry × employees band → industry → employees band → everyone. */
export function peerGroupCandidates(profile: PeerProfile): PeerGroupKey[] {
  return [
    { id: 'industry+employees', where: { industry: profile.industry, employees: profile.employees } },
    { id: 'industry', where: { industry: profile.industry } },
    { id: 'employees', where: { employees: profile.employees } },
    { id: 'everyone', where: {} },
  ];
}

export interface ChosenPeerGroup extends PeerGroupKey {
  /** Members other than the subject. */
  size: number;
}

/**
 * The first candidate with at least `minSize` members besides the subject,
 * or null when even everyone is too few to show (anonymity).
 */
export function choosePeerGroup(
  candidates: readonly PeerGroupKey[],
  sizeOf: (group: PeerGroupKey) => number,
  minSize: number = DEFAULT_MIN_GROUP,
): ChosenPeerGroup | null {
  for (const group of candidates) {
    const size = sizeOf(group);
    if (size >= minSize) return { ...group, size };
  }
  return null;
}

/** The group in words, e.g. "Software and SaaS, 250–999 employees". */
export function describePeerGroup(group: PeerGroupKey, label: (dimension: PeerDimension, value: string) => string): string {
  const industry = group.where.industry === undefined ? null : label('industry', group.where.industry);
  const employees = group.where.employees === undefined ? null : `${label('employees', group.where.employees)} employees`;
  if (industry && employees) return `${industry}, ${employees}`;
  if (industry) return `${industry}, all company sizes`;
  if (employees) return `All industries, ${employees}`;
  return 'All participants';
}
