import {
  itemGaps,
  MEASURES,
  quartilesFromCounts,
  quartileSplit,
  type CompareDimension,
  type ItemGap,
  type Measure,
  type QuartileSplit,
  type StatDimension,
  type StatsSource,
} from './peer-stats.ts';
import type { Quartiles } from './peers.ts';

export interface GroupComparison {
  key: string;
  label: string;
  n: number;
  /** Null for a sub-index that fewer than k members of the group could be scored on. */
  measures: Record<Measure, Quartiles | null>;
}

export interface ComparisonModel {
  dimension: CompareDimension;
  minSize: number;
  /** Groups of at least k participants, in the order the instrument lists them. */
  groups: GroupComparison[];
  /** How many groups exist with fewer than k participants; their figures are never shown. */
  hiddenGroups: number;
}

/**
 * The groups of one dimension side by side. Groups below `minSize` are
 * dropped before any figure of theirs is computed, so nothing about them
 * can reach a page or an export except that they exist.
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
  const groups: GroupComparison[] = [];
  let hiddenGroups = 0;
  for (const key of keys) {
    const byMeasure = points.get(key)!;
    const n = (byMeasure.get('velocity') ?? []).reduce((s, c) => s + c.n, 0);
    if (n === 0) continue;
    if (n < minSize) {
      hiddenGroups++;
      continue;
    }
    const measures = Object.fromEntries(
      MEASURES.map((m) => [m, quartilesFromCounts(byMeasure.get(m) ?? [], (point) => source.hundredthsIn(dimension, key, m, point), minSize)]),
    ) as Record<Measure, Quartiles | null>;
    groups.push({ key, label: choices.find((c) => c.id === key)?.label ?? key, n, measures });
  }
  return { dimension, minSize, groups, hiddenGroups };
}

export interface TopPerformerItem extends ItemGap {
  text: string;
  section: string;
}

export type TopPerformers =
  | { ok: true; n: number; split: QuartileSplit; items: TopPerformerItem[] }
  | { ok: false; n: number; reason: 'too-small' };

/**
 * Items on which the top of a population (by Velocity Index) and its bottom
 * differ most. `n` is only reported when the population itself has at least
 * k members.
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
  const split = quartileSplit(velocity, minSize);
  if (!split) return { ok: false, n: n >= minSize ? n : 0, reason: 'too-small' };
  const byId = new Map(items.map((i) => [i.id, i]));
  const gaps = itemGaps(source.itemSums(dimension, key), split, minSize)
    .filter((g) => byId.has(g.itemId))
    .slice(0, limit)
    .map((g) => ({ ...g, text: byId.get(g.itemId)!.text, section: byId.get(g.itemId)!.section }));
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
