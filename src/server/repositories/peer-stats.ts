import type { Db } from '../../../db/client.ts';
import type { BucketCount, CountRow, ItemBucketSum, ItemSumRow, Measure, StatDimension, StatsSource } from '../../domain/peer-stats.ts';

/**
 * Storage of the peer statistics. Rows are added with "n = n + excluded.n",
 * so removing a participant writes the same rows with negative counts; rows
 * that fall to zero are deleted so that the tables only hold what exists.
 * Plain prepared statements: the bulk load writes a million-odd rows.
 */
const ROWS_PER_STATEMENT = 100;

const COUNT_COLUMNS = '(scale, dimension, key, measure, bucket, n)';
const ITEM_COLUMNS = '(dimension, key, item_id, bucket, n, total)';

function upserter(db: Db, table: string, columns: string, width: number, conflict: string, update: string) {
  const statement = (rows: number) =>
    db.$client.prepare(
      `INSERT INTO ${table} ${columns} VALUES ${Array(rows).fill(`(${Array(width).fill('?').join(',')})`).join(',')} ` +
        `ON CONFLICT ${conflict} DO UPDATE SET ${update}`,
    );
  const full = statement(ROWS_PER_STATEMENT);
  return (rows: readonly unknown[][]) => {
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
      (chunk.length === ROWS_PER_STATEMENT ? full : statement(chunk.length)).run(chunk.flat());
    }
  };
}

/** Adds counts and item sums (negative ones remove); call inside the transaction that changes the scores. */
export function addPeerStats(db: Db, counts: readonly CountRow[], items: readonly ItemSumRow[]): void {
  upserter(db, 'peer_score_counts', COUNT_COLUMNS, 6, '(scale, dimension, key, measure, bucket)', 'n = n + excluded.n')(
    counts.map(([dimension, key, measure, scale, bucket, n]) => [scale, dimension, key, measure, bucket, n]),
  );
  upserter(db, 'peer_item_sums', ITEM_COLUMNS, 6, '(dimension, key, item_id, bucket)', 'n = n + excluded.n, total = total + excluded.total')(items);
  if (counts.some((r) => r[5] < 0)) {
    const drop = db.$client.prepare('DELETE FROM peer_score_counts WHERE scale = ? AND dimension = ? AND key = ? AND measure = ? AND bucket = ? AND n = 0');
    for (const [dimension, key, measure, scale, bucket] of counts) drop.run(scale, dimension, key, measure, bucket);
  }
  if (items.some((r) => r[4] < 0)) {
    const drop = db.$client.prepare('DELETE FROM peer_item_sums WHERE dimension = ? AND key = ? AND item_id = ? AND bucket = ? AND n = 0');
    for (const [dimension, key, itemId, bucket] of items) drop.run(dimension, key, itemId, bucket);
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
