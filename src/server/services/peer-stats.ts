import type { Db } from '../../../db/client.ts';
import type { ScoreRow } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { createStatsAccumulator, MEASURES, type StatsAccumulator, type StatsContribution } from '../../domain/peer-stats.ts';
import { companyItems, itemScore, scoreItems } from '../../domain/scoring.ts';
import type { Answers } from '../../domain/answers.ts';
import { populationInForce, type PeerPopulation } from '../../domain/population.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { loadAnswers } from '../repositories/participants.ts';
import { addPeerStats, clearPeerStats, peerStatsTotal } from '../repositories/peer-stats.ts';
import { hasPopulation, participantTotal } from '../repositories/scores.ts';
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

/**
 * The population the stored statistics should hold for an instrument version:
 * the benchmark once it has anyone, the demo data before that
 * (src/domain/population.ts). One step down an index.
 */
export function statsPopulation(db: Db, instrumentVersion: number): PeerPopulation {
  return populationInForce(hasPopulation(db, instrumentVersion, 'benchmark'));
}

/** What the stored statistics hold, as recorded when they were last rebuilt or switched; null when unknown. */
export function heldPopulation(db: Db, instrumentVersion: number): PeerPopulation | null {
  const held = getSetting(db, HELD_SETTING);
  const [version, population, layout] = held?.split(':') ?? [];
  return Number(version) === instrumentVersion && layout === STATS_LAYOUT && (population === 'benchmark' || population === 'demo') ? population : null;
}

/**
 * What the comparison over everyone shows: the population the stored
 * statistics hold for the instrument in force. `demo` means the page must say
 * plainly that it shows demo data.
 */
export function storedStatsPopulation(db: Db, instrument: Instrument): PeerPopulation {
  return heldPopulation(db, instrument.version) ?? statsPopulation(db, instrument.version);
}

function recordHeld(db: Db, instrumentVersion: number, population: PeerPopulation): void {
  setSetting(db, HELD_SETTING, `${instrumentVersion}:${population}:${STATS_LAYOUT}`);
}

/**
 * Adds (or with -1 removes) one participant's scores to the statistics. Call
 * it inside the transaction that writes or deletes the score row (after
 * writing, before deleting), so the statistics never disagree with the
 * scores. The statistics hold the instrument in force and one population:
 * the benchmark once it has anyone, demo data before. So an unverified score,
 * or one of an earlier version, leaves them alone; a demo score enters them
 * only while they hold demo data; the first benchmark score replaces the demo
 * data (they then hold that one score), and removing the last benchmark score
 * brings the demo data back.
 */
export function recordPeerStats(db: Db, row: ScoreRow, sign: 1 | -1): void {
  const instrument = loadInstrument();
  if (row.instrumentVersion !== instrument.version || row.population === 'unverified') return;
  const add = () => {
    const acc = createStatsAccumulator(statsItemIds(instrument));
    acc.add(contributionOf(instrument, row, loadAnswers(db, row.participantId)), sign);
    addPeerStats(db, acc);
  };
  const held = heldPopulation(db, instrument.version);
  if (held === null) {
    // Nothing says what they hold (a connection opened without ensurePeerStats): rebuild them for the population in force after this change.
    const after = populationInForce(hasPopulation(db, instrument.version, 'benchmark', sign === -1 ? row.participantId : undefined));
    rebuildFor(db, instrument, after);
    // A score being deleted is still stored, so the rebuild counted it.
    if (sign === -1 && row.population === after) add();
    return;
  }
  if (row.population === held) {
    add();
    // The last benchmark score leaving: the statistics go back to the demo data.
    if (sign === -1 && held === 'benchmark' && !hasPopulation(db, instrument.version, 'benchmark', row.participantId)) {
      rebuildFor(db, instrument, 'demo');
    }
  } else if (row.population === 'benchmark' && sign === 1) {
    // The first benchmark score: the demo data leaves the statistics, which now hold this one score.
    clearPeerStats(db);
    add();
    recordHeld(db, instrument.version, 'benchmark');
  }
  // Otherwise a demo score while the statistics hold the benchmark: not theirs.
}

const CHUNK = 20_000;

type ScoreTuple = [number, number, number | null, number | null, number | null, number | null, string, string, string, string, string, string];

/**
 * Adds every stored score of the instrument's version and one population
 * with its company answers to `acc`, or only one study's (every participant
 * of a study came through its link, so they are all in the benchmark): chunks of participants in id order, each with one ordered read of
 * its answers walked alongside, and each distinct answer scored once.
 * Returns how many participants were added.
 */
export function tallyStoredScores(
  db: Db,
  instrument: Instrument,
  acc: StatsAccumulator,
  studyId?: number,
  population: PeerPopulation = 'benchmark',
  include: (participantId: number) => boolean = () => true,
): number {
  const items = companyItems(instrument);
  const itemIndex = new Map(items.map((item, i) => [item.id, i]));
  const scoreOf = items.map((item) => {
    const known = new Map<string, number>();
    return (value: string) => {
      let s = known.get(value);
      if (s === undefined) known.set(value, (s = itemScore(instrument, item, value) ?? NaN));
      return s;
    };
  });
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

/** Recomputes the statistics of one population from its stored scores and records that they hold it. */
function rebuildFor(db: Db, instrument: Instrument, population: PeerPopulation): number {
  const acc = createStatsAccumulator(statsItemIds(instrument));
  const total = tallyStoredScores(db, instrument, acc, undefined, population);
  db.$client.transaction(() => {
    clearPeerStats(db);
    addPeerStats(db, acc);
    recordHeld(db, instrument.version, population);
  })();
  return total;
}

/** Recomputes the statistics from every stored score of the population in force; returns how many they hold. */
export function rebuildPeerStats(db: Db, instrument: Instrument): number {
  return rebuildFor(db, instrument, statsPopulation(db, instrument.version));
}

/**
 * Rebuilds the statistics when they do not hold the population in force of
 * the instrument in force, or do not count every one of its score rows: a
 * database that predates them or the populations, one changed by hand, or a
 * newly published instrument version. A cheap check on every open.
 */
export function ensurePeerStats(db: Db, instrument: Instrument): boolean {
  const population = statsPopulation(db, instrument.version);
  if (heldPopulation(db, instrument.version) === population && peerStatsTotal(db) === participantTotal(db, instrument.version, population)) return false;
  rebuildPeerStats(db, instrument);
  return true;
}
