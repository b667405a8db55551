import { sql, type SQL } from 'drizzle-orm';
import {
  addPoint,
  POINT_BUCKETS,
  type Measure,
  type PointsByKey,
  type StatDimension,
  type StatsAccumulator,
  type StatsSource,
} from '../../../domain/peer-stats.ts';
import { pgRead, pgWrite, transaction, type PgHandle, type PgStore } from '../../data/store.ts';
import { fineKey, statsSourceFromRead, sumsKey } from '../stats-source.ts';
import { parseFloatArray, parseIntArray } from './array-text.ts';

/**
 * The peer statistics on PostgreSQL (db/pg/schema.ts peerScoreCounts,
 * peerItemSums): the same rows as SQLite's with arrays for blobs, and the
 * additions done by the database, element by element, so that finishes on
 * several app servers at once each add their own counts (see the schema's
 * comment and tests/pg/peer-stats-upsert.test.ts).
 */

type StatsRows = Pick<StatsAccumulator, 'forEachPoint' | 'forEachItem'>;

/**
 * A JS array as one array parameter (drizzle's `sql` would spread it into a
 * list of parameters). Numbers go as the array's text, joined here: millions
 * of them (a rebuild's hundredths) convert ten times faster than through
 * node-postgres's element-by-element conversion, and a number's shortest text
 * reads back as the same double.
 */
const array = (values: unknown[], type: string): SQL =>
  type === 'text[]' ? sql`${sql.param(values)}::text[]` : sql`${`{${values.join(',')}}`}::${sql.raw(type)}`;

/**
 * The tallies as columns: one array per column and, for the per-point
 * arrays, all rows' elements in one flat array that the statement slices.
 * So any number of rows is one statement with a handful of parameters, read
 * by the database in the accumulator's order.
 */
function pointColumns(stats: StatsRows, fresh: boolean) {
  const c = { dimension: [] as string[], key: [] as string[], measure: [] as string[], point: [] as number[], n: [] as number[], from: [] as number[], length: [] as number[], flat: [] as number[] };
  const removed: number[] = [];
  stats.forEachPoint(({ dimension, key, measure, point, n, hundredths }) => {
    if (fresh && hundredths.every((x) => x === 0)) return;
    if (hundredths.some((x) => x < 0)) removed.push(c.point.length);
    c.dimension.push(dimension);
    c.key.push(key);
    c.measure.push(measure);
    c.point.push(point);
    c.n.push(n);
    c.from.push(c.flat.length);
    c.length.push(hundredths.length);
    for (let h = 0; h < hundredths.length; h++) c.flat.push(hundredths[h]!);
  });
  return { ...c, removed };
}

function itemColumns(stats: StatsRows, fresh: boolean) {
  const c = { dimension: [] as string[], key: [] as string[], itemId: [] as string[], n: [] as number[], total: [] as number[] };
  const removed: number[] = [];
  stats.forEachItem(({ dimension, key, itemId, n, total }) => {
    if (fresh && n.every((x) => x === 0)) return;
    if (n.some((x) => x < 0)) removed.push(c.itemId.length);
    c.dimension.push(dimension);
    c.key.push(key);
    c.itemId.push(itemId);
    // As SQLite writes a new row: a point nobody is in sums to exactly zero.
    for (let p = 0; p < POINT_BUCKETS; p++) {
      c.n.push(n[p]!);
      c.total.push(n[p] === 0 ? 0 : total[p]!);
    }
  });
  return { ...c, removed };
}

async function insertPoints(h: PgHandle, c: ReturnType<typeof pointColumns>, upsert: boolean): Promise<void> {
  if (c.point.length === 0) return;
  await h.execute(sql`INSERT INTO peer_score_counts (dimension, key, measure, point, n, hundredths)
    SELECT u.dimension, u.key, u.measure, u.point, u.n, f.flat[u.start + 1 : u.start + u.length]
    FROM unnest(${array(c.dimension, 'text[]')}, ${array(c.key, 'text[]')}, ${array(c.measure, 'text[]')}, ${array(c.point, 'int[]')},
                ${array(c.n, 'int[]')}, ${array(c.from, 'int[]')}, ${array(c.length, 'int[]')})
         WITH ORDINALITY AS u(dimension, key, measure, point, n, start, length, i),
         (SELECT ${array(c.flat, 'int[]')} AS flat) f
    ORDER BY u.i
    ${upsert ? ADD_POINT : sql``}`);
}

