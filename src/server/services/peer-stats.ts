import type { Db } from '../../../db/client.ts';
import type { ScoreRow } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { createStatsAccumulator, MEASURES, type StatsAccumulator, type StatsContribution } from '../../domain/peer-stats.ts';
import { companyItems, itemScore, scoreItems } from '../../domain/scoring.ts';
import type { Answers } from '../../domain/answers.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { loadAnswers } from '../repositories/participants.ts';
import { addPeerStats, clearPeerStats, peerStatsTotal } from '../repositories/peer-stats.ts';
import { participantTotal } from '../repositories/scores.ts';

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

/**
 * Adds (or with -1 removes) one participant's scores to the statistics. Call
 * it inside the transaction that writes or deletes the score row, so the
 * statistics never disagree with the scores. The statistics hold the
 * instrument in force only: peer figures never mix versions, so a response
 * to an earlier version leaves them alone.
 */
export function recordPeerStats(db: Db, row: ScoreRow, sign: 1 | -1): void {
  const instrument = loadInstrument();
  if (row.instrumentVersion !== instrument.version) return;
  const acc = createStatsAccumulator(statsItemIds(instrument));
  acc.add(contributionOf(instrument, row, loadAnswers(db, row.participantId)), sign);
  addPeerStats(db, acc);
}

const CHUNK = 20_000;

type ScoreTuple = [number, number, number | null, number | null, number | null, number | null, string, string, string, string, string, string];

/**
 * Adds every stored score of the instrument's version with its company
 * answers to `acc`, or only one study's: chunks of participants in id order, each with one ordered read of
 * its answers walked alongside, and each distinct answer scored once.
 * Returns how many participants were added.
 */
export function tallyStoredScores(db: Db, instrument: Instrument, acc: StatsAccumulator, studyId?: number): number {
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
  const inStudy = studyId === undefined ? [instrument.version] : [instrument.version, studyId];
  const scoresFrom = db.$client
    .prepare(
      `SELECT participant_id, velocity, value, number, win_rate, cycle, industry, employees, sales_team, region, motion, role FROM scores
       WHERE participant_id > ? AND instrument_version = ? ${studyId === undefined ? '' : 'AND study_id = ?'} ORDER BY participant_id LIMIT ?`,
    )
    .raw();
  // Scores first, so that the scores' key (or the (study, participant) index) hands participants over in order, unsorted.
  const answersOf = db.$client
    .prepare(
      `SELECT a.participant_id, a.item_id, a.value FROM scores s JOIN answers a ON a.participant_id = s.participant_id
       WHERE s.participant_id BETWEEN ? AND ? AND s.instrument_version = ? ${studyId === undefined ? '' : 'AND s.study_id = ?'}
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
      measures.set([velocity, value ?? NaN, number ?? NaN, winRate ?? NaN, cycle ?? NaN]);
      acc.addTo(acc.tallies({ industry, employees, salesTeam, region, motion, role }), measures, itemScores, 1);
    }
    total += rows.length;
    after = rows.at(-1)![0];
  }
  return total;
}

/** Recomputes the statistics from every stored score. */
export function rebuildPeerStats(db: Db, instrument: Instrument): number {
  const acc = createStatsAccumulator(statsItemIds(instrument));
  const total = tallyStoredScores(db, instrument, acc);
  db.$client.transaction(() => {
    clearPeerStats(db);
    addPeerStats(db, acc);
  })();
  return total;
}

/**
 * Rebuilds the statistics when they do not count every score row of the
 * instrument in force: a database that predates them, one changed by hand,
 * or a newly published instrument version. A cheap check on every open.
 */
export function ensurePeerStats(db: Db, instrument: Instrument): boolean {
  if (peerStatsTotal(db) === participantTotal(db, instrument.version)) return false;
  rebuildPeerStats(db, instrument);
  return true;
}
