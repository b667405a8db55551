import { sql } from 'drizzle-orm';
import type { Instrument } from '../../../domain/instrument.ts';
import { MEASURES, type StatsAccumulator } from '../../../domain/peer-stats.ts';
import type { PeerPopulation, Population } from '../../../domain/population.ts';
import { companyItemScorers } from '../../../domain/scoring.ts';
import { pgRead, pgWrite, transaction, type PgHandle, type PgStore } from '../../data/store.ts';
import { peerStatsTotalOn, writeFreshPeerStats } from './peer-stats.ts';

/**
 * Recomputing the peer statistics from the stored scores on PostgreSQL
 * (repositories/peer-stats-rebuild.ts is SQLite's), and the few reads the
 * statistics' own bookkeeping needs, kept here so that the statistics do not
 * wait on other repositories' PostgreSQL versions for them.
 */

/**
 * Participants per chunk: a chunk's answers (some fifty per participant)
 * come back as objects, so smaller chunks than SQLite's 20,000 keep the
 * memory of one read to tens of MB.
 */
const CHUNK = 5_000;

type ScoreRecord = {
  id: number;
  velocity: number;
  value: number | null;
  number: number | null;
  winRate: number | null;
  cycle: number | null;
  industry: string;
  employees: string;
  salesTeam: string;
  region: string;
  motion: string;
  role: string;
};

/**
 * Adds every stored score of the instrument's version and one population
 * (or only one study's) with its company answers to `acc`, as SQLite's
 * tallyStoredScoresOn: chunks of participants in id order (keyset
 * pagination: `participant_id > last` on the scores' key, never OFFSET),
 * each with one read of its answers, each distinct answer scored once. All
 * chunks are read from one snapshot (the caller's transaction, or a
 * read-only REPEATABLE READ one), so a finish meanwhile is counted wholly or
 * not at all. Returns how many participants were added.
 */
export async function tallyStoredScores(
  db: PgStore,
  instrument: Instrument,
  acc: StatsAccumulator,
  studyId?: number,
  population: PeerPopulation = 'benchmark',
  include: (participantId: number) => boolean = () => true,
): Promise<number> {
  if (db.scope !== null) return pgRead(db, (h) => tallyOn(h, instrument, acc, studyId, population, include));
  return transaction(db, (tx) => tallyOn(tx.db, instrument, acc, studyId, population, include), { behavior: 'deferred' });
}

export async function tallyOn(
  h: PgHandle,
  instrument: Instrument,
  acc: StatsAccumulator,
  studyId: number | undefined,
  population: PeerPopulation,
  include: (participantId: number) => boolean,
): Promise<number> {
  const { items, itemIndex, scoreOf } = companyItemScorers(instrument);
  const which = studyId === undefined ? sql`s.population = ${population}` : sql`s.study_id = ${studyId}`;
  const itemIds = `{${items.map((i) => `"${i.id.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  const measures = new Float64Array(MEASURES.length);
  const itemScores = new Float64Array(items.length);
  let after = 0;
  let total = 0;
  for (;;) {
    const { rows } = await h.execute<ScoreRecord>(
      sql`SELECT s.participant_id AS id, s.velocity, s.value, s.number, s.win_rate AS "winRate", s.cycle, s.industry, s.employees,
                 s.sales_team AS "salesTeam", s.region, s.motion, s.role
          FROM scores s WHERE s.participant_id > ${after} AND s.instrument_version = ${instrument.version} AND ${which}
          ORDER BY s.participant_id LIMIT ${CHUNK}`,
    );
    if (rows.length === 0) break;
    const answers = (
      await h.execute<{ p: number; item: string; value: string }>(
        sql`SELECT a.participant_id AS p, a.item_id AS item, a.value FROM scores s JOIN answers a ON a.participant_id = s.participant_id
            WHERE s.participant_id BETWEEN ${rows[0]!.id} AND ${rows.at(-1)!.id} AND s.instrument_version = ${instrument.version} AND ${which}
            AND a.item_id = ANY(${itemIds}::text[]) ORDER BY s.participant_id`,
      )
    ).rows;
    let a = 0;
    for (const r of rows) {
      itemScores.fill(NaN);
      for (; a < answers.length && answers[a]!.p === r.id; a++) {
        const at = itemIndex.get(answers[a]!.item)!;
        itemScores[at] = scoreOf[at]!(answers[a]!.value);
      }
      if (!include(r.id)) continue;
      measures.set([r.velocity, r.value ?? NaN, r.number ?? NaN, r.winRate ?? NaN, r.cycle ?? NaN]);
      acc.addTo(acc.tallies(r), measures, itemScores, 1);
      total++;
    }
    after = rows.at(-1)!.id;
  }
  return total;
}

