import type { Db } from '../../../db/client.ts';
import type { ScoreRow } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { createStatsAccumulator, type StatsContribution } from '../../domain/peer-stats.ts';
import { companyItems, scoreItems } from '../../domain/scoring.ts';
import type { Answers } from '../../domain/answers.ts';
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
 * statistics never disagree with the scores.
 */
export function recordPeerStats(db: Db, instrument: Instrument, row: ScoreRow, sign: 1 | -1): void {
  const acc = createStatsAccumulator(statsItemIds(instrument));
  acc.add(contributionOf(instrument, row, loadAnswers(db, row.participantId)), sign);
  addPeerStats(db, acc);
}

const REBUILD_CHUNK = 20_000;

/** Recomputes the statistics from every stored score, in chunks of participants so memory stays flat. */
export function rebuildPeerStats(db: Db, instrument: Instrument): number {
  const acc = createStatsAccumulator(statsItemIds(instrument));
  const scoresFrom = db.$client.prepare(
    'SELECT participant_id AS participantId, velocity, value, number, win_rate AS winRate, cycle, industry, employees, sales_team AS salesTeam, region, motion, role FROM scores WHERE participant_id > ? ORDER BY participant_id LIMIT ?',
  );
  const itemIds = statsItemIds(instrument);
  const answersBetween = db.$client.prepare(
    `SELECT participant_id AS id, item_id AS itemId, value FROM answers WHERE participant_id BETWEEN ? AND ? AND item_id IN (${itemIds.map(() => '?').join(', ')})`,
  );
  let after = 0;
  let total = 0;
  for (;;) {
    const rows = scoresFrom.all(after, REBUILD_CHUNK) as ScoreRow[];
    if (rows.length === 0) break;
    const answers = new Map<number, Record<string, string>>();
    for (const a of answersBetween.all(rows[0]!.participantId, rows.at(-1)!.participantId, ...itemIds) as { id: number; itemId: string; value: string }[]) {
      let m = answers.get(a.id);
      if (!m) answers.set(a.id, (m = {}));
      m[a.itemId] = a.value;
    }
    for (const row of rows) acc.add(contributionOf(instrument, row, answers.get(row.participantId) ?? {}));
    total += rows.length;
    after = rows.at(-1)!.participantId;
  }
  db.$client.transaction(() => {
    clearPeerStats(db);
    addPeerStats(db, acc);
  })();
  return total;
}

/**
 * Rebuilds the statistics when they do not count every score row: a database
 * that predates them, or one changed by hand. A cheap check on every open.
 */
export function ensurePeerStats(db: Db, instrument: Instrument): boolean {
  if (peerStatsTotal(db) === participantTotal(db)) return false;
  rebuildPeerStats(db, instrument);
  return true;
}
