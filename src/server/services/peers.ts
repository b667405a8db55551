import type { Db } from '../../../db/client.ts';
import { publishedScore, quantileMinimum } from '../../domain/anonymity.ts';
import {
  choosePeerGroup,
  interpolate,
  peerGroupCandidates,
  quantilePosition,
  relativeFromCounts,
  type ChosenPeerGroup,
  type PeerProfile,
  type Quartiles,
} from '../../domain/peers.ts';
import { comparedWith, type Population } from '../../domain/population.ts';
import {
  countAtMost,
  countScored,
  groupCounts,
  scoreAtRank,
  velocityHistogram,
  type GroupWhere,
  type ScoreColumn,
} from '../repositories/scores.ts';
import { keptFiguresFor, type GroupFigures, type PeerMeasure } from './peer-figures.ts';

export type { GroupFigures, PeerMeasure } from './peer-figures.ts';

export interface PeerPosition {
  group: ChosenPeerGroup;
  /** The group as a condition on the scores, the subject's company already left out. */
  where: GroupWhere;
  /** The chosen group's further figures, the subject's company (or the subject) already left out. */
  figures: GroupFigures;
  /** Share (0-100) of the group that did not score better. */
  relative: number;
}

export interface PeerSubject extends PeerProfile {
  /** Left out of its own group when it is already stored. */
  participantId?: number;
  /** For a company's scores: every colleague is left out too. */
  companyId?: number | null;
  velocity: number;
  /** Peers are only those who answered the same instrument version. */
  instrumentVersion: number;
  /** The subject's own population: a real participant's peers are the benchmark, a demo participant's the demo data. */
  population: Population;
}

/**
 * The subject's place in the most specific peer group with at least
 * `minSize` others. Figures come from the kept statistics (src/server/services/peer-figures.ts)
 * when they hold the subject's peers, from the scores themselves otherwise.
 */
export function peerPosition(db: Db, subject: PeerSubject, minSize: number): PeerPosition | null {
  const figuresOf = new Map<string, GroupFigures>();
  const counted = new Map<string, { size: number; notBetter: number }>();
  const sql = (group: Partial<PeerProfile>) => sqlGroupFigures(db, whereOf(group, subject), subject.participantId);
  const kept = keptFiguresFor(db, { instrumentVersion: subject.instrumentVersion, population: comparedWith(subject.population) }, subject, sql);
  const group = choosePeerGroup(
    peerGroupCandidates(subject),
    (g) => {
      const figures = kept ? kept(g.where) : sql(g.where);
      const c = figures.countAtMost('velocity', subject.velocity);
      figuresOf.set(g.id, figures);
      counted.set(g.id, c);
      return c.size;
    },
    minSize,
  );
  if (!group) return null;
  return { group, where: whereOf(group.where, subject), figures: figuresOf.get(group.id)!, relative: relativeFromCounts(counted.get(group.id)!.notBetter, group.size)! };
}

/**
 * A group's figures read from the scores: for groups the kept statistics do
 * not hold (an earlier instrument version, or the benchmark while they still
 * hold demo data). Each figure sorts or counts the group in SQL.
 */
export function sqlGroupFigures(db: Db, where: GroupWhere, excludeParticipantId?: number): GroupFigures {
  return {
    countAtMost: (measure, value) =>
      measure === 'velocity' ? groupCounts(db, where, value, excludeParticipantId) : countAtMost(db, measure, where, value, excludeParticipantId),
    quartiles: (measure, minSize) => groupQuartiles(db, where, minSize, measure, excludeParticipantId),
    histogram: () => velocityHistogram(db, where, excludeParticipantId),
  };
}

/** A candidate group as a condition on the scores: the subject's instrument version and peer population, its company left out when it has one. */
function whereOf(group: Partial<PeerProfile>, subject: PeerSubject): GroupWhere {
  const where: GroupWhere = { ...group, instrumentVersion: subject.instrumentVersion, population: comparedWith(subject.population) };
  return subject.companyId == null ? where : { ...where, notCompany: subject.companyId };
}

/**
 * Quartiles of one score in a group, picked by rank instead of reading the
 * whole group. Null below `minSize` (anonymity).
 */
export function groupQuartiles(
  db: Db,
  where: GroupWhere,
  minSize: number,
  column: ScoreColumn = 'velocity',
  excludeParticipantId?: number,
): Quartiles | null {
  const n = countScored(db, column, where, excludeParticipantId);
  if (n < minSize) return null;
  const at = (p: number) => {
    const { lo, hi, frac } = quantilePosition(n, p);
    const loValue = scoreAtRank(db, column, where, lo, excludeParticipantId)!;
    return frac === 0 ? loValue : interpolate(loValue, scoreAtRank(db, column, where, hi, excludeParticipantId)!, frac);
  };
  return { n, min: at(0), q1: at(0.25), median: at(0.5), q3: at(0.75), max: at(1) };
}

/**
 * Quartiles of other people's scores as they may be published: from groups of
 * at least 2k, at whole points, never the minimum or maximum (SPEC section 3b).
 */
export function publishedQuartiles(figures: GroupFigures, k: number, measure: PeerMeasure): { q1: number; median: number; q3: number } | null {
  // Below the quantile rule's 2k members with a score there are no quartiles to publish.
  const q = figures.quartiles(measure, quantileMinimum(k));
  return q && { q1: publishedScore(q.q1), median: publishedScore(q.median), q3: publishedScore(q.q3) };
}

export function publishedMedian(figures: GroupFigures, k: number, measure: PeerMeasure): number | null {
  return publishedQuartiles(figures, k, measure)?.median ?? null;
}
