import { FINE_BUCKETS, hundredths, industryEmployeesKey, INDUSTRY_EMPLOYEES, type StatDimension } from './peer-stats.ts';
import { interpolate, quantilePosition, type PeerProfile, type Quartiles } from './peers.ts';

/**
 * One score of one peer group as counts per hundredth: index h holds how many
 * members scored exactly h / 100. Scores are stored at two decimals, so these
 * counts answer every figure the sorted scores would, exactly, in time that
 * does not grow with the group: a few passes over 10,001 numbers.
 */
export type FineCounts = Int32Array;

export function emptyFineCounts(): FineCounts {
  return new Int32Array(FINE_BUCKETS);
}

/**
 * Takes scores out of the counts: the subject's company, or the subject, who
 * are never their own peers. Returns false when a score was not counted
 * (counts out of step with the scores), so the caller can fall back.
 */
export function leaveOut(fine: FineCounts, scores: readonly (number | null)[]): boolean {
  for (const s of scores) {
    if (s === null) continue;
    const h = hundredths(s);
    if (fine[h]! <= 0) return false;
    fine[h]!--;
  }
  return true;
}

export function totalOf(fine: FineCounts): number {
  let n = 0;
  for (let h = 0; h < fine.length; h++) n += fine[h]!;
  return n;
}

/**
 * The highest hundredth whose score is at most `value` (-1 when none is).
 * Compared as stored doubles (h / 100), the way SQL compares `score <= value`,
 * so a value such as a company's mean with more decimals lands on the same side.
 */
export function lastHundredthAtMost(value: number): number {
  let h = Math.min(FINE_BUCKETS - 1, Math.max(-1, Math.floor(value * 100)));
  while (h + 1 < FINE_BUCKETS && (h + 1) / 100 <= value) h++;
  while (h >= 0 && h / 100 > value) h--;
  return h;
}

/** Members with a score, and how many of them score `value` or less (ties are not better). */
export function countAtMostIn(fine: FineCounts, value: number): { size: number; notBetter: number } {
  const last = lastHundredthAtMost(value);
  let size = 0;
  let notBetter = 0;
  for (let h = 0; h < fine.length; h++) {
    size += fine[h]!;
    if (h <= last) notBetter += fine[h]!;
  }
  return { size, notBetter };
}

/**
 * Type-7 quartiles, the same figures as sorting the scores (the values at
 * ranks are the stored doubles h / 100, interpolated the same way). Null
 * below `minSize` (anonymity) or when nobody has a score.
 */
export function quartilesIn(fine: FineCounts, minSize: number): Quartiles | null {
  const n = totalOf(fine);
  if (n === 0 || n < minSize) return null;
  const ranks: number[] = [];
  const ps = [0, 0.25, 0.5, 0.75, 1];
  const positions = ps.map((p) => quantilePosition(n, p));
  for (const { lo, hi } of positions) ranks.push(lo, hi);
  const values = valuesAtRanks(fine, ranks);
  const [min, q1, median, q3, max] = positions.map(({ frac }, i) => {
    const loValue = values[2 * i]!;
    return frac === 0 ? loValue : interpolate(loValue, values[2 * i + 1]!, frac);
  });
  return { n, min: min!, q1: q1!, median: median!, q3: q3!, max: max! };
}

/** The scores at 0-based ranks in ascending order, in one pass. */
function valuesAtRanks(fine: FineCounts, ranks: readonly number[]): number[] {
  const order = ranks.map((r, i) => ({ r, i })).sort((a, b) => a.r - b.r);
  const out = new Array<number>(ranks.length);
  let k = 0;
  let before = 0;
  for (let h = 0; h < fine.length && k < order.length; h++) {
    before += fine[h]!;
    while (k < order.length && order[k]!.r < before) out[order[k++]!.i] = h / 100;
  }
  if (k < order.length) throw new RangeError(`rank ${order[k]!.r} is outside a group of ${before}`);
  return out;
}

/** Counts in ten-point bands, 0-10 … 90-100 (100 falls in the top band), banded as SQL bands the stored doubles. */
export function histogramIn(fine: FineCounts): number[] {
  const bins = new Array<number>(10).fill(0);
  for (let h = 0; h < fine.length; h++) {
    if (fine[h] !== 0) bins[Math.min(Math.trunc(h / 100 / 10), 9)]! += fine[h]!;
  }
  return bins;
}

/** Where the kept statistics hold a peer group (src/domain/peers.ts): its dimension and key. */
export function statGroupOf(where: Partial<PeerProfile>): { dimension: StatDimension; key: string } {
  if (where.industry !== undefined && where.employees !== undefined) return { dimension: INDUSTRY_EMPLOYEES, key: industryEmployeesKey(where.industry, where.employees) };
  if (where.industry !== undefined) return { dimension: 'industry', key: where.industry };
  if (where.employees !== undefined) return { dimension: 'employees', key: where.employees };
  return { dimension: 'all', key: '' };
}

/** Whether a score belongs to a peer group. */
export function inGroup(where: Partial<PeerProfile>, row: PeerProfile): boolean {
  return (where.industry === undefined || where.industry === row.industry) && (where.employees === undefined || where.employees === row.employees);
}
