import { countAtMostIn, histogramIn, inGroup, leaveOut, quartilesIn, statGroupOf, type FineCounts } from '../../domain/peer-counts.ts';
import type { Measure } from '../../domain/peer-stats.ts';
import type { PeerProfile, Quartiles } from '../../domain/peers.ts';
import type { PeerPopulation } from '../../domain/population.ts';
import type { Store } from '../data/store.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { readLookupStart, type LookupStart } from '../repositories/peer-lookup.ts';
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
 * Each group's counts of a score are read together with the scores left out
 * of them (repositories/peer-lookup.ts), so a colleague who finishes while a
 * page is being put together is never counted in any of its figures.
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
  const version = peers.instrumentVersion;
  if (version !== loadInstrument().version) return null;
  const read = (group: ReturnType<typeof statGroupOf> | undefined, measure: PeerMeasure) =>
    readLookupStart(db, { heldKey: HELD_SETTING, companyId: leftOut.companyId, participantId: leftOut.participantId, group, measure });
  const holds = (got: LookupStart) => heldIn(got.held, version) === peers.population;
  // What the statistics hold, whom to leave out, and the first group's Velocity Index counts: read together.
  const firstGroup = first && statGroupOf(first);
  const start = await read(firstGroup, 'velocity');
  if (!holds(start)) return null;
  /** A group's counts of `measure` minus the left-out scores read with them; null when out of step, or no longer the statistics of these peers. */
  const without = (where: Partial<PeerProfile>, measure: PeerMeasure, got: LookupStart): FineCounts | null => {
    if (!got.counts || !holds(got)) return null;
    const members = got.leftOut.filter((r) => r.instrumentVersion === version && r.population === peers.population && inGroup(where, r));
    return leaveOut(got.counts, members.map((r) => r[measure])) ? got.counts : null;
  };
  // The counts read along are used once: leaveOut changes them in place, so a second look at the group reads again.
  let readAlong = firstGroup && start.counts ? { ...firstGroup, start } : undefined;
  return async (where) => {
    const group = statGroupOf(where);
    const along = readAlong && readAlong.dimension === group.dimension && readAlong.key === group.key ? readAlong.start : undefined;
    if (along) readAlong = undefined;
    return groupFigures(
      async (measure) => without(where, measure, measure === 'velocity' && along ? along : await read(group, measure)),
      () => fallback(where),
    );
  };
}

/** A group's figures from its counts of each score (read once each, when first asked), or `fallback`'s where they are out of step. */
function groupFigures(readCounts: (measure: PeerMeasure) => Promise<FineCounts | null>, fallback: () => Promise<GroupFigures>): GroupFigures {
  const counts = new Map<PeerMeasure, Promise<FineCounts | null>>();
  let sql: Promise<GroupFigures> | undefined;
  const slow = () => (sql ??= fallback());
  const fine = (measure: PeerMeasure): Promise<FineCounts | null> => {
    let c = counts.get(measure);
    if (!c) counts.set(measure, (c = readCounts(measure)));
    return c;
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
