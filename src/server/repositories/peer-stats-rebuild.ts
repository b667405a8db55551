import { and, count, eq, sql } from 'drizzle-orm';
import type { Db as SqliteDb } from '../../../db/client.ts';
import { scores, settings } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { MEASURES, POINT_BUCKETS, type StatsAccumulator } from '../../domain/peer-stats.ts';
import type { PeerPopulation, Population } from '../../domain/population.ts';
import { companyItemScorers } from '../../domain/scoring.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgRebuild from './pg/peer-stats-rebuild.ts';

/**
 * Recomputing the peer statistics from the stored scores (the statistics
 * themselves: src/server/services/peer-stats.ts and repositories/peer-stats.ts).
 *
 * Besides the async Store functions, this holds synchronous functions on the
 * SQLite handle itself (the `…On` ones): the SQLite backend's own
 * maintenance, run while a database is opened (src/server/db.ts
 * openMigrated, synchronous: ensurePeerStats) and, through onSqlite, as one
 * piece of work nothing else can slip into (rebuildPeerStats).
 */

const CHUNK = 20_000;

type ScoreTuple = [number, number, number | null, number | null, number | null, number | null, string, string, string, string, string, string];

/**
 * Adds every stored score of the instrument's version and one population
 * with its company answers to `acc`, or only one study's (every participant
 * of a study came through its link, so they are all in the benchmark): chunks of participants in id order, each with one ordered read of
 * its answers walked alongside, and each distinct answer scored once.
 * Returns how many participants were added.
 */
export function tallyStoredScoresOn(
  db: SqliteDb,
  instrument: Instrument,
  acc: StatsAccumulator,
  studyId?: number,
  population: PeerPopulation = 'benchmark',
  include: (participantId: number) => boolean = () => true,
): number {
  const { items, itemIndex, scoreOf } = companyItemScorers(instrument);
  const inStudy = studyId === undefined ? [instrument.version, population] : [instrument.version, studyId];
  const scoresFrom = db.$client
    .prepare(
      `SELECT participant_id, velocity, value, number, win_rate, cycle, industry, employees, sales_team, region, motion, role FROM scores
       WHERE participant_id > ? AND instrument_version = ? ${studyId === undefined ? 'AND population = ?' : 'AND study_id = ?'} ORDER BY participant_id LIMIT ?`,
    )
    .raw();
  // Scores first, so that the scores' key (or the (study, participant) index) hands participants over in order, unsorted.
  const answersOf = db.$client
    .prepare(
      `SELECT a.participant_id, a.item_id, a.value FROM scores s JOIN answers a ON a.participant_id = s.participant_id
       WHERE s.participant_id BETWEEN ? AND ? AND s.instrument_version = ? ${studyId === undefined ? 'AND s.population = ?' : 'AND s.study_id = ?'}
       AND a.item_id IN (${items.map(() => '?').join(', ')}) ORDER BY s.participant_id`,
    )
    .raw();
  const measures = new Float64Array(MEASURES.length);
  const itemScores = new Float64Array(items.length);
  let after = 0;
  let total = 0;
  for (;;) {
    const rows = scoresFrom.all(after, ...inStudy, CHUNK) as ScoreTuple[];
    if (rows.length === 0) break;
    const answers = answersOf.all(rows[0]![0], rows.at(-1)![0], ...inStudy, ...items.map((i) => i.id)) as [number, string, string][];
    let a = 0;
    for (const [id, velocity, value, number, winRate, cycle, industry, employees, salesTeam, region, motion, role] of rows) {
      itemScores.fill(NaN);
      for (; a < answers.length && answers[a]![0] === id; a++) {
        const at = itemIndex.get(answers[a]![1])!;
        itemScores[at] = scoreOf[at]!(answers[a]![2]);
      }
      if (!include(id)) continue;
      measures.set([velocity, value ?? NaN, number ?? NaN, winRate ?? NaN, cycle ?? NaN]);
      acc.addTo(acc.tallies({ industry, employees, salesTeam, region, motion, role }), measures, itemScores, 1);
      total++;
    }
    after = rows.at(-1)![0];
  }
  return total;
}

