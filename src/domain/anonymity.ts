/**
 * The one anonymity rule (SPEC section 3b): whether a figure built from other
 * people's data may be shown to a reader. Every page, report and export asks
 * here rather than comparing with k itself.
 */

export interface Contributors {
  /** People whose data the figure is computed from, the reader included when they are one of them. */
  count: number;
  /** The reader is one of the contributors: their own data is left out before counting. */
  readerIncluded: boolean;
}

/** Contributors other than the reader: the reader can always subtract their own data. */
export function othersThanReader(c: Contributors): number {
  return Math.max(0, c.count - (c.readerIncluded ? 1 : 0));
}

/** At least k contributors after the reader's own data is left out. */
export function mayShow(c: Contributors, k: number): boolean {
  return othersThanReader(c) >= k;
}

/** How many more contributors a figure needs before it may be shown to this reader; 0 when it may. */
export function contributorsStillNeeded(c: Contributors, k: number): number {
  return Math.max(0, k - othersThanReader(c));
}

/**
 * Medians and quartiles of other people's scores need at least 2k values: with
 * fewer, a quartile sits on or next to one member's own score often enough to
 * point at them, and a group of exactly k would publish every member.
 * Minima and maxima are never published.
 */
export function mayShowQuantiles(count: number, k: number): boolean {
  return count >= 2 * k;
}

/** Scores computed from other people are published at whole points, in text and in markup alike. */
export function publishedScore(score: number): number {
  return Math.round(score);
}
