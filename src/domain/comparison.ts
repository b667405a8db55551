import { mayShowQuantiles, publishedScore, suppressGroups } from './anonymity.ts';
import {
  itemGaps,
  MEASURES,
  quartilesFromCounts,
  quartileSplit,
  type BucketCount,
  type CompareDimension,
  type Measure,
  type QuartileSplit,
  type StatDimension,
  type StatsSource,
} from './peer-stats.ts';

/** The median and quartiles of a group as published: whole points, never a minimum or a maximum. */
export interface PublishedQuartiles {
  q1: number;
  median: number;
  q3: number;
}

export interface MeasureSpread {
  /** Members of the group scored on this measure. */
  n: number;
  /** Null below 2k scored members (`mayShowQuantiles`): the group then shows its size only. */
  quartiles: PublishedQuartiles | null;
}

export interface GroupComparison {
  key: string;
  label: string;
  n: number;
  /** Null for a sub-index that fewer than k members of the group could be scored on. */
  measures: Record<Measure, MeasureSpread | null>;
}

export interface ComparisonModel {
  dimension: CompareDimension;
  minSize: number;
  /** The groups that may be shown, in the order the instrument lists them. */
  groups: GroupComparison[];
  /**
   * How many groups are hidden: below k, or hidden with them so that their
   * size cannot be worked out by subtraction (`suppressGroups`). Their
   * figures, sizes included, are never shown.
   */
  hiddenGroups: number;
}

/**
 * The groups of one dimension side by side. Which groups are hidden is
 * decided from their sizes alone (`suppressGroups`), before any other figure
 * of theirs is computed, so nothing about them can reach a page or an export
 * except how many they are. A shown group publishes its median and quartiles
 * at whole points once the anonymity rule allows quantiles, its size only
 * until then.
 */
export function compareGroups(
  source: StatsSource,
  dimension: CompareDimension,
  choices: readonly { id: string; label: string }[],
  minSize: number,
): ComparisonModel {
  const points = source.points(dimension);
  const order = new Map(choices.map((c, i) => [c.id, i]));
  const keys = [...points.keys()].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b));
  const sizes = keys.map((key) => (points.get(key)!.get('velocity') ?? []).reduce((s, c) => s + c.n, 0));
  const hidden = suppressGroups(sizes, minSize);
  const groups: GroupComparison[] = [];
  keys.forEach((key, i) => {
    const n = sizes[i]!;
    if (n === 0 || hidden[i]) return;
    const byMeasure = points.get(key)!;
    const measures = Object.fromEntries(
      MEASURES.map((m) => [m, spreadOf(byMeasure.get(m) ?? [], (point) => source.hundredthsIn(dimension, key, m, point), minSize)]),
    ) as Record<Measure, MeasureSpread | null>;
    groups.push({ key, label: choices.find((c) => c.id === key)?.label ?? key, n, measures });
  });
  return { dimension, minSize, groups, hiddenGroups: hidden.filter(Boolean).length };
}

function spreadOf(points: readonly BucketCount[], hundredthsIn: (point: number) => readonly BucketCount[], minSize: number): MeasureSpread | null {
  const n = points.reduce((s, c) => s + c.n, 0);
  if (n === 0 || n < minSize) return null;
  if (!mayShowQuantiles(n, minSize)) return { n, quartiles: null };
  const q = quartilesFromCounts(points, hundredthsIn, minSize)!;
  return { n, quartiles: { q1: publishedScore(q.q1), median: publishedScore(q.median), q3: publishedScore(q.q3) } };
}

/** One practice as published: mean item scores of each side on the 0–100 scale, at whole points. */
export interface TopPerformerItem {
  itemId: string;
  text: string;
  section: string;
  top: number;
  bottom: number;
  /** `top − bottom` as published, so that the three figures agree. */
  gap: number;
}

export type TopPerformers =
  | { ok: true; n: number; split: QuartileSplit; items: TopPerformerItem[] }
  | { ok: false; n: number; reason: 'too-small' };

/**
 * Items on which the top of a population (by Velocity Index) and its bottom
 * differ most. Each side holds at least k people (so the population has at
 * least 2k, as quantiles need) and every item mean rests on at least k
 * answers on each side; means are published at whole points. `n` is only
 * reported when the population itself has at least k members.
 */
export function topPerformers(
  source: StatsSource,
  dimension: StatDimension,
  key: string,
  items: readonly { id: string; text: string; section: string }[],
  minSize: number,
  limit = 10,
): TopPerformers {
  const velocity = source.points(dimension).get(key)?.get('velocity') ?? [];
  const n = velocity.reduce((s, c) => s + c.n, 0);
  const split = mayShowQuantiles(n, minSize) ? quartileSplit(velocity, minSize) : null;
  if (!split) return { ok: false, n: n >= minSize ? n : 0, reason: 'too-small' };
  const byId = new Map(items.map((i) => [i.id, i]));
  const gaps = itemGaps(source.itemSums(dimension, key), split, minSize)
    .filter((g) => byId.has(g.itemId))
    .map((g) => {
      const top = publishedScore(g.top * 100);
      const bottom = publishedScore(g.bottom * 100);
      return { exact: g.gap, item: { itemId: g.itemId, text: byId.get(g.itemId)!.text, section: byId.get(g.itemId)!.section, top, bottom, gap: top - bottom } };
    })
    // Widest published gap first, so that the list reads in order; the exact gap breaks ties.
    .sort((x, y) => y.item.gap - x.item.gap || y.exact - x.exact || x.item.itemId.localeCompare(y.item.itemId))
    .slice(0, limit)
    .map((g) => g.item);
  return { ok: true, n, split, items: gaps };
}

export const DIMENSION_LABELS: Record<CompareDimension, string> = {
  industry: 'Industry',
  employees: 'Company size',
  salesTeam: 'Sales team size',
  region: 'Region',
  motion: 'Sales motion',
  role: 'Role',
};

export const MEASURE_LABELS: Record<Measure, string> = {
  velocity: 'Velocity Index',
  value: 'Deal Value',
  number: 'Number of opportunities',
  winRate: 'Win Rate',
  cycle: 'Sales Cycle',
};
