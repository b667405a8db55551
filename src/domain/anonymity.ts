/**
 * The one anonymity rule (SPEC section 3b): whether a figure built from other
 * people's data may be shown to a reader. Every page, report and export asks
 * here rather than comparing with k itself. In short:
 *
 * - a figure needs at least k contributors once the reader's own data is left
 *   out (`mayShow`);
 * - no minimum or maximum of individuals is ever published; medians and
 *   quartiles only from 2k values (`mayShowQuantiles`), so a group of k to
 *   2k − 1 gives its size only; every published score is a whole point, in
 *   text and in markup (`publishedScore`), and a top-performer comparison
 *   needs k on each side, which makes 2k at least;
 * - groups of one partition are hidden together so that their total is 0 or
 *   at least k, never a size to be had by subtraction (`suppressGroups`);
 * - a company's figures, and each role group within them, combine their first
 *   k + 1, 2k + 1 … members in the order they finished (`publishedMembers`),
 *   and wait for k + 1 newcomers after a published member deletes
 *   (`floorAfterDeletion`), so comparing figures over time never isolates one
 *   person.
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

/**
 * Medians and quartiles of other people's scores need at least 2k values: with
 * fewer, a quartile sits on or next to one member's own score often enough to
 * point at them, and a group of exactly k would publish every member.
 * Minima and maxima are never published.
 */
export function mayShowQuantiles(count: number, k: number): boolean {
  return count >= quantileMinimum(k);
}

/** How many values a median or quartile of other people's data needs: 2k. */
export function quantileMinimum(k: number): number {
  return 2 * k;
}

/** Scores computed from other people are published at whole points, in text and in markup alike. */
export function publishedScore(score: number): number {
  return Math.round(score);
}

/**
 * Counts of other people per band, as published: a band holding fewer than k
 * people is shown empty, since a count of one or two points at who is in it.
 */
export function publishedCounts(counts: readonly number[], k: number): { counts: number[]; emptied: boolean } {
  const shown = counts.map((n) => (n >= k ? n : 0));
  return { counts: shown, emptied: shown.some((n, i) => n !== counts[i]) };
}

/**
 * Complementary suppression over the groups of one partition (the groups of
 * one dimension in one population), given their sizes: which to hide. A
 * group below k is hidden; when the hidden groups together hold between 1
 * and k − 1 people, the total of the population less the groups shown would
 * give their size (28 − 26 = 2), so the smallest shown groups are hidden too
 * until the hidden total is 0 or at least k. Groups of size 0 do not exist and
 * are neither. When every group ends up hidden, nothing is shown to subtract
 * from.
 */
export function suppressGroups(sizes: readonly number[], k: number): boolean[] {
  const hidden = sizes.map((n) => n > 0 && n < k);
  let hiddenTotal = sizes.reduce((s, n, i) => s + (hidden[i] ? n : 0), 0);
  while (hiddenTotal > 0 && hiddenTotal < k) {
    let smallest = -1;
    for (let i = 0; i < sizes.length; i++) {
      // Ties go to the later group, so that the order of the instrument decides and the result is the same every time.
      if (!hidden[i] && sizes[i]! > 0 && (smallest < 0 || sizes[i]! <= sizes[smallest]!)) smallest = i;
    }
    if (smallest < 0) break;
    hidden[smallest] = true;
    hiddenTotal += sizes[smallest]!;
  }
  return hidden;
}

/**
 * How many of a group's members, taken in the order they joined, its published
 * figures combine: none below k + 1, then k + 1, 2k + 1, 3k + 1 … Growing only
 * in steps of k means that comparing the figures before and after an update
 * gives the sum of at least k newcomers, never one colleague's answers; and
 * k + 1 leaves every member reading them k others besides themselves.
 */
export function publishedMembers(count: number, k: number, floor = 0): number {
  if (k === 0) return count;
  const first = Math.max(k + 1, floor);
  if (count < first) return 0;
  return first + Math.floor((count - first) / k) * k;
}

/**
 * When a respondent whose answers were in `published` company figures deletes
 * them, the next figures must bring in k + 1 respondents beyond the ones who
 * stay: otherwise the figures before and after would differ by the deleted
 * person against the one next in line, and the reader could be that one.
 */
export function floorAfterDeletion(published: number, k: number): number {
  return published - 1 + k + 1;
}
