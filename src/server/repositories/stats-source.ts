import type { BucketCount, ItemBucketSum, Measure, PointsByKey, StatDimension, StatsSource } from '../../domain/peer-stats.ts';

/**
 * The stored peer statistics as a comparison reads them, for both backends:
 * SQLite keeps the counts as little-endian blobs, PostgreSQL as arrays, so
 * each hands its rows over with a way to read them as numbers, and the rest
 * (the source object, the buckets that are not empty) is one piece of code.
 */

/** One group and item's answer counts and score sums per whole point, as numbers. */
export interface ItemSumArrays {
  itemId: string;
  n: ArrayLike<number>;
  total: ArrayLike<number>;
}

/** The counts of one whole point's hundredths as buckets; the empty ones left out. */
export function bucketCountsOf(counts: ArrayLike<number> | undefined, point: number): BucketCount[] {
  const out: BucketCount[] = [];
  for (let h = 0; h < (counts?.length ?? 0); h++) if (counts![h] !== 0) out.push({ bucket: point * 100 + h, n: counts![h]! });
  return out;
}

/** One group's item sums as buckets; the points nobody answered left out. */
export function itemBucketSumsOf(rows: readonly ItemSumArrays[]): ItemBucketSum[] {
  const out: ItemBucketSum[] = [];
  for (const row of rows) {
    for (let bucket = 0; bucket < row.n.length; bucket++) {
      if (row.n[bucket] !== 0) out.push({ itemId: row.itemId, bucket, n: row.n[bucket]!, total: row.total[bucket]! });
    }
  }
  return out;
}

/** What a backend read of the statistics of some dimensions holds; F and R are its stored forms of counts and sums. */
export interface StatsRead<F, R> {
  points: Map<StatDimension, PointsByKey>;
  /** By fineKey. */
  fine: Map<string, F>;
  /** By sumsKey. */
  sums: Map<string, R[]>;
}

export const fineKey = (dimension: StatDimension, key: string, measure: Measure, point: number) => `${dimension}\0${key}\0${measure}\0${point}`;
export const sumsKey = (dimension: StatDimension, key: string) => `${dimension}\0${key}`;

/**
 * A source over statistics read into memory. Asking it for a dimension that
 * was not read (when `dimensions` named the ones read) throws, rather than
 * answering as if the dimension had no groups.
 */
export function statsSourceFromRead<F, R>(
  read: StatsRead<F, R>,
  dimensions: readonly StatDimension[] | undefined,
  decode: { counts(stored: F): ArrayLike<number>; sums(stored: R): ItemSumArrays },
): StatsSource {
  const check = (dimension: StatDimension) => {
    if (dimensions !== undefined && !dimensions.includes(dimension)) throw new Error(`the statistics of ${dimension} were not read for this source`);
  };
  return {
    points(dimension) {
      check(dimension);
      return read.points.get(dimension) ?? new Map();
    },
    hundredthsIn(dimension, key, measure, point) {
      check(dimension);
      const stored = read.fine.get(fineKey(dimension, key, measure, point));
      return bucketCountsOf(stored === undefined ? undefined : decode.counts(stored), point);
    },
    itemSums(dimension, key) {
      check(dimension);
      return itemBucketSumsOf((read.sums.get(sumsKey(dimension, key)) ?? []).map(decode.sums));
    },
  };
}
