import type { Db } from '../../../db/client.ts';
import type { ScoreRow } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { createStatsAccumulator, type StatsContribution } from '../../domain/peer-stats.ts';
import { companyItems, scoreItems } from '../../domain/scoring.ts';
import type { Answers } from '../../domain/answers.ts';
import { populationInForce, type PeerPopulation } from '../../domain/population.ts';
import { onSqlite, type Store } from '../data/store.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { loadAnswers } from '../repositories/participants.ts';
import { addPeerStats, clearPeerStats } from '../repositories/peer-stats.ts';
import {
  hasPopulationOn,
  participantTotalOn,
  peerStatsTotalOn,
  replacePeerStatsOn,
  settingOn,
  tallyStoredScoresOn,
} from '../repositories/peer-stats-rebuild.ts';
import { hasPopulation } from '../repositories/scores.ts';
import { getSetting, setSetting } from '../repositories/settings.ts';

/** The company item ids the statistics keep sums for, in a fixed order. */
export function statsItemIds(instrument: Instrument): string[] {
  return companyItems(instrument).map((i) => i.id);
}

/** What one stored score row and its answers add to the statistics. */
export function contributionOf(instrument: Instrument, row: ScoreRow, answers: Answers): StatsContribution {
  const itemScores = scoreItems(instrument, companyItems(instrument), answers);
  return {
    keys: { industry: row.industry, employees: row.employees, salesTeam: row.salesTeam, region: row.region, motion: row.motion, role: row.role },
    scores: { velocity: row.velocity, value: row.value, number: row.number, winRate: row.winRate, cycle: row.cycle },
    itemScores: statsItemIds(instrument).map((id) => itemScores.get(id) ?? null),
  };
}

/** The settings row naming what the stored statistics hold: "<instrument version>:<population>:<layout>". */
const HELD_SETTING = 'peer-stats-hold';
/**
 * Which groups the statistics keep; raised when a group is added (layout 2:
 * industry × employees band), so that a database kept under an earlier one is
 * rebuilt when opened instead of read as if it held the new groups.
 */
const STATS_LAYOUT = '2';

/** What a settings value of HELD_SETTING says the statistics hold for an instrument version; null when unknown. */
function heldIn(held: string | undefined, instrumentVersion: number): PeerPopulation | null {
  const [version, population, layout] = held?.split(':') ?? [];
  return Number(version) === instrumentVersion && layout === STATS_LAYOUT && (population === 'benchmark' || population === 'demo') ? population : null;
}

/** The settings row recording that the statistics hold `population` of an instrument version. */
function heldRow(instrumentVersion: number, population: PeerPopulation): { key: string; value: string } {
  return { key: HELD_SETTING, value: `${instrumentVersion}:${population}:${STATS_LAYOUT}` };
}

/**
 * The population the stored statistics should hold for an instrument version:
 * the benchmark once it has anyone, the demo data before that
 * (src/domain/population.ts). One step down an index.
 */
export async function statsPopulation(db: Store, instrumentVersion: number): Promise<PeerPopulation> {
  return populationInForce(await hasPopulation(db, instrumentVersion, 'benchmark'));
}

/** What the stored statistics hold, as recorded when they were last rebuilt or switched; null when unknown. */
export async function heldPopulation(db: Store, instrumentVersion: number): Promise<PeerPopulation | null> {
  return heldIn(await getSetting(db, HELD_SETTING), instrumentVersion);
}

/**
 * What the comparison over everyone shows: the population the stored
 * statistics hold for the instrument in force. `demo` means the page must say
 * plainly that it shows demo data.
 */
export async function storedStatsPopulation(db: Store, instrument: Instrument): Promise<PeerPopulation> {
  return (await heldPopulation(db, instrument.version)) ?? (await statsPopulation(db, instrument.version));
}

async function recordHeld(db: Store, instrumentVersion: number, population: PeerPopulation): Promise<void> {
  const { key, value } = heldRow(instrumentVersion, population);
  await setSetting(db, key, value);
}

/**
 * Adds (or with -1 removes) one participant's scores to the statistics. Call
 * it inside the transaction that writes or deletes the score row (after
 * writing, before deleting), with that transaction's store, so the
 * statistics never disagree with the scores. The statistics hold the
 * instrument in force and one population:
 * the benchmark once it has anyone, demo data before. So an unverified score,
 * or one of an earlier version, leaves them alone; a demo score enters them
 * only while they hold demo data; the first benchmark score replaces the demo
 * data (they then hold that one score), and removing the last benchmark score
 * brings the demo data back.
 */