async function insertItems(h: PgHandle, c: ReturnType<typeof itemColumns>, upsert: boolean): Promise<void> {
  if (c.itemId.length === 0) return;
  await h.execute(sql`INSERT INTO peer_item_sums (dimension, key, item_id, n, total)
    SELECT u.dimension, u.key, u.item_id, f.n[(u.i - 1) * ${POINT_BUCKETS} + 1 : u.i * ${POINT_BUCKETS}], f.total[(u.i - 1) * ${POINT_BUCKETS} + 1 : u.i * ${POINT_BUCKETS}]
    FROM unnest(${array(c.dimension, 'text[]')}, ${array(c.key, 'text[]')}, ${array(c.itemId, 'text[]')}) WITH ORDINALITY AS u(dimension, key, item_id, i),
         (SELECT ${array(c.n, 'int[]')} AS n, ${array(c.total, 'float8[]')} AS total) f
    ORDER BY u.i
    ${upsert ? ADD_ITEM : sql``}`);
}

const ADD_POINT = sql`ON CONFLICT (dimension, key, measure, point) DO UPDATE SET
  n = peer_score_counts.n + excluded.n,
  hundredths = ARRAY(SELECT a + b FROM unnest(peer_score_counts.hundredths, excluded.hundredths) WITH ORDINALITY AS u(a, b, i) ORDER BY i)`;

// A point nobody is left in sums to exactly zero, as in SQLite (not to the rounding left over from adding and removing).
const ADD_ITEM = sql`ON CONFLICT (dimension, key, item_id) DO UPDATE SET
  n = ARRAY(SELECT a + b FROM unnest(peer_item_sums.n, excluded.n) WITH ORDINALITY AS u(a, b, i) ORDER BY i),
  total = ARRAY(SELECT CASE WHEN na + nb = 0 THEN 0 ELSE ta + tb END
                FROM unnest(peer_item_sums.n, excluded.n, peer_item_sums.total, excluded.total) WITH ORDINALITY AS u(na, nb, ta, tb, i) ORDER BY i)`;

/**
 * Adds tallies to what is stored (negative tallies remove), in the caller's
 * transaction; a row that comes to nothing is deleted. Rows are written in
 * the accumulator's order, the same for every transaction (points, then
 * items, each by primary key), so two finishes adding to the same rows queue
 * on each other's row locks and never wait in a cycle.
 */
export async function addPeerStats(db: PgStore, stats: StatsRows): Promise<void> {
  const points = pointColumns(stats, false);
  const items = itemColumns(stats, false);
  await pgWrite(db, async (h) => {
    await insertPoints(h, points, true);
    await insertItems(h, items, true);
    // Rows this transaction has locked already (the upserts above): a finish waiting on one then inserts afresh.
    if (points.removed.length > 0) {
      const at = (values: unknown[], type: string) => array(points.removed.map((i) => values[i]), type);
      await h.execute(sql`DELETE FROM peer_score_counts s USING unnest(${at(points.dimension, 'text[]')}, ${at(points.key, 'text[]')}, ${at(points.measure, 'text[]')}, ${at(points.point, 'int[]')}) AS u(dimension, key, measure, point)
        WHERE s.dimension = u.dimension AND s.key = u.key AND s.measure = u.measure AND s.point = u.point AND 0 = ALL(s.hundredths)`);
    }
    if (items.removed.length > 0) {
      const at = (values: unknown[], type: string) => array(items.removed.map((i) => values[i]), type);
      await h.execute(sql`DELETE FROM peer_item_sums s USING unnest(${at(items.dimension, 'text[]')}, ${at(items.key, 'text[]')}, ${at(items.itemId, 'text[]')}) AS u(dimension, key, item_id)
        WHERE s.dimension = u.dimension AND s.key = u.key AND s.item_id = u.item_id AND 0 = ALL(s.n)`);
    }
  });
}

/** Writes tallies into emptied statistics tables (a rebuild): what addPeerStats stores when nothing is stored yet. */
export async function writeFreshPeerStats(h: PgHandle, stats: StatsRows): Promise<void> {
  await insertPoints(h, pointColumns(stats, true), false);
  await insertItems(h, itemColumns(stats, true), false);
}

