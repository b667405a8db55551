/**
 * Change between two rounds (waves) of a study, honest about noise.
 *
 * A change is the later score minus the earlier one, per factor (Deal Value,
 * Number of opportunities, Win Rate, Sales Cycle) and for the Velocity Index,
 * with a 95 % bootstrap interval around it:
 *
 * - a company's change (`companyTrend`) resamples each round's respondents
 *   with replacement, independently (a two-sample bootstrap), aggregates each
 *   resample exactly as the company figures are aggregated (the mean score of
 *   each item over the respondents who answered it, then the weighted
 *   sub-indices and their mean), and takes the difference;
 * - one person's change against their own previous response (`retakeTrend`)
 *   has no respondents to resample, so it resamples the items of each factor
 *   (the same draw for both responses, since both answered the same
 *   questionnaire): how much the change depends on which questions happened
 *   to be asked.
 *
 * The interval runs from the 2.5th to the 97.5th percentile of the B = 2,000
 * resampled differences. A change whose interval contains 0 is "within
 * noise": the round-to-round difference is no larger than what reshuffling
 * the same people (or questions) produces. The random numbers come from a
 * fixed seed, so the same data always gives the same interval.
 */
import type { Instrument, SubIndexKey } from './instrument.ts';
import { SubIndexKeys } from './instrument.ts';
import { seededRandom, type Random } from './random.ts';
import { SUB_INDEX_LABELS } from './results-model.ts';
import { companyItems, companyScores, round2, type CompanyScores, type ItemScores } from './scoring.ts';

/** The factors and the overall index, in the order every table shows them. */
export const TrendKeys = [...SubIndexKeys, 'velocity'] as const;
export type TrendKey = (typeof TrendKeys)[number];

/** Resamples per interval. */
export const BOOTSTRAP_RESAMPLES = 2000;
/** Two-sided confidence of the interval. */
export const INTERVAL_LEVEL = 0.95;
const DEFAULT_SEED = 0x7e4d;

export interface Change {
  key: TrendKey;
  /** Score in the earlier round (0–100); null where no answered item weighs on it. */
  before: number | null;
  after: number | null;
  /** after − before, in points; null unless both sides have a score. */
  change: number | null;
  /** The 95 % interval of the change; it always contains `change`. */
  low: number | null;
  high: number | null;
  /** The interval contains 0: the change is no larger than the noise of the group (or of the questions). */
  withinNoise: boolean | null;
}

export interface Trend {
  /** What was resampled: the respondents of each round, or the items of one person's two responses. */
  method: 'respondents' | 'items';
  /** Respondents behind each side (1 for one person's response). */
  nBefore: number;
  nAfter: number;
  changes: Change[];
}

/**
 * A comparison of two rounds as a page or report shows it: the change, or the
 * news that the questionnaire changed between the rounds, in which case
 * nothing is compared (scores from different questions are not alike).
 */
export type RoundComparison =
  | { status: 'compared'; roundBefore: number; roundAfter: number; trend: Trend }
  | { status: 'questionnaire-changed'; roundBefore: number; roundAfter: number };

/** One side of a company comparison: the round's respondents and, optionally, the items its published figures keep. */
export interface TrendSide {
  respondents: readonly { itemScores: ItemScores }[];
  /**
   * Items the published aggregate keeps (an item mean needs enough answers to be shown): the bootstrap drops
   * the same ones, so its point estimate is the published figure. All items when absent.
   */
  items?: ReadonlySet<string>;
}

export interface TrendOptions {
  resamples?: number;
  seed?: number;
}

type Scores = Record<TrendKey, number | null>;

/** Item scores as a dense matrix (NaN = not answered), so a resample is index arithmetic rather than map look-ups. */
function matrixOf(itemIds: readonly string[], side: TrendSide): Float64Array[] {
  return side.respondents.map((r) => Float64Array.from(itemIds, (id) => (side.items && !side.items.has(id) ? NaN : (r.itemScores.get(id) ?? NaN))));
}

