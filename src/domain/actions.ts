import type { CompanyItem, Instrument, NarrativeBand } from './instrument.ts';
import { companyItems, type ItemScores } from './scoring.ts';

export type ActionKind = 'keep' | 'change' | 'stop';

export interface Action {
  kind: ActionKind;
  item: CompanyItem;
  score: number;
  /** How much acting on it is worth: weight × distance from ideal, or weight × score for a keep. */
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

/** The item's total pull on the four sub-indices. */
export function itemWeight(item: CompanyItem): number {
  const w = item.weights;
  return w.value + w.number + w.winRate + w.cycle;
}

/**
 * The five first actions: improvement areas (stop, change) first, ranked by
 * weight × distance from the ideal, then keeps ranked by weight × score to
 * fill up to `count`. Ties fall back to instrument order, so the list is
 * the same for the same answers.
 */
export function firstActions(instrument: Instrument, scores: ItemScores, count = 5): Action[] {
  const answered = companyItems(instrument)
    .map((item, order) => ({ item, order, score: scores.get(item.id) }))
    .filter((a): a is { item: CompanyItem; order: number; score: number } => a.score !== undefined)
    .map(({ item, order, score }) => {
      const kind = actionKind(score);
      const w = itemWeight(item);
      return { kind, item, score, order, priority: kind === 'keep' ? w * score : w * (1 - score) };
    });
  const byPriority = (a: { priority: number; order: number }, b: { priority: number; order: number }) =>
    b.priority - a.priority || a.order - b.order;
  const improvements = answered.filter((a) => a.kind !== 'keep').sort(byPriority);
  const keeps = answered.filter((a) => a.kind === 'keep').sort(byPriority);
  return [...improvements, ...keeps].slice(0, count).map(({ order: _order, ...action }) => action);
}