export async function recordPeerStats(db: Store, row: ScoreRow, sign: 1 | -1): Promise<void> {
  const instrument = loadInstrument();
  if (row.instrumentVersion !== instrument.version || row.population === 'unverified') return;
  const add = async () => {
    const acc = createStatsAccumulator(statsItemIds(instrument));
    acc.add(contributionOf(instrument, row, await loadAnswers(db, row.participantId)), sign);
    await addPeerStats(db, acc);
  };
  const held = await heldPopulation(db, instrument.version);
  if (held === null) {
    // Nothing says what they hold (a connection opened without ensurePeerStats): rebuild them for the population in force after this change.
    const after = populationInForce(await hasPopulation(db, instrument.version, 'benchmark', sign === -1 ? row.participantId : undefined));
    await rebuildFor(db, instrument, after);
    // A score being deleted is still stored, so the rebuild counted it.
    if (sign === -1 && row.population === after) await add();
    return;
  }
  if (row.population === held) {
    await add();
    // The last benchmark score leaving: the statistics go back to the demo data.
    if (sign === -1 && held === 'benchmark' && !(await hasPopulation(db, instrument.version, 'benchmark', row.participantId))) {
      await rebuildFor(db, instrument, 'demo');
    }
  } else if (row.population === 'benchmark' && sign === 1) {
    // The first benchmark score: the demo data leaves the statistics, which now hold this one score.
    await clearPeerStats(db);
    await add();
    await recordHeld(db, instrument.version, 'benchmark');
  }
  // Otherwise a demo score while the statistics hold the benchmark: not theirs.
}

/*
 * The rebuild below works on the SQLite handle itself, synchronously: it is
 * the SQLite backend's own maintenance, run by ensurePeerStats while a
 * database is opened (src/server/db.ts openMigrated, synchronous), and by
 * the async Store functions through onSqlite, so that the tally and the
 * write are one piece of work on the connection that no other request's
 * query slips into. A PostgreSQL Store will need its own.
 */

/** Recomputes the statistics of one population from its stored scores and records that they hold it (SQLite handle). */
function rebuildForOn(db: Db, instrument: Instrument, population: PeerPopulation): number {
  const acc = createStatsAccumulator(statsItemIds(instrument));
  const total = tallyStoredScoresOn(db, instrument, acc, undefined, population);
  replacePeerStatsOn(db, acc, heldRow(instrument.version, population));
  return total;
}

/** rebuildForOn on a Store (inside a transaction: a savepoint in it). */
async function rebuildFor(db: Store, instrument: Instrument, population: PeerPopulation): Promise<number> {
  return onSqlite(db, (h) => rebuildForOn(h, instrument, population));
}

/** Recomputes the statistics from every stored score of the population in force (SQLite handle); returns how many they hold. */
function rebuildPeerStatsOn(db: Db, instrument: Instrument): number {
  return rebuildForOn(db, instrument, populationInForce(hasPopulationOn(db, instrument.version, 'benchmark')));
}

/** Recomputes the statistics from every stored score of the population in force; returns how many they hold. */
export async function rebuildPeerStats(db: Store, instrument: Instrument): Promise<number> {
  return onSqlite(db, (h) => rebuildPeerStatsOn(h, instrument));
}

/**
 * Rebuilds the statistics when they do not hold the population in force of
 * the instrument in force, or do not count every one of its score rows: a
 * database that predates them or the populations, one changed by hand, or a
 * newly published instrument version. A cheap check on every open.
 * Synchronous, on the SQLite handle being opened (not a Store): the SQLite
 * backend's own maintenance (src/server/db.ts openMigrated).
 */
export function ensurePeerStats(db: Db, instrument: Instrument): boolean {
  const population = populationInForce(hasPopulationOn(db, instrument.version, 'benchmark'));
  if (heldIn(settingOn(db, HELD_SETTING), instrument.version) === population && peerStatsTotalOn(db) === participantTotalOn(db, instrument.version, population)) {
    return false;
  }
  rebuildPeerStatsOn(db, instrument);
  return true;
}