/** Whether a version's population has anyone, leaving out one participant when asked: one step down an index. */
export async function hasPopulationOn(h: PgHandle, instrumentVersion: number, population: Population, exceptParticipantId?: number): Promise<boolean> {
  const except = exceptParticipantId === undefined ? sql`` : sql`AND participant_id <> ${exceptParticipantId}`;
  const { rows } = await h.execute(sql`SELECT 1 FROM scores WHERE instrument_version = ${instrumentVersion} AND population = ${population} ${except} LIMIT 1`);
  return rows.length > 0;
}

/** Score rows of a version's population. */
export async function participantTotalOn(h: PgHandle, instrumentVersion: number, population: Population): Promise<number> {
  const { rows } = await h.execute<{ n: number }>(sql`SELECT count(*) AS n FROM scores WHERE instrument_version = ${instrumentVersion} AND population = ${population}`);
  return Number(rows[0]!.n);
}

export { peerStatsTotalOn };

/**
 * A settings value; undefined when never set. `lock` reads it with a row
 * lock held to the end of the caller's transaction (see
 * services/peer-stats.ts recordPeerStats for why the statistics need it).
 */
export async function settingOn(h: PgHandle, key: string, lock?: 'share' | 'update'): Promise<string | undefined> {
  const locking = lock === 'update' ? sql`FOR UPDATE` : lock === 'share' ? sql`FOR SHARE` : sql``;
  const { rows } = await h.execute<{ value: string }>(sql`SELECT value FROM settings WHERE key = ${key} ${locking}`);
  return rows[0]?.value;
}

/** A settings value on a store (the pool's or a transaction's). */
export async function readSetting(db: PgStore, key: string): Promise<string | undefined> {
  return pgRead(db, (h) => settingOn(h, key));
}

/** Makes sure a settings row exists, so that it can be locked before anyone has given it a value (`value` is a placeholder). */
export async function settingRowOn(h: PgHandle, key: string, value: string): Promise<void> {
  await h.execute(sql`INSERT INTO settings (key, value) VALUES (${key}, ${value}) ON CONFLICT (key) DO NOTHING`);
}

export async function putSettingOn(h: PgHandle, key: string, value: string): Promise<void> {
  await h.execute(sql`INSERT INTO settings (key, value) VALUES (${key}, ${value}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
}

/** Replaces the stored statistics with `stats` and sets the settings row that says what they hold, in the caller's transaction. */
export async function replacePeerStatsOn(h: PgHandle, stats: StatsAccumulator, held: { key: string; value: string }): Promise<void> {
  // TRUNCATE would take an ACCESS EXCLUSIVE lock and stop every reader of the statistics; DELETE leaves readers their snapshot.
  await h.execute(sql`DELETE FROM peer_score_counts`);
  await h.execute(sql`DELETE FROM peer_item_sums`);
  await writeFreshPeerStats(h, stats);
  await putSettingOn(h, held.key, held.value);
}

/** replacePeerStatsOn on a store: in its transaction, or one of its own. */
export async function replacePeerStats(db: PgStore, stats: StatsAccumulator, held: { key: string; value: string }): Promise<void> {
  await pgWrite(db, (h) => replacePeerStatsOn(h, stats, held));
}
