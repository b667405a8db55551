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
import type { Store } from '../data/store.ts';
import {
  countAtMost,
  countScored,
  groupCounts,
  scoresAtRanks,
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
export async function peerPosition(db: Store, subject: PeerSubject, minSize: number): Promise<PeerPosition | null> {
  const figuresOf = new Map<string, GroupFigures>();
  const counted = new Map<string, { size: number; notBetter: number }>();
  const sql = (group: Partial<PeerProfile>) => sqlGroupFigures(db, whereOf(group, subject), subject.participantId);
  const candidates = peerGroupCandidates(subject);
  const kept = await keptFiguresFor(db, { instrumentVersion: subject.instrumentVersion, population: comparedWith(subject.population) }, subject, sql, candidates[0]?.where);
  // Counted in order until a group is large enough (the rest are never read), then chosen by choosePeerGroup over those counts.
  for (const g of candidates) {
    const figures = await (kept ? kept(g.where) : sql(g.where));
    const c = await figures.countAtMost('velocity', subject.velocity);
    figuresOf.set(g.id, figures);
    counted.set(g.id, c);
    if (c.size >= minSize) break;
  }
  const group = choosePeerGroup(candidates, (g) => counted.get(g.id)?.size ?? 0, minSize);
  if (!group) return null;
  return { group, where: whereOf(group.where, subject), figures: figuresOf.get(group.id)!, relative: relativeFromCounts(counted.get(group.id)!.notBetter, group.size)! };
}

/**
 * A group's figures read from the scores: for groups the kept statistics do
 * not hold (an earlier instrument version, or the benchmark while they still
 * hold demo data). Each figure sorts or counts the group in SQL.
 */
export async function sqlGroupFigures(db: Store, where: GroupWhere, excludeParticipantId?: number): Promise<GroupFigures> {
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
export async function groupQuartiles(
  db: Store,
  where: GroupWhere,
  minSize: number,
  column: ScoreColumn = 'velocity',
  excludeParticipantId?: number,
): Promise<Quartiles | null> {
  const n = await countScored(db, column, where, excludeParticipantId);
  if (n < minSize) return null;
  const positions = [0, 0.25, 0.5, 0.75, 1].map((p) => quantilePosition(n, p));
  const ranks = [...new Set(positions.flatMap(({ lo, hi, frac }) => (frac === 0 ? [lo] : [lo, hi])))];
  const values = await scoresAtRanks(db, column, where, ranks, excludeParticipantId);
  const at = (rank: number) => values[ranks.indexOf(rank)]!;
  const [min, q1, median, q3, max] = positions.map(({ lo, hi, frac }) => (frac === 0 ? at(lo) : interpolate(at(lo), at(hi), frac)));
  return { n, min: min!, q1: q1!, median: median!, q3: q3!, max: max! };
}

/**
 * Quartiles of other people's scores as they may be published: from groups of
 * at least 2k, at whole points, never the minimum or maximum (SPEC section 3b).
 */
export async function publishedQuartiles(figures: GroupFigures, k: number, measure: PeerMeasure): Promise<{ q1: number; median: number; q3: number } | null> {
  // Below the quantile rule's 2k members with a score there are no quartiles to publish.
  const q = await figures.quartiles(measure, quantileMinimum(k));
  return q && { q1: publishedScore(q.q1), median: publishedScore(q.median), q3: publishedScore(q.q3) };
}

export async function publishedMedian(figures: GroupFigures, k: number, measure: PeerMeasure): Promise<number | null> {
  return (await publishedQuartiles(figures, k, measure))?.median ?? null;
}
