import type { Db } from '../../../db/client.ts';
import type { BucketCount, ItemBucketSum, Measure, StatDimension, StatsAccumulator, StatsSource } from '../../domain/peer-stats.ts';

/**
 * Storage of the peer statistics. Rows are added with "n = n + excluded.n",
 * so removing a participant writes the same rows with negative counts; rows
 * that fall to zero are deleted so that the tables only hold what exists.
 * Plain prepared statements: the bulk load writes a million-odd rows.
 */
const ROWS_PER_STATEMENT = 500;

/** Rows buffered flat and written many per statement; `flush` writes the rest. */
function upserter(db: Db, table: string, columns: readonly string[], key: readonly string[], update: string) {
  const width = columns.length;
  const statement = (rows: number) =>
    db.$client.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows).fill(`(${Array(width).fill('?').join(',')})`).join(',')} ` +
        `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${update}`,
    );
  const full = statement(ROWS_PER_STATEMENT);
  let buffer: unknown[] = [];
  return {
    add(...values: unknown[]) {
      for (const v of values) buffer.push(v);
      if (buffer.length === ROWS_PER_STATEMENT * width) {
        full.run(buffer);
        buffer = [];
      }
    },
    flush() {
      if (buffer.length) statement(buffer.length / width).run(buffer);
      buffer = [];
    },
  };
}

const COUNT_KEY = ['scale', 'dimension', 'key', 'measure', 'bucket'] as const;
const ITEM_KEY = ['dimension', 'key', 'item_id', 'bucket'] as const;

/** What can be written: the accumulator of src/domain/peer-stats.ts. */
type StatsRows = Pick<StatsAccumulator, 'forEachCount' | 'forEachItemSum'>;

/**
 * Adds counts and item sums (negative ones remove); call inside the
 * transaction that changes the scores. Rows that fall to zero are deleted.
 */
export function addPeerStats(db: Db, stats: StatsRows): void {
  const counts = upserter(db, 'peer_score_counts', [...COUNT_KEY, 'n'], COUNT_KEY, 'n = n + excluded.n');
  const sums = upserter(db, 'peer_item_sums', [...ITEM_KEY, 'n', 'total'], ITEM_KEY, 'n = n + excluded.n, total = total + excluded.total');
  let removed = false;
  stats.forEachCount((dimension, key, measure, scale, bucket, n) => {
    counts.add(scale, dimension, key, measure, bucket, n);
    removed ||= n < 0;
  });
  stats.forEachItemSum((dimension, key, itemId, bucket, n, total) => {
    sums.add(dimension, key, itemId, bucket, n, total);
    removed ||= n < 0;
  });
  counts.flush();
  sums.flush();
  if (removed) {
    // Only a removal can bring a row to zero, and it touches few rows: delete exactly those.
    const dropCount = db.$client.prepare('DELETE FROM peer_score_counts WHERE scale = ? AND dimension = ? AND key = ? AND measure = ? AND bucket = ? AND n = 0');
    stats.forEachCount((dimension, key, measure, scale, bucket) => dropCount.run(scale, dimension, key, measure, bucket));
    const dropSum = db.$client.prepare('DELETE FROM peer_item_sums WHERE dimension = ? AND key = ? AND item_id = ? AND bucket = ? AND n = 0');
    stats.forEachItemSum((dimension, key, itemId, bucket) => dropSum.run(dimension, key, itemId, bucket));
  }
}

export function clearPeerStats(db: Db): void {
  db.$client.exec('DELETE FROM peer_score_counts; DELETE FROM peer_item_sums;');
}

/** Participants the statistics count: equal to the number of score rows when they are in step. */
export function peerStatsTotal(db: Db): number {
  const row = db.$client
    .prepare("SELECT coalesce(sum(n), 0) AS n FROM peer_score_counts WHERE scale = 1 AND dimension = 'all' AND key = '' AND measure = 'velocity'")
    .get() as { n: number };
  return row.n;
}

/** The stored statistics as a source for comparisons. */
export function storedStatsSource(db: Db): StatsSource {
  const points = db.$client.prepare('SELECT key, measure, bucket, n FROM peer_score_counts WHERE scale = 1 AND dimension = ? ORDER BY key, measure, bucket').raw();
  const fine = db.$client.prepare(
    'SELECT bucket, n FROM peer_score_counts WHERE scale = 100 AND dimension = ? AND key = ? AND measure = ? AND bucket BETWEEN ? AND ? ORDER BY bucket',
  );
  const sums = db.$client.prepare('SELECT item_id AS itemId, bucket, n, total FROM peer_item_sums WHERE dimension = ? AND key = ?');
  return {
    points(dimension: StatDimension) {
      const out = new Map<string, Map<Measure, BucketCount[]>>();
      for (const [key, measure, bucket, n] of points.all(dimension) as [string, Measure, number, number][]) {
        let byMeasure = out.get(key);
        if (!byMeasure) out.set(key, (byMeasure = new Map()));
        let counts = byMeasure.get(measure);
        if (!counts) byMeasure.set(measure, (counts = []));
        counts.push({ bucket, n });
      }
      return out;
    },
    hundredthsIn(dimension, key, measure, point) {
      return fine.all(dimension, key, measure, point * 100, point * 100 + 99) as BucketCount[];
    },
    itemSums(dimension, key) {
      return sums.all(dimension, key) as ItemBucketSum[];
    },
  };
}
