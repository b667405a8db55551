import { interpolate, quantilePosition, type Quartiles } from './peers.ts';

/**
 * Peer statistics kept as counts instead of recomputed from the population.
 *
 * Scores are stored at two decimals, so a score is exactly one of 10,001
 * "hundredths" buckets: counting participants per bucket loses nothing, and
 * any quantile follows from cumulative counts. Counts are kept per whole
 * point (101 of them per group and score), each with the counts of its 100
 * hundredths beside it: the whole points find the right point quickly, the
 * hundredths inside it give the exact value. Item sums per whole point of
 * the Velocity Index give the mean item scores of the top and bottom of a
 * group.
 */

/** Peer dimensions a consultant can compare by, in the order offered. */
export const COMPARE_DIMENSIONS = ['industry', 'employees', 'salesTeam', 'region', 'motion', 'role'] as const;
export type CompareDimension = (typeof COMPARE_DIMENSIONS)[number];
/**
 * "all" is the whole population, with the empty key. "industry+employees" is
 * the most specific peer group of a participant's results and reports
 * (src/domain/peers.ts), keyed by industryEmployeesKey; a consultant does not
 * compare by it.
 */
export type StatDimension = 'all' | CompareDimension | typeof INDUSTRY_EMPLOYEES;
export const INDUSTRY_EMPLOYEES = 'industry+employees';

/** The key of an industry × employees band group; choice ids never hold the separator. */
export function industryEmployeesKey(industry: string, employees: string): string {
  return `${industry}|${employees}`;
}

/** The Velocity Index and its four sub-indices. */
export const MEASURES = ['velocity', 'value', 'number', 'winRate', 'cycle'] as const;
export type Measure = (typeof MEASURES)[number];

export const FINE_BUCKETS = 10_001;
export const POINT_BUCKETS = 101;

export function hundredths(score: number): number {
  return Math.min(FINE_BUCKETS - 1, Math.max(0, Math.round(score * 100)));
}

export function wholePoint(score: number): number {
  return Math.floor(hundredths(score) / 100);
}

/** What a participant contributes: its group keys, its scores and its item scores. */
export interface StatsContribution {
  keys: Readonly<Record<CompareDimension, string>>;
  scores: Readonly<Record<Measure, number | null>>;
  /** Scores of the company items, in the accumulator's item order; null where not answered or not applicable. */
  itemScores: readonly (number | null)[];
}

/** One whole point of one score in one group: how many, and how many at each of its hundredths. */
export interface PointCount {
  dimension: StatDimension;
  key: string;
  measure: Measure;
  point: number;
  n: number;
  /** The counts of the point's 100 hundredths (a single one for the point 100, which holds only 100.00). */
  hundredths: Int32Array;
}

/** One item in one group: per whole point of the Velocity Index, how many answered it and the sum of their scores. */
export interface ItemSums {
  dimension: StatDimension;
  key: string;
  itemId: string;
  n: Int32Array;
  total: Float64Array;
}

export type TallySnapshot = GroupTally;

interface GroupTally {
  dimension: StatDimension;
  key: string;
  fine: Int32Array;
  itemN: Int32Array;
  itemTotal: Float64Array;
}

/**
 * Adds and removes participants' contributions in typed arrays, so that a
 * million participants cost tens of millions of array increments rather
 * than map updates, then lists what to store. Removals are negative
 * counts: added to what is stored, they undo an addition.
 */
