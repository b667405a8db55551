import type { Db } from '../../../db/client.ts';
import { countAtMostIn, histogramIn, inGroup, leaveOut, quartilesIn, statGroupOf, type FineCounts } from '../../domain/peer-counts.ts';
import type { Measure } from '../../domain/peer-stats.ts';
import type { PeerProfile, Quartiles } from '../../domain/peers.ts';
import type { PeerPopulation } from '../../domain/population.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { readFineCounts } from '../repositories/peer-stats.ts';
import { companyPeerScores, peerScoreOf, type GroupWhere, type PeerScoreRow } from '../repositories/scores.ts';
import { heldPopulation } from './peer-stats.ts';

/** The Velocity Index and its four sub-indices: the scores peer figures are given for. */
export type PeerMeasure = Measure;

/** What a results page or report shows of one peer group, its subject's company (or the subject) left out. */
export interface GroupFigures {
  /** Members with a score in `measure`, and how many of them score `value` or less. */
  countAtMost(measure: PeerMeasure, value: number): { size: number; notBetter: number };
  /** Type-7 quartiles of `measure`; null below `minSize` members with a score. */
  quartiles(measure: PeerMeasure, minSize: number): Quartiles | null;
  /** Velocity Index counts in ten-point bands. */
  histogram(): number[];
}

/** Who is never their own peer: a company's participants, or one participant. */
export interface LeftOut {
  participantId?: number;
  companyId?: number | null;
}

/**
 * The figures of peer groups read from the kept statistics
 * (src/server/services/peer-stats.ts) minus the scores of the subject's
 * company, or of the subject when it has none: a hundred-odd rows per group
 * and score plus the company's few, however large the benchmark. Null when
 * the statistics do not hold these peers: an instrument version other than
 * the one in force, or a population they do not hold (the benchmark while
 * they still hold demo data, which has no one to compare with anyway).
 * `fallback` answers a group whose counts turn out out of step with the
 * scores, so a reader is never shown a figure that leaves someone in.
 */
export function keptFiguresFor(
  db: Db,
  peers: { instrumentVersion: number; population: PeerPopulation },
  leftOut: LeftOut,
  fallback: (where: Partial<PeerProfile>) => GroupFigures,
): ((where: Partial<PeerProfile>) => GroupFigures) | null {
  if (peers.instrumentVersion !== loadInstrument().version || heldPopulation(db, peers.instrumentVersion) !== peers.population) return null;
  const rows = leftOutRows(db, leftOut).filter((r) => r.instrumentVersion === peers.instrumentVersion && r.population === peers.population);
  return (where) => groupFigures(db, where, rows, () => fallback(where));
}

function leftOutRows(db: Db, leftOut: LeftOut): PeerScoreRow[] {
  const rows = leftOut.companyId == null ? [] : companyPeerScores(db, leftOut.companyId);
  if (leftOut.participantId !== undefined && !rows.some((r) => r.participantId === leftOut.participantId)) {
    const own = peerScoreOf(db, leftOut.participantId);
    if (own) rows.push(own);
  }
  return rows;
}

function groupFigures(db: Db, where: Partial<PeerProfile>, leftOutRows: readonly PeerScoreRow[], fallback: () => GroupFigures): GroupFigures {
  const { dimension, key } = statGroupOf(where);
  const members = leftOutRows.filter((r) => inGroup(where, r));
  const counts = new Map<PeerMeasure, FineCounts | null>();
  let sql: GroupFigures | undefined;
  const slow = () => (sql ??= fallback());
  const fine = (measure: PeerMeasure): FineCounts | null => {
    if (!counts.has(measure)) {
      const c = readFineCounts(db, dimension, key, measure);
      counts.set(measure, leaveOut(c, members.map((r) => r[measure])) ? c : null);
    }
    return counts.get(measure)!;
  };
  return {
    countAtMost(measure, value) {
      const c = fine(measure);
      return c ? countAtMostIn(c, value) : slow().countAtMost(measure, value);
    },
    quartiles(measure, minSize) {
      const c = fine(measure);
      return c ? quartilesIn(c, minSize) : slow().quartiles(measure, minSize);
    },
    histogram() {
      const c = fine('velocity');
      return c ? histogramIn(c) : slow().histogram();
    },
  };
}
