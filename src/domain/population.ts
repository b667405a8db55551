/**
 * Who counts (SPEC section 3b: only genuine participants count towards k and
 * the benchmark). Every score row belongs to one population:
 *
 * - `benchmark`: a genuine participant. Counts towards k and enters every peer
 *   figure, count and statistic a real reader sees.
 * - `demo`: a seeded synthetic participant (`npm start`'s DEMO_PARTICIPANTS,
 *   `cli seed`). Compared only with other demo rows and shown only under a
 *   "Demo data" label; never in a real participant's or consultant's figures.
 * - `unverified`: a real participant who did not pass the check below. Gets
 *   their own results, compared with the benchmark, but enters nobody's figures.
 *
 * The rule, decided here and nowhere else (src/server/services/genuine.ts does
 * the I/O it needs):
 * - a participant who came through a consultant's link (a study or company
 *   invitation) counts: the consultant invited them;
 * - an open-enrolment participant (/start) counts when they are the first to
 *   finish from their network (IPv4 /24, IPv6 /48) in NETWORK_WINDOW_DAYS
 *   days; later ones from that network, and any whose network is unknown, are
 *   unverified. With the per-address limit on starting participants, a script
 *   on one machine adds at most one participant to the benchmark a month.
 */

export const POPULATIONS = ['benchmark', 'demo', 'unverified'] as const;
export type Population = (typeof POPULATIONS)[number];

/** The populations peer figures are computed over: never `unverified`. */
export type PeerPopulation = Extract<Population, 'benchmark' | 'demo'>;

/** How long one network's counted open-enrolment participant holds its place. */
export const NETWORK_WINDOW_DAYS = 30;
export const NETWORK_WINDOW_MS = NETWORK_WINDOW_DAYS * 24 * 60 * 60 * 1000;

/** How a real participant arrived, as far as the rule needs to know. */
export interface Arrival {
  /** Came through a study's or a company's invitation link. */
  invited: boolean;
  /**
   * Open enrolment only: whether the participant's network still had its one
   * counted place (true), had used it (false), or is unknown (null).
   */
  networkPlaceFree: boolean | null;
}

/** The population a real participant's score joins when they finish. */
export function populationOf(arrival: Arrival): Exclude<Population, 'demo'> {
  if (arrival.invited) return 'benchmark';
  return arrival.networkPlaceFree === true ? 'benchmark' : 'unverified';
}

/** Whether the rule needs the network's place: only for open enrolment. */
export function needsNetworkPlace(arrival: Pick<Arrival, 'invited'>): boolean {
  return !arrival.invited;
}

/**
 * Whom a reader is compared with: a real reader (benchmark or unverified)
 * with the benchmark only, the sample report's demo participant with demo
 * data only. The two never mix.
 */
export function comparedWith(population: Population): PeerPopulation {
  return population === 'demo' ? 'demo' : 'benchmark';
}

/**
 * The population the shared figures (stored peer statistics, landing counts)
 * hold: the benchmark as soon as it has anyone, the demo data before that.
 */
export function populationInForce(hasBenchmark: boolean): PeerPopulation {
  return hasBenchmark ? 'benchmark' : 'demo';
}

/** Start of the UTC day of `now`: the landing page counts only participants who finished before it. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