export function createStatsAccumulator(itemIds: readonly string[]) {
  const groups = new Map<string, GroupTally>();
  const items = itemIds.length;

  function group(dimension: StatDimension, key: string): GroupTally {
    const id = `${dimension}\u0000${key}`;
    let g = groups.get(id);
    if (!g) {
      g = {
        dimension,
        key,
        fine: new Int32Array(MEASURES.length * FINE_BUCKETS),
        itemN: new Int32Array(items * POINT_BUCKETS),
        itemTotal: new Float64Array(items * POINT_BUCKETS),
      };
      groups.set(id, g);
    }
    return g;
  }

  /** Tallies of the population and of each of the participant's groups. */
  function tallies(keys: StatsContribution['keys']): GroupTally[] {
    return [group('all', ''), ...COMPARE_DIMENSIONS.map((d) => group(d, keys[d])), group(INDUSTRY_EMPLOYEES, industryEmployeesKey(keys.industry, keys.employees))];
  }

  /**
   * The hot loop of a bulk load: `measures` in MEASURES order and
   * `itemScores` in item order, NaN where there is none.
   */
  // Positions worked out once per participant, then added to each of its seven groups.
  const fineAt = new Int32Array(MEASURES.length);
  const itemAt = new Int32Array(items);
  const itemScore = new Float64Array(items);

  function addTo(targets: readonly GroupTally[], measures: ArrayLike<number>, itemScores: ArrayLike<number>, sign: 1 | -1): void {
    let scored = 0;
    for (let m = 0; m < MEASURES.length; m++) {
      const v = measures[m]!;
      if (!Number.isNaN(v)) fineAt[scored++] = m * FINE_BUCKETS + hundredths(v);
    }
    const velocity = measures[0]!;
    let answered = 0;
    if (!Number.isNaN(velocity)) {
      const point = wholePoint(velocity);
      for (let i = 0; i < items; i++) {
        const s = itemScores[i]!;
        if (Number.isNaN(s)) continue;
        itemAt[answered] = i * POINT_BUCKETS + point;
        itemScore[answered++] = s;
      }
    }
    for (const g of targets) {
      const fine = g.fine;
      for (let k = 0; k < scored; k++) fine[fineAt[k]!]! += sign;
      const itemN = g.itemN;
      const itemTotal = g.itemTotal;
      for (let a = 0; a < answered; a++) {
        itemN[itemAt[a]!]! += sign;
        itemTotal[itemAt[a]!]! += sign * itemScore[a]!;
      }
    }
  }

  /** Groups in stored-key order, those of one dimension only when asked. */
  const ordered = (dimension?: StatDimension) =>
    [...groups.values()]
      .filter((g) => dimension === undefined || g.dimension === dimension)
      .sort((a, b) => compareText(a.dimension, b.dimension) || compareText(a.key, b.key));

  /** The counts of one whole point's hundredths (a single one for the point 100). */
  const hundredthsOf = (g: GroupTally, m: number, point: number) => {
    const from = m * FINE_BUCKETS + point * 100;
    return g.fine.subarray(from, from + Math.min(100, FINE_BUCKETS - point * 100));
  };

  /** Whole points with anyone in them, in stored-key order (dimension, key, measure, point), so that a bulk load appends. */
  function forEachPoint(visit: (c: PointCount) => void, dimension?: StatDimension): void {
    const measures = MEASURES.map((measure, m) => ({ measure, m })).sort((a, b) => compareText(a.measure, b.measure));
    for (const g of ordered(dimension)) {
      for (const { measure, m } of measures) {
        for (let point = 0; point < POINT_BUCKETS; point++) {
          const hundredths = hundredthsOf(g, m, point);
          let n = 0;
          let any = false;
          for (let h = 0; h < hundredths.length; h++) {
            n += hundredths[h]!;
            any ||= hundredths[h] !== 0;
          }
          if (any) visit({ dimension: g.dimension, key: g.key, measure, point, n, hundredths });
        }
      }
    }
  }

  /** Items anyone answered, per group, in stored-key order (dimension, key, item). */
  function forEachItem(visit: (s: ItemSums) => void, dimension?: StatDimension, key?: string): void {
    const byId = itemIds.map((id, i) => ({ id, i })).sort((a, b) => compareText(a.id, b.id));
    for (const g of ordered(dimension)) {
      if (key !== undefined && g.key !== key) continue;
      for (const { id, i } of byId) {
        const n = g.itemN.subarray(i * POINT_BUCKETS, (i + 1) * POINT_BUCKETS);
        const total = g.itemTotal.subarray(i * POINT_BUCKETS, (i + 1) * POINT_BUCKETS);
        if (n.some((x) => x !== 0) || total.some((x) => x !== 0)) visit({ dimension: g.dimension, key: g.key, itemId: id, n, total });
      }
    }
  }

  // Read through the same walks as what is stored, so that both sources see the same rows.
  const source: StatsSource = {
    points(dimension) {
      const out: PointsByKey = new Map();
      forEachPoint(({ key, measure, point, n }) => addPoint(out, key, measure, point, n), dimension);
      return out;
    },
    hundredthsIn(dimension, key, measure, point) {
      const g = groups.get(`${dimension}\u0000${key}`);
      const counts: BucketCount[] = [];
      if (g) hundredthsOf(g, MEASURES.indexOf(measure), point).forEach((n, h) => n !== 0 && counts.push({ bucket: point * 100 + h, n }));
      return counts;
    },
    itemSums(dimension, key) {
      const sums: ItemBucketSum[] = [];
      forEachItem(({ itemId, n, total }) => n.forEach((count, bucket) => count !== 0 && sums.push({ itemId, bucket, n: count, total: total[bucket]! })), dimension, key);
      return sums;
    },
  };

  return {
    group,
    tallies,
    addTo,
    /** The tallies as plain typed arrays, to hand to another thread (transfer their buffers). */
    snapshot(): TallySnapshot[] {
      return [...groups.values()].map((g) => ({ ...g }));
    },
    /** Adds tallies made elsewhere, such as in a worker thread. */
    merge(snapshots: readonly TallySnapshot[]): void {
      for (const s of snapshots) {
        const g = group(s.dimension, s.key);
        for (let i = 0; i < g.fine.length; i++) g.fine[i]! += s.fine[i]!;
        for (let i = 0; i < g.itemN.length; i++) {
          g.itemN[i]! += s.itemN[i]!;
          g.itemTotal[i]! += s.itemTotal[i]!;
        }
      }
    },
    forEachPoint,
    forEachItem,
    /** The tallies so far, read the same way as the stored statistics. */
    source,
    add(c: StatsContribution, sign: 1 | -1 = 1): void {
      const measures = MEASURES.map((m) => c.scores[m] ?? NaN);
      const itemScores = Array.from({ length: items }, (_, i) => c.itemScores[i] ?? NaN);
      addTo(tallies(c.keys), measures, itemScores, sign);
    },
  };
}

