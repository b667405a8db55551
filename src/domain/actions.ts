import type { Actor, CompanyItem, Instrument, NarrativeBand, SubIndexKey } from './instrument.ts';
import { SubIndexKeys } from './instrument.ts';
import { companyItems, type CompanyScores, type ItemScores } from './scoring.ts';

export type ActionKind = 'keep' | 'change' | 'stop';

export interface Action {
  kind: ActionKind;
  item: CompanyItem;
  score: number;
  /** The behaviour to keep, change or stop, from the item's advice. */
  sentence: string;
  /** Ranking weight: for improvements, how much acting on it lifts the weakest factors; for keeps, how much it holds up. */
  priority: number;
}

export const STOP_AT_MOST = 0.25;
export const KEEP_AT_LEAST = 0.75;

export function actionKind(score: number): ActionKind {
  if (score <= STOP_AT_MOST) return 'stop';
  if (score >= KEEP_AT_LEAST) return 'keep';
  return 'change';
}

const BAND_OF_KIND: Record<ActionKind, NarrativeBand> = { keep: 'positive', change: 'neutral', stop: 'negative' };

/** Which narrative an item score reads: the same thresholds as keep / change / stop. */
export function narrativeBand(score: number): NarrativeBand {
  return BAND_OF_KIND[actionKind(score)];
}

/** Who the actions are for: a seller gets only actions a seller can take in their own deals. */
export type Audience = 'leader' | 'seller';

const ACTORS_FOR: Record<Audience, readonly Actor[]> = { leader: ['team', 'leader'], seller: ['team'] };

/**
 * How many points a factor's sub-index would gain if the item reached its
 * best answer: the item's weight over all the weight answered on the factor,
 * times the distance left. An item counts for more where few items carry
 * the factor, which is where one change moves it most.
 */
function liftPerFactor(item: CompanyItem, score: number, answeredWeight: Record<SubIndexKey, number>): Record<SubIndexKey, number> {
  const lift = {} as Record<SubIndexKey, number>;
  for (const key of SubIndexKeys) {
    const w = item.weights[key];
    lift[key] = w > 0 && answeredWeight[key] > 0 ? (100 * w * (1 - score)) / answeredWeight[key] : 0;
  }
  return lift;
}

/**
 * The first five actions (SPEC section 3): improvement areas (STOP, CHANGE)
 * ranked by how much they lift the weakest factors — each factor's lift
 * weighted by its distance from 100, so the factor to pull leads — then
 * KEEPs, the strongest practices first, to fill up to `count`. Ties fall
 * back to instrument order, so the same answers always give the same list.
 */
export function firstActions(
  instrument: Instrument,
  scores: ItemScores,
  factors: CompanyScores,
  audience: Audience = 'leader',
  count = 5,
): Action[] {
  const allowed = ACTORS_FOR[audience];
  const answered = companyItems(instrument)
    .map((item, order) => ({ item, order, score: scores.get(item.id) }))
    .filter((a): a is { item: CompanyItem; order: number; score: number } => a.score !== undefined);
  const answeredWeight = { value: 0, number: 0, winRate: 0, cycle: 0 };
  for (const { item } of answered) for (const key of SubIndexKeys) answeredWeight[key] += item.weights[key];
  const ranked = answered
    .filter(({ item }) => allowed.includes(item.actor))
    .map(({ item, order, score }) => {
      const kind = actionKind(score);
      const lift = liftPerFactor(item, score, answeredWeight);
      const weakness = (key: SubIndexKey) => 100 - (factors[key] ?? 100);
      const priority =
        kind === 'keep'
          ? score * SubIndexKeys.reduce((sum, key) => sum + item.weights[key], 0)
          : SubIndexKeys.reduce((sum, key) => sum + lift[key] * weakness(key), 0);
      return { kind, item, score, order, priority, sentence: item.advice[kind] };
    });
  const byPriority = (a: { priority: number; order: number }, b: { priority: number; order: number }) =>
    b.priority - a.priority || a.order - b.order;
  const improvements = ranked.filter((a) => a.kind !== 'keep').sort(byPriority);
  const keeps = ranked.filter((a) => a.kind === 'keep').sort(byPriority);
  return [...improvements, ...keeps].slice(0, count).map(({ order: _order, ...action }) => action);
}
