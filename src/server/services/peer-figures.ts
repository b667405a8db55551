import { countAtMostIn, histogramIn, inGroup, leaveOut, quartilesIn, statGroupOf, type FineCounts } from '../../domain/peer-counts.ts';
import type { Measure } from '../../domain/peer-stats.ts';
import type { PeerProfile, Quartiles } from '../../domain/peers.ts';
import type { PeerPopulation } from '../../domain/population.ts';
import type { Store } from '../data/store.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { readFineCounts } from '../repositories/peer-stats.ts';
import { readLookupStart } from '../repositories/peer-lookup.ts';
import type { PeerScoreRow } from '../repositories/scores.ts';
import { HELD_SETTING, heldIn } from './peer-stats.ts';

/** The Velocity Index and its four sub-indices: the scores peer figures are given for. */
export type PeerMeasure = Measure;

/** What a results page or report shows of one peer group, its subject's company (or the subject) left out. Each figure is read when asked for. */
export interface GroupFigures {
  /** Members with a score in `measure`, and how many of them score `value` or less. */
  countAtMost(measure: PeerMeasure, value: number): Promise<{ size: number; notBetter: number }>;
  /** Type-7 quartiles of `measure`; null below `minSize` members with a score. */
  quartiles(measure: PeerMeasure, minSize: number): Promise<Quartiles | null>;
  /** Velocity Index counts in ten-point bands. */
  histogram(): Promise<number[]>;
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
 * `first`, the group the caller will ask about first: its Velocity Index
 * counts come with the first read (one round trip on PostgreSQL, not three).
 */
export async function keptFiguresFor(
  db: Store,
  peers: { instrumentVersion: number; population: PeerPopulation },
  leftOut: LeftOut,
  fallback: (where: Partial<PeerProfile>) => Promise<GroupFigures>,
  first?: Partial<PeerProfile>,
): Promise<((where: Partial<PeerProfile>) => Promise<GroupFigures>) | null> {
  if (peers.instrumentVersion !== loadInstrument().version) return null;
  // What the statistics hold, whom to leave out, and the first group's Velocity Index counts: read together.
  const group = first && statGroupOf(first);
  const start = await readLookupStart(db, { heldKey: HELD_SETTING, companyId: leftOut.companyId, participantId: leftOut.participantId, group, measure: 'velocity' });
  if (heldIn(start.held, peers.instrumentVersion) !== peers.population) return null;
  const rows = start.leftOut.filter((r) => r.instrumentVersion === peers.instrumentVersion && r.population === peers.population);
  // The counts read along are used once: leaveOut changes them in place, so a second look at the group reads again.
  let readAlong = group && start.counts ? { ...group, counts: start.counts } : undefined;
  return (where) => {
    const g = statGroupOf(where);
    const counts = readAlong && readAlong.dimension === g.dimension && readAlong.key === g.key ? readAlong.counts : undefined;
    if (counts) readAlong = undefined;
    return groupFigures(db, where, rows, () => fallback(where), counts);
  };
}

async function groupFigures(
  db: Store,
  where: Partial<PeerProfile>,
  leftOutRows: readonly PeerScoreRow[],
  fallback: () => Promise<GroupFigures>,
  velocityCounts?: FineCounts,
): Promise<GroupFigures> {
  const { dimension, key } = statGroupOf(where);
  const members = leftOutRows.filter((r) => inGroup(where, r));
  const counts = new Map<PeerMeasure, FineCounts | null>();
  if (velocityCounts) counts.set('velocity', leaveOut(velocityCounts, members.map((r) => r.velocity)) ? velocityCounts : null);
  let sql: Promise<GroupFigures> | undefined;
  const slow = () => (sql ??= fallback());
  const fine = async (measure: PeerMeasure): Promise<FineCounts | null> => {
    if (!counts.has(measure)) {
      const c = await readFineCounts(db, dimension, key, measure);
      // Asked twice at once, both reads may land: the first one's counts stay (leaveOut changes them in place).
      if (!counts.has(measure)) counts.set(measure, leaveOut(c, members.map((r) => r[measure])) ? c : null);
    }
    return counts.get(measure)!;
  };
  return {
    async countAtMost(measure, value) {
      const c = await fine(measure);
      return c ? countAtMostIn(c, value) : (await slow()).countAtMost(measure, value);
    },
    async quartiles(measure, minSize) {
      const c = await fine(measure);
      return c ? quartilesIn(c, minSize) : (await slow()).quartiles(measure, minSize);
    },
    async histogram() {
      const c = await fine('velocity');
      return c ? histogramIn(c) : (await slow()).histogram();
    },
  };
}