export type StatsAccumulator = ReturnType<typeof createStatsAccumulator>;

/** SQLite's default (binary) text order, which is how the stored keys sort. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface BucketCount {
  bucket: number;
  n: number;
}

/** Counts per whole point of every group of a dimension: key → measure → counts in ascending order. */
export type PointsByKey = Map<string, Map<Measure, BucketCount[]>>;

/** Appends one whole point's count; points must come in ascending order per key and measure. */
export function addPoint(out: PointsByKey, key: string, measure: Measure, point: number, n: number): void {
  let byMeasure = out.get(key);
  if (!byMeasure) out.set(key, (byMeasure = new Map()));
  let counts = byMeasure.get(measure);
  if (!counts) byMeasure.set(measure, (counts = []));
  counts.push({ bucket: point, n });
}

/** Where comparisons read counts from: the stored statistics, or tallies made on the spot for one study. */
export interface StatsSource {
  /** Counts per whole point of every group of a dimension. */
  points(dimension: StatDimension): PointsByKey;
  /** Counts per hundredth inside one whole point, ascending. */
  hundredthsIn(dimension: StatDimension, key: string, measure: Measure, point: number): BucketCount[];
  /** Item score sums per whole point of the Velocity Index. */
  itemSums(dimension: StatDimension, key: string): ItemBucketSum[];
}

/**
 * Quartiles from counts: `points` are the counts per whole point in
 * ascending order; `hundredthsIn(point)` the counts per hundredth inside one
 * point. Type-7 quantiles, the same as sorting the scores. Null below
 * `minSize` (anonymity).
 */