/** tallyStoredScoresOn on a Store: the whole tally as one piece of work on the connection. */
export async function tallyStoredScores(
  db: Store,
  instrument: Instrument,
  acc: StatsAccumulator,
  studyId?: number,
  population: PeerPopulation = 'benchmark',
  include: (participantId: number) => boolean = () => true,
): Promise<number> {
  if (db.backend === 'pg') return pgRebuild.tallyStoredScores(db, instrument, acc, studyId, population, include);
  return onSqlite(db, (h) => tallyStoredScoresOn(h, instrument, acc, studyId, population, include));
}

/** Whether a version's population has anyone (repositories/scores.ts hasPopulation, on the handle): one step down an index. */
export function hasPopulationOn(db: SqliteDb, instrumentVersion: number, population: Population): boolean {
  return (
    db
      .select({ one: sql<number>`1` })
      .from(scores)
      .where(and(eq(scores.instrumentVersion, instrumentVersion), eq(scores.population, population)))
      .limit(1)
      .get() !== undefined
  );
}

/** Score rows of a version's population (repositories/scores.ts participantTotal, on the handle). */
export function participantTotalOn(db: SqliteDb, instrumentVersion: number, population: Population): number {
  return db
    .select({ n: count() })
    .from(scores)
    .where(and(eq(scores.instrumentVersion, instrumentVersion), eq(scores.population, population)))
    .get()!.n;
}

/** Participants the statistics count (repositories/peer-stats.ts peerStatsTotal, on the handle): equal to the number of score rows when they are in step. */
export function peerStatsTotalOn(db: SqliteDb): number {
  const row = db.$client
    .prepare("SELECT coalesce(sum(n), 0) AS n FROM peer_score_counts WHERE dimension = 'all' AND key = '' AND measure = 'velocity'")
    .get() as { n: number };
  return row.n;
}

/** A settings value (repositories/settings.ts getSetting, on the handle); undefined when never set. */
export function settingOn(db: SqliteDb, key: string): string | undefined {
  return (db.$client.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

/**
 * Replaces the stored statistics with `stats` and sets the settings row that
 * says what they hold, in one transaction (a savepoint inside one: better-sqlite3
 * nests a transaction opened while the connection is already in one).
 */
export function replacePeerStatsOn(db: SqliteDb, stats: StatsAccumulator, held: { key: string; value: string }): void {
  db.$client.transaction(() => {
    db.$client.exec('DELETE FROM peer_score_counts; DELETE FROM peer_item_sums;');
    writePeerStats(db, stats);
    db.insert(settings).values(held).onConflictDoUpdate({ target: settings.key, set: { value: held.value } }).run();
  })();
}

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

/**
 * Writes tallies into emptied statistics tables: what repositories/peer-stats.ts
 * addPeerStats stores when nothing is stored yet (the accumulator gives each
 * row once; an item row whose counts come to nothing is not written, and a
 * point nobody is in sums to exactly zero). Kept here, on the handle, for the
 * synchronous rebuild.
 */
function writePeerStats(db: SqliteDb, stats: StatsAccumulator): void {
  const c = db.$client;
  const putPoint = c.prepare('INSERT INTO peer_score_counts (dimension, key, measure, point, n, hundredths) VALUES (?, ?, ?, ?, ?, ?)');
  stats.forEachPoint(({ dimension, key, measure, point, n, hundredths }) => {
    if (hundredths.every((x) => x === 0)) return;
    putPoint.run(dimension, key, measure, point, n, int32s(hundredths));
  });
  const putItem = c.prepare('INSERT INTO peer_item_sums (dimension, key, item_id, n, total) VALUES (?, ?, ?, ?, ?)');
  stats.forEachItem(({ dimension, key, itemId, n, total }) => {
    if (n.every((x) => x === 0)) return;
    const sums = new Float64Array(POINT_BUCKETS);
    for (let p = 0; p < POINT_BUCKETS; p++) sums[p] = n[p] === 0 ? 0 : total[p]!;
    putItem.run(dimension, key, itemId, int32s(n), float64s(sums));
  });
}