export async function clearPeerStats(db: PgStore): Promise<void> {
  await pgWrite(db, async (h) => {
    await h.execute(sql`DELETE FROM peer_score_counts`);
    await h.execute(sql`DELETE FROM peer_item_sums`);
  });
}

/** Participants the statistics count: equal to the number of score rows when they are in step. */
export async function peerStatsTotal(db: PgStore): Promise<number> {
  return pgRead(db, (h) => peerStatsTotalOn(h));
}

export async function peerStatsTotalOn(h: PgHandle): Promise<number> {
  const { rows } = await h.execute<{ n: number }>(
    sql`SELECT coalesce(sum(n), 0)::int8 AS n FROM peer_score_counts WHERE dimension = 'all' AND key = '' AND measure = 'velocity'`,
  );
  return Number(rows[0]!.n);
}

/**
 * Runs `read` on one snapshot of the database: the caller's transaction, or
 * a read-only REPEATABLE READ one of its own (as SQLite's one piece of work
 * on the connection sees one state).
 */
function inOneSnapshot<T>(db: PgStore, read: (h: PgHandle) => Promise<T>): Promise<T> {
  if (db.scope !== null) return pgRead(db, read);
  return transaction(db, (tx) => read(tx.db), { behavior: 'deferred' });
}

/** An item's stored sums as their arrays' text, decoded when a comparison asks for the group (array-text.ts). */
interface ItemSumsText {
  itemId: string;
  n: string;
  total: string;
}

/**
 * The stored statistics of `dimensions` (every dimension when not given),
 * read at once into memory, as a source for comparisons that may be kept.
 * Keys are ordered as SQLite orders them (bytewise: COLLATE "C"), so a
 * dimension's groups come in the same order on both backends. The arrays
 * come as text and are parsed only when asked for: a comparison reads the
 * hundredths of the few points its quartiles fall in, and the item sums of
 * one group, out of thousands of rows.
 */
export async function storedStatsSource(db: PgStore, dimensions?: readonly StatDimension[]): Promise<StatsSource> {
  const { points, fine, sums } = await inOneSnapshot(db, async (h) => {
    const only = dimensions === undefined ? sql`` : sql`WHERE dimension IN (${sql.join(dimensions.map((d) => sql`${d}`), sql`, `)})`;
    const pointRows = await h.execute<{ dimension: StatDimension; key: string; measure: Measure; point: number; n: number; hundredths: string }>(
      sql`SELECT dimension, key, measure, point, n, hundredths::text AS hundredths FROM peer_score_counts ${only}
          ORDER BY dimension COLLATE "C", key COLLATE "C", measure COLLATE "C", point`,
    );
    const sumRows = await h.execute<{ dimension: StatDimension; key: string; itemId: string; n: string; total: string }>(
      sql`SELECT dimension, key, item_id AS "itemId", n::text AS n, total::text AS total FROM peer_item_sums ${only}
          ORDER BY dimension COLLATE "C", key COLLATE "C", item_id COLLATE "C"`,
    );
    const points = new Map<StatDimension, PointsByKey>();
    const fine = new Map<string, string>();
    const sums = new Map<string, ItemSumsText[]>();
    for (const d of dimensions ?? []) points.set(d, new Map());
    for (const r of pointRows.rows) {
      let out = points.get(r.dimension);
      if (!out) points.set(r.dimension, (out = new Map()));
      addPoint(out, r.key, r.measure, r.point, r.n);
      fine.set(fineKey(r.dimension, r.key, r.measure, r.point), r.hundredths);
    }
    for (const r of sumRows.rows) {
      const at = sumsKey(r.dimension, r.key);
      const list = sums.get(at) ?? [];
      list.push({ itemId: r.itemId, n: r.n, total: r.total });
      sums.set(at, list);
    }
    return { points, fine, sums };
  });
  return statsSourceFromRead({ points, fine, sums }, dimensions, {
    counts: parseIntArray,
    sums: (r) => ({ itemId: r.itemId, n: parseIntArray(r.n), total: parseFloatArray(r.total) }),
  });
}

/**
 * Runs `use` on the stored statistics. SQLite reads only what `use` asks
 * for, synchronously; a PostgreSQL read cannot be synchronous, so `use` gets
 * the statistics read at once, from one snapshot.
 */
export async function withStoredStats<T>(db: PgStore, use: (source: StatsSource) => T): Promise<T> {
  return use(await storedStatsSource(db));
}