export function quartilesFromCounts(
  points: readonly BucketCount[],
  hundredthsIn: (point: number) => readonly BucketCount[],
  minSize: number,
): Quartiles | null {
  const n = points.reduce((s, c) => s + c.n, 0);
  if (n === 0 || n < minSize) return null;
  const cache = new Map<number, readonly BucketCount[]>();
  const fine = (point: number) => {
    let rows = cache.get(point);
    if (!rows) cache.set(point, (rows = hundredthsIn(point)));
    return rows;
  };
  const atRank = (rank: number): number => {
    const point = locate(points, rank);
    return locate(fine(point.bucket), point.within).bucket / 100;
  };
  const at = (p: number) => {
    const { lo, hi, frac } = quantilePosition(n, p);
    const loValue = atRank(lo);
    return frac === 0 ? loValue : interpolate(loValue, atRank(hi), frac);
  };
  return { n, min: at(0), q1: at(0.25), median: at(0.5), q3: at(0.75), max: at(1) };
}

/** The bucket holding 0-based `rank` in ascending order, and the rank inside it. */
export function locate(counts: readonly BucketCount[], rank: number): { bucket: number; within: number } {
  let before = 0;
  for (const c of counts) {
    if (rank < before + c.n) return { bucket: c.bucket, within: rank - before };
    before += c.n;
  }
  throw new RangeError(`rank ${rank} is outside a group of ${before}`);
}

export interface ItemBucketSum {
  itemId: string;
  /** Whole point of the Velocity Index. */
  bucket: number;
  n: number;
  total: number;
}

export interface QuartileSplit {
  /** Participants at or below this whole point form the bottom group. */
  bottomUpTo: number;
  /** Participants at or above this whole point form the top group. */
  topFrom: number;
  bottomN: number;
  topN: number;
}

/**
 * The bottom and top of a group at whole-point boundaries: the bottom is every
 * point up to the one holding the first quartile, the top every point from
 * the one holding the third. Each is therefore at least a quarter of the
 * group; the page prints the exact boundaries and sizes. Null when either
 * side is below `minSize`, or when the two would overlap.
 */
export function quartileSplit(points: readonly BucketCount[], minSize: number): QuartileSplit | null {
  const n = points.reduce((s, c) => s + c.n, 0);
  if (n === 0) return null;
  const bottomUpTo = locate(points, quantilePosition(n, 0.25).lo).bucket;
  const q3 = quantilePosition(n, 0.75);
  // The first rank at or above the third quartile: when it falls on a rank exactly, that rank itself.
  const topFrom = locate(points, q3.frac === 0 ? q3.lo : q3.hi).bucket;
  if (bottomUpTo >= topFrom) return null;
  const bottomN = points.filter((c) => c.bucket <= bottomUpTo).reduce((s, c) => s + c.n, 0);
  const topN = points.filter((c) => c.bucket >= topFrom).reduce((s, c) => s + c.n, 0);
  if (bottomN < minSize || topN < minSize) return null;
  return { bottomUpTo, topFrom, bottomN, topN };
}

export interface ItemGap {
  itemId: string;
  top: number;
  bottom: number;
  /** Top mean minus bottom mean, in points of item score. */
  gap: number;
  topAnswered: number;
  bottomAnswered: number;
}

/**
 * Mean item score of the top and the bottom group and the gap, widest first.
 * Items answered by fewer than `minSize` on either side are left out, so no
 * mean ever rests on fewer than k people.
 */
export function itemGaps(sums: readonly ItemBucketSum[], split: QuartileSplit, minSize: number): ItemGap[] {
  const acc = new Map<string, { tn: number; tt: number; bn: number; bt: number }>();
  for (const s of sums) {
    let a = acc.get(s.itemId);
    if (!a) acc.set(s.itemId, (a = { tn: 0, tt: 0, bn: 0, bt: 0 }));
    if (s.bucket >= split.topFrom) {
      a.tn += s.n;
      a.tt += s.total;
    } else if (s.bucket <= split.bottomUpTo) {
      a.bn += s.n;
      a.bt += s.total;
    }
  }
  const gaps: ItemGap[] = [];
  for (const [itemId, a] of acc) {
    if (a.tn < minSize || a.bn < minSize) continue;
    const top = a.tt / a.tn;
    const bottom = a.bt / a.bn;
    gaps.push({ itemId, top, bottom, gap: top - bottom, topAnswered: a.tn, bottomAnswered: a.bn });
  }
  return gaps.sort((x, y) => y.gap - x.gap || x.itemId.localeCompare(y.itemId));
}
