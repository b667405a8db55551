import type { Db } from '../../../db/client.ts';
import type { ScoreRow } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { createStatsAccumulator, type StatsContribution } from '../../domain/peer-stats.ts';
import { companyItems, scoreItems } from '../../domain/scoring.ts';
import type { Answers } from '../../domain/answers.ts';
import { populationInForce, type PeerPopulation } from '../../domain/population.ts';
import { onSqlite, transaction, type PgHandle, type PgStore, type Store } from '../data/store.ts';
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
import {
  hasPopulationOn as pgHasPopulationOn,
  participantTotalOn as pgParticipantTotalOn,
  peerStatsTotalOn as pgPeerStatsTotalOn,
  putSettingOn as pgPutSettingOn,
  readSetting as pgReadSetting,
  replacePeerStatsOn as pgReplacePeerStatsOn,
  settingOn as pgSettingOn,
  settingRowOn as pgSettingRowOn,
  tallyOn as pgTallyOn,
} from '../repositories/pg/peer-stats-rebuild.ts';
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
export const HELD_SETTING = 'peer-stats-hold';
/**
 * Which groups the statistics keep; raised when a group is added (layout 2:
 * industry × employees band), so that a database kept under an earlier one is
 * rebuilt when opened instead of read as if it held the new groups.
 */
const STATS_LAYOUT = '2';

/** What a settings value of HELD_SETTING says the statistics hold for an instrument version; null when unknown. */
export function heldIn(held: string | undefined, instrumentVersion: number): PeerPopulation | null {
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
  if (db.backend === 'pg') return heldIn(await pgReadSetting(db, HELD_SETTING), instrumentVersion);
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
  if (db.backend === 'pg') {
    // Meant for the caller's transaction; alone, one of its own (beside other finishes: it takes no key).
    if (db.scope === null) return transaction(db, (tx) => recordPeerStatsPg(tx, instrument, row, sign), { locks: [] });
    return recordPeerStatsPg(db, instrument, row, sign);
  }
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
 * query slips into. PostgreSQL's is at the end of this file.
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
  // PostgreSQL: a transaction holding the whole database, so no finish adds to the statistics while they are rebuilt.
  if (db.backend === 'pg') return transaction(db, (tx) => rebuildPeerStatsPg(tx.db, instrument));
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

/*
 * PostgreSQL. Several app servers finish participants at once, each in a
 * transaction of its own that names only its participant's key (so the
 * statistics must look after themselves). An ordinary finish adds its
 * counts with element-wise upserts (repositories/pg/peer-stats.ts), which
 * lose nothing however many run at once. What upserts cannot make safe are
 * the transitions of what the statistics hold (the first benchmark score
 * replacing the demo data, the last one leaving bringing it back, a rebuild
 * when nothing says what they hold): each reads the scores and rewrites every
 * row, and a finish adding meanwhile would be lost or counted twice.
 *
 * So every change reads the held-population setting row with a row lock held
 * to its commit: FOR SHARE for an ordinary addition (any number at once:
 * share locks do not conflict, so finishes never queue on each other here),
 * FOR UPDATE for a transition (it waits for the additions in progress to
 * commit, and the additions that come after wait for it and then read what
 * it left, READ COMMITTED re-reading the row once the lock is granted). A
 * finish that saw no transition coming but finds one under its share lock
 * (another transaction changed the row in between) asks for FOR UPDATE too;
 * two doing that at once deadlock, and PostgreSQL's deadlock error makes the
 * transaction run again (data/store.ts), which is rare and harmless. A
 * deletion of a benchmark score always takes FOR UPDATE: it may be the last
 * one, and two deletions of the last two under share locks would each still
 * see the other's score and neither bring the demo data back.
 */

/** Whether this change may switch what the statistics hold, given what they hold now. */
function mayTransition(held: PeerPopulation | null, row: ScoreRow, sign: 1 | -1): boolean {
  if (held === null) return true;
  if (row.population !== 'benchmark') return false;
  return sign === 1 ? held !== 'benchmark' : held === 'benchmark';
}

async function recordPeerStatsPg(db: PgStore, instrument: Instrument, row: ScoreRow, sign: 1 | -1): Promise<void> {
  const h = db.db;
  const version = instrument.version;
  const add = async () => {
    const acc = createStatsAccumulator(statsItemIds(instrument));
    acc.add(contributionOf(instrument, row, await loadAnswers(db, row.participantId)), sign);
    await addPeerStats(db, acc);
  };
  const seen = await pgSettingOn(h, HELD_SETTING);
  // A row to lock even before anything is recorded (the placeholder reads as "unknown").
  if (seen === undefined) await pgSettingRowOn(h, HELD_SETTING, '');
  let lock: 'share' | 'update' = mayTransition(heldIn(seen, version), row, sign) ? 'update' : 'share';
  let held = heldIn(await pgSettingOn(h, HELD_SETTING, lock), version);
  if (lock === 'share' && mayTransition(held, row, sign)) {
    lock = 'update';
    held = heldIn(await pgSettingOn(h, HELD_SETTING, lock), version);
  }
  if (held === null) {
    const after = populationInForce(await pgHasPopulationOn(h, version, 'benchmark', sign === -1 ? row.participantId : undefined));
    await rebuildForPg(h, instrument, after);
    // A score being deleted is still stored, so the rebuild counted it.
    if (sign === -1 && row.population === after) await add();
    return;
  }
  if (row.population === held) {
    await add();
    if (sign === -1 && held === 'benchmark' && !(await pgHasPopulationOn(h, version, 'benchmark', row.participantId))) await rebuildForPg(h, instrument, 'demo');
  } else if (row.population === 'benchmark' && sign === 1) {
    await clearPeerStats(db);
    await add();
    const { key, value } = heldRow(version, 'benchmark');
    await pgPutSettingOn(h, key, value);
  }
}

/** Recomputes the statistics of one population from its stored scores and records that they hold it, in the caller's transaction. */
async function rebuildForPg(h: PgHandle, instrument: Instrument, population: PeerPopulation): Promise<number> {
  const acc = createStatsAccumulator(statsItemIds(instrument));
  const total = await pgTallyOn(h, instrument, acc, undefined, population, () => true);
  await pgReplacePeerStatsOn(h, acc, heldRow(instrument.version, population));
  return total;
}

async function rebuildPeerStatsPg(h: PgHandle, instrument: Instrument): Promise<number> {
  return rebuildForPg(h, instrument, populationInForce(await pgHasPopulationOn(h, instrument.version, 'benchmark')));
}

/**
 * ensurePeerStats for a PostgreSQL store, run by every instance when it
 * opens the database (src/server/data/open.ts): the same cheap check, in a
 * transaction holding the whole database, so that two instances starting
 * together rebuild once (the second then finds them in step) and no finish
 * adds to them meanwhile.
 */
export async function ensurePgPeerStats(db: PgStore, instrument: Instrument): Promise<boolean> {
  return transaction(db, async (tx) => {
    const h = tx.db;
    const population = populationInForce(await pgHasPopulationOn(h, instrument.version, 'benchmark'));
    if (
      heldIn(await pgSettingOn(h, HELD_SETTING), instrument.version) === population &&
      (await pgPeerStatsTotalOn(h)) === (await pgParticipantTotalOn(h, instrument.version, population))
    ) {
      return false;
    }
    await rebuildForPg(h, instrument, population);
    return true;
  });
}