/** The company aggregation over the rows `pick` chooses: item means over those who answered, then companyScores. */
function aggregateRows(instrument: Instrument, itemIds: readonly string[], rows: readonly Float64Array[], pick: readonly number[]): Scores {
  const means = new Map<string, number>();
  for (let i = 0; i < itemIds.length; i++) {
    let sum = 0;
    let n = 0;
    for (const r of pick) {
      const v = rows[r]![i]!;
      if (!Number.isNaN(v)) {
        sum += v;
        n += 1;
      }
    }
    if (n > 0) means.set(itemIds[i]!, sum / n);
  }
  return companyScores(instrument, means);
}

function draw(random: Random, n: number): number[] {
  return Array.from({ length: n }, () => Math.floor(random() * n));
}

/** Linear-interpolated quantile of sorted values. */
function quantileOf(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * The change per key from its point estimate and resampled differences. The percentile interval is widened,
 * if need be, to include the estimate itself: with very few respondents the resampled differences can all
 * fall on one side of it, and an interval that excludes the observed change would read as a contradiction.
 */
function changesOf(before: Scores, after: Scores, samples: Record<TrendKey, number[]>): Change[] {
  const tail = (1 - INTERVAL_LEVEL) / 2;
  return TrendKeys.map((key) => {
    const b = before[key];
    const a = after[key];
    const values = samples[key];
    if (b === null || a === null || values.length === 0) return { key, before: b, after: a, change: null, low: null, high: null, withinNoise: null };
    const change = round2(a - b);
    const sorted = [...values].sort((x, y) => x - y);
    const low = round2(Math.min(change, quantileOf(sorted, tail)));
    const high = round2(Math.max(change, quantileOf(sorted, 1 - tail)));
    return { key, before: b, after: a, change, low, high, withinNoise: low <= 0 && high >= 0 };
  });
}

function emptySamples(): Record<TrendKey, number[]> {
  return Object.fromEntries(TrendKeys.map((k) => [k, []])) as unknown as Record<TrendKey, number[]>;
}

/**
 * A company's change between two rounds: a two-sample bootstrap over each round's respondents. Both sides
 * must be figures the reader may see; this function only computes.
 */
export function companyTrend(instrument: Instrument, before: TrendSide, after: TrendSide, options: TrendOptions = {}): Trend {
  const itemIds = companyItems(instrument).map((i) => i.id);
  const rowsBefore = matrixOf(itemIds, before);
  const rowsAfter = matrixOf(itemIds, after);
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  const pointBefore = aggregateRows(instrument, itemIds, rowsBefore, all(rowsBefore.length));
  const pointAfter = aggregateRows(instrument, itemIds, rowsAfter, all(rowsAfter.length));
  const samples = emptySamples();
  if (rowsBefore.length > 0 && rowsAfter.length > 0) {
    const random = seededRandom(options.seed ?? DEFAULT_SEED);
    for (let b = 0; b < (options.resamples ?? BOOTSTRAP_RESAMPLES); b++) {
      const sb = aggregateRows(instrument, itemIds, rowsBefore, draw(random, rowsBefore.length));
      const sa = aggregateRows(instrument, itemIds, rowsAfter, draw(random, rowsAfter.length));
      for (const key of TrendKeys) {
        const x = sb[key];
        const y = sa[key];
        // A resample in which no respondent answered the items of a factor says nothing about it: it is left out.
        if (x !== null && y !== null) samples[key].push(y - x);
      }
    }
  }
  return { method: 'respondents', nBefore: rowsBefore.length, nAfter: rowsAfter.length, changes: changesOf(pointBefore, pointAfter, samples) };
}

/** Weighted mean of a factor over the drawn items one response answered, as a percentage; null when it answered none of them. */
function factorOver(weights: readonly number[], scores: readonly number[], pick: readonly number[]): number | null {
  let sum = 0;
  let weight = 0;
  for (const i of pick) {
    const s = scores[i]!;
    if (!Number.isNaN(s)) {
      sum += weights[i]! * s;
      weight += weights[i]!;
    }
  }
  return weight > 0 ? (100 * sum) / weight : null;
}

function velocityOf(factors: readonly (number | null)[]): number | null {
  const present = factors.filter((v): v is number => v !== null);
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
}

/**
 * One person's change against their own previous response: an item-sampling bootstrap. Each resample draws,
 * for every factor, as many of the items weighing on it as it has, with replacement, and scores both
 * responses over the same draw; the overall index is the mean of the resampled factors, as it is for a score.
 */
export function retakeTrend(instrument: Instrument, before: ItemScores, after: ItemScores, options: TrendOptions = {}): Trend {
  const items = companyItems(instrument);
  const factorItems = SubIndexKeys.map((key) => {
    const chosen = items.filter((item) => item.weights[key] > 0);
    return {
      key,
      weights: chosen.map((item) => item.weights[key]),
      before: chosen.map((item) => before.get(item.id) ?? NaN),
      after: chosen.map((item) => after.get(item.id) ?? NaN),
    };
  });
  const pointBefore: CompanyScores = companyScores(instrument, before);
  const pointAfter: CompanyScores = companyScores(instrument, after);
  const samples = emptySamples();
  const random = seededRandom(options.seed ?? DEFAULT_SEED, 1);
  for (let b = 0; b < (options.resamples ?? BOOTSTRAP_RESAMPLES); b++) {
    const sb: (number | null)[] = [];
    const sa: (number | null)[] = [];
    for (const f of factorItems) {
      const pick = draw(random, f.weights.length);
      const x = f.weights.length ? factorOver(f.weights, f.before, pick) : null;
      const y = f.weights.length ? factorOver(f.weights, f.after, pick) : null;
      sb.push(x);
      sa.push(y);
      if (x !== null && y !== null) samples[f.key as SubIndexKey].push(y - x);
    }
    const vb = velocityOf(sb);
    const va = velocityOf(sa);
    if (vb !== null && va !== null) samples.velocity.push(va - vb);
  }
  return { method: 'items', nBefore: 1, nAfter: 1, changes: changesOf(pointBefore, pointAfter, samples) };
}

/**
 * The change as published: the difference of the two scores at whole points, as every published score is
 * shown, so the words always agree with the two figures beside them.
 */
export function publishedChange(change: Change): number | null {
  return change.before === null || change.after === null ? null : Math.round(change.after) - Math.round(change.before);
}

/**
 * A change in words: "up 6 points", "down 1 point", "no change", with ", within noise" when the interval
 * contains 0, whatever its direction.
 */
export function describeChange(change: Change): string {
  const points = publishedChange(change);
  if (points === null || change.change === null) return 'not comparable';
  const size = Math.abs(points);
  if (points === 0) return change.withinNoise || change.change === 0 ? 'no change' : 'unchanged at whole points';
  const moved = `${points > 0 ? 'up' : 'down'} ${size} ${size === 1 ? 'point' : 'points'}`;
  return change.withinNoise ? `${moved}, within noise` : moved;
}

/** The direction a reader should see: a change within noise is shown as steady, whatever its sign. */
export function directionOf(change: Change): 'up' | 'down' | 'steady' | null {
  if (change.change === null || change.withinNoise === null) return null;
  if (change.withinNoise || publishedChange(change) === 0) return 'steady';
  return change.change > 0 ? 'up' : 'down';
}

export const TREND_LABELS: Record<TrendKey, string> = { velocity: 'Velocity Index', ...SUB_INDEX_LABELS };

/** One line of a change table, at the precision every published score has (whole points). */
export interface ChangeRow {
  key: TrendKey;
  label: string;
  before: number | null;
  after: number | null;
  /** after − before at whole points. */
  points: number | null;
  words: string;
  direction: 'up' | 'down' | 'steady' | null;
  /** The 95 % interval at whole points. */
  low: number | null;
  high: number | null;
}

/** The overall index first, then the four factors: what a reader looks at first. */
export function changeRows(trend: Trend): ChangeRow[] {
  const whole = (v: number | null) => (v === null ? null : Math.round(v));
  return ['velocity' as const, ...SubIndexKeys].map((key) => {
    const c = trend.changes.find((x) => x.key === key)!;
    return {
      key,
      label: TREND_LABELS[key],
      before: whole(c.before),
      after: whole(c.after),
      points: publishedChange(c),
      words: describeChange(c),
      direction: directionOf(c),
      low: whole(c.low),
      high: whole(c.high),
    };
  });
}
