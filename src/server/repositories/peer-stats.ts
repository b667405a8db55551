import type { Db } from '../../../db/client.ts';
import {
  addPoint,
  FINE_BUCKETS,
  POINT_BUCKETS,
  type PointsByKey,
  type Measure,
  type StatDimension,
  type StatsAccumulator,
  type StatsSource,
} from '../../domain/peer-stats.ts';
import type { FineCounts } from '../../domain/peer-counts.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgPeerStats from './pg/peer-stats.ts';
import { prepared } from './prepared.ts';
import { bucketCountsOf, fineKey, itemBucketSumsOf, statsSourceFromRead, sumsKey, type ItemSumArrays } from './stats-source.ts';

/**
 * Storage of the peer statistics: one row per group, score and whole point
 * (its count, and the counts of its hundredths as a blob), and one row per
 * group and item (answer counts and score sums per whole point, as blobs).
 * A few thousand rows however large the population, so a bulk load writes
 * them in a blink and a finish touches 35.
 */

function int32s(values: ArrayLike<number>): Buffer {
  const out = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeInt32LE(values[i]!, i * 4);
  return out;
}

function float64s(values: ArrayLike<number>): Buffer {
  const out = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) out.writeDoubleLE(values[i]!, i * 8);
  return out;
}

function readInt32s(blob: Buffer): Int32Array {
  const out = new Int32Array(blob.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = blob.readInt32LE(i * 4);
  return out;
}

function readFloat64s(blob: Buffer): Float64Array {
  const out = new Float64Array(blob.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = blob.readDoubleLE(i * 8);
  return out;
}

/** What can be written: the accumulator of src/domain/peer-stats.ts. */
type StatsRows = Pick<StatsAccumulator, 'forEachPoint' | 'forEachItem'>;

/**
 * Adds tallies to what is stored (negative tallies remove); call inside the
 * transaction that changes the scores. A row that comes to nothing is deleted.
 */
export async function addPeerStats(db: Store, stats: StatsRows): Promise<void> {
  if (db.backend === 'pg') return pgPeerStats.addPeerStats(db, stats);
  await onSqlite(db, (h) => addPeerStatsOn(h, stats));
}

/** addPeerStats on the raw handle, for other repositories' synchronous work (bulk.ts); nothing above src/server/repositories. */
export function addPeerStatsOn(db: Db, stats: StatsRows): void {
  const c = db.$client;
  const pointAt = c.prepare('SELECT n, hundredths FROM peer_score_counts WHERE dimension = ? AND key = ? AND measure = ? AND point = ?');
  const putPoint = c.prepare(
    'INSERT INTO peer_score_counts (dimension, key, measure, point, n, hundredths) VALUES (?, ?, ?, ?, ?, ?) ' +
      'ON CONFLICT (dimension, key, measure, point) DO UPDATE SET n = excluded.n, hundredths = excluded.hundredths',
  );
  const dropPoint = c.prepare('DELETE FROM peer_score_counts WHERE dimension = ? AND key = ? AND measure = ? AND point = ?');
  stats.forEachPoint(({ dimension, key, measure, point, n, hundredths }) => {
    const stored = pointAt.get(dimension, key, measure, point) as { n: number; hundredths: Buffer } | undefined;
    const counts = stored ? readInt32s(stored.hundredths) : new Int32Array(hundredths.length);
    for (let h = 0; h < hundredths.length; h++) counts[h]! += hundredths[h]!;
    const total = (stored?.n ?? 0) + n;
    if (counts.every((x) => x === 0)) dropPoint.run(dimension, key, measure, point);
    else putPoint.run(dimension, key, measure, point, total, int32s(counts));
  });

  const itemAt = c.prepare('SELECT n, total FROM peer_item_sums WHERE dimension = ? AND key = ? AND item_id = ?');
  const putItem = c.prepare(
    'INSERT INTO peer_item_sums (dimension, key, item_id, n, total) VALUES (?, ?, ?, ?, ?) ' +
      'ON CONFLICT (dimension, key, item_id) DO UPDATE SET n = excluded.n, total = excluded.total',
  );
  const dropItem = c.prepare('DELETE FROM peer_item_sums WHERE dimension = ? AND key = ? AND item_id = ?');
  stats.forEachItem(({ dimension, key, itemId, n, total }) => {
    const stored = itemAt.get(dimension, key, itemId) as { n: Buffer; total: Buffer } | undefined;
    const counts = stored ? readInt32s(stored.n) : new Int32Array(POINT_BUCKETS);
    const sums = stored ? readFloat64s(stored.total) : new Float64Array(POINT_BUCKETS);
    for (let p = 0; p < POINT_BUCKETS; p++) {
      counts[p]! += n[p]!;
      // A point nobody is left in sums to exactly zero, not to the rounding left over from adding and removing.
      sums[p] = counts[p] === 0 ? 0 : sums[p]! + total[p]!;
    }
    if (counts.every((x) => x === 0)) dropItem.run(dimension, key, itemId);
    else putItem.run(dimension, key, itemId, int32s(counts), float64s(sums));
  });
}

export async function clearPeerStats(db: Store): Promise<void> {
  if (db.backend === 'pg') return pgPeerStats.clearPeerStats(db);
  await onSqlite(db, (h) => h.$client.exec('DELETE FROM peer_score_counts; DELETE FROM peer_item_sums;'));
}

/** Participants the statistics count: equal to the number of score rows when they are in step. */
export async function peerStatsTotal(db: Store): Promise<number> {
  if (db.backend === 'pg') return pgPeerStats.peerStatsTotal(db);
  return onSqlite(db, (h) => {
    const row = h.$client
      .prepare("SELECT coalesce(sum(n), 0) AS n FROM peer_score_counts WHERE dimension = 'all' AND key = '' AND measure = 'velocity'")
      .get() as { n: number };
    return row.n;
  });
}

/**
 * The stored statistics as a source for comparisons, read as they are asked
 * for. Only valid while the work on the handle that made it runs: a source
 * kept past it could read inside another request's transaction.
 */
function lazySource(db: Db): StatsSource {
  const points = db.$client.prepare('SELECT key, measure, point, n FROM peer_score_counts WHERE dimension = ? ORDER BY key, measure, point').raw();
  const fine = db.$client.prepare('SELECT hundredths FROM peer_score_counts WHERE dimension = ? AND key = ? AND measure = ? AND point = ?').pluck();
  const sums = db.$client.prepare('SELECT item_id AS itemId, n, total FROM peer_item_sums WHERE dimension = ? AND key = ?');
  return {
    points(dimension: StatDimension) {
      const out: PointsByKey = new Map();
      for (const [key, measure, point, n] of points.all(dimension) as [string, Measure, number, number][]) addPoint(out, key, measure, point, n);
      return out;
    },
    hundredthsIn(dimension, key, measure, point) {
      const blob = fine.get(dimension, key, measure, point) as Buffer | undefined;
      return bucketCountsOf(blob && readInt32s(blob), point);
    },
    itemSums(dimension, key) {
      return itemBucketSumsOf((sums.all(dimension, key) as ItemSumRow[]).map(decodeSums));
    },
  };
}

type ItemSumRow = { itemId: string; n: Buffer; total: Buffer };

function decodeSums(row: ItemSumRow): ItemSumArrays {
  return { itemId: row.itemId, n: readInt32s(row.n), total: readFloat64s(row.total) };
}

/**
 * Runs `use` on the stored statistics, reading only what it asks for, as one
 * piece of synchronous work on the connection (nothing else runs in between,
 * so it sees one state of the statistics). `use` must be synchronous and
 * pure (the comparison's domain code): it must not keep the source.
 */
export async function withStoredStats<T>(db: Store, use: (source: StatsSource) => T): Promise<T> {
  if (db.backend === 'pg') return pgPeerStats.withStoredStats(db, use);
  return onSqlite(db, (h) => use(lazySource(h)));
}

/**
 * The stored statistics of `dimensions` (every dimension when not given),
 * read at once into memory, as a source for comparisons that may be kept.
 * Asking it for a dimension it did not read throws. A source over every
 * dimension reads a few MB on a large database: withStoredStats reads only
 * what the comparison asks for.
 */
export async function storedStatsSource(db: Store, dimensions?: readonly StatDimension[]): Promise<StatsSource> {
  if (db.backend === 'pg') return pgPeerStats.storedStatsSource(db, dimensions);
  return onSqlite(db, (h) => {
    const c = h.$client;
    const wanted = dimensions ?? (c.prepare('SELECT DISTINCT dimension FROM peer_score_counts UNION SELECT DISTINCT dimension FROM peer_item_sums').pluck().all() as StatDimension[]);
    const points = new Map<StatDimension, PointsByKey>();
    const fine = new Map<string, Buffer>();
    const sums = new Map<string, ItemSumRow[]>();
    const pointRows = c.prepare('SELECT key, measure, point, n, hundredths FROM peer_score_counts WHERE dimension = ? ORDER BY key, measure, point');
    const sumRows = c.prepare('SELECT key, item_id AS itemId, n, total FROM peer_item_sums WHERE dimension = ? ORDER BY key, item_id');
    for (const dimension of wanted) {
      const out: PointsByKey = new Map();
      for (const r of pointRows.all(dimension) as { key: string; measure: Measure; point: number; n: number; hundredths: Buffer }[]) {
        addPoint(out, r.key, r.measure, r.point, r.n);
        fine.set(fineKey(dimension, r.key, r.measure, r.point), r.hundredths);
      }
      points.set(dimension, out);
      for (const r of sumRows.all(dimension) as (ItemSumRow & { key: string })[]) {
        const at = sumsKey(dimension, r.key);
        const list = sums.get(at) ?? [];
        list.push({ itemId: r.itemId, n: r.n, total: r.total });
        sums.set(at, list);
      }
    }
    return statsSourceFromRead({ points, fine, sums }, dimensions, { counts: readInt32s, sums: decodeSums });
  });
}

/**
 * One group's counts per hundredth of one score, read from its whole points
 * (at most 101 rows of one index range): what a results page or a report
 * needs of a group, whatever the group's size.
 */
/** Blobs are stored little-endian; typed arrays use the machine's order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * One group's counts per hundredth of one score, read from its whole points (at most 101 rows), on the SQLite
 * handle: repositories/peer-lookup.ts reads them in one piece of work with the scores taken out of them.
 */
export function readFineCountsOn(h: Db, dimension: StatDimension, key: string, measure: Measure): FineCounts {
  const fine = new Int32Array(FINE_BUCKETS);
  const rows = prepared(h, 'SELECT point, hundredths FROM peer_score_counts WHERE dimension = ? AND key = ? AND measure = ?').all(dimension, key, measure) as {
    point: number;
    hundredths: Buffer;
  }[];
  for (const { point, hundredths } of rows) {
    const from = point * 100;
    const n = Math.min(hundredths.length >> 2, FINE_BUCKETS - from);
    if (LITTLE_ENDIAN) {
      // The blob as 32-bit integers without a call per number: copied to an aligned buffer first.
      fine.set(new Int32Array(Uint8Array.prototype.slice.call(hundredths, 0, n * 4).buffer), from);
    } else {
      for (let i = 0; i < n; i++) fine[from + i] = hundredths.readInt32LE(i * 4);
    }
  }
  return fine;
}
