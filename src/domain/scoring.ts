import { NOT_APPLICABLE, optionsOf, type Answers } from './answers.ts';
import { bandOf } from './bands.ts';
import {
  PersonalKeys,
  SubIndexKeys,
  type Band,
  type CompanyItem,
  type Instrument,
  type Item,
  type PersonalItem,
  type PersonalKey,
  type SubIndexKey,
} from './instrument.ts';

/** Item id to its score in [0, 1]; absent when unanswered or not applicable. */
export type ItemScores = ReadonlyMap<string, number>;

export type CompanyScores = Record<SubIndexKey, number | null> & { velocity: number | null };
export type PersonalScores = Record<PersonalKey, number | null> & { personal: number | null };

export function companyItems(instrument: Instrument): CompanyItem[] {
  return instrument.company.sections.flatMap((s) => s.items);
}

export function personalItems(instrument: Instrument): PersonalItem[] {
  return instrument.personal.sections.flatMap((s) => s.items);
}

/** Piecewise-linear, clamped at both ends; points are sorted by value first. */
export function curveScore(curve: readonly { value: number; score: number }[], x: number): number {
  const pts = [...curve].sort((a, b) => a.value - b.value);
  const first = pts[0]!;
  const last = pts.at(-1)!;
  if (x <= first.value) return first.score;
  if (x >= last.value) return last.score;
  for (let i = 1; i < pts.length; i++) {
    const hi = pts[i]!;
    const lo = pts[i - 1]!;
    if (x <= hi.value) {
      const t = (x - lo.value) / (hi.value - lo.value);
      return lo.score + t * (hi.score - lo.score);
    }
  }
  return last.score;
}

/** The score in [0, 1] of one answer, or null for not applicable or an answer the item does not know. */
export function itemScore(instrument: Instrument, item: Item, value: string | undefined): number | null {
  if (value === undefined || value === NOT_APPLICABLE) return null;
  if (item.kind === 'number') {
    const n = Number(value);
    return Number.isFinite(n) ? curveScore(item.curve, n) : null;
  }
  const option = optionsOf(instrument, item).find((o) => o.id === value);
  return option ? optionScore(item, option) : null;
}

/** An option's score for this item: scale items marked `reverse` count from the top down. */
export function optionScore(item: Item, option: { score: number }): number {
  return item.kind !== 'choice' && item.kind !== 'number' && item.reverse ? 1 - option.score : option.score;
}

export function scoreItems(instrument: Instrument, items: readonly Item[], answers: Answers): Map<string, number> {
  const scores = new Map<string, number>();
  for (const item of items) {
    const s = itemScore(instrument, item, answers[item.id]);
    if (s !== null) scores.set(item.id, s);
  }
  return scores;
}

/**
 * Weighted mean of the answered items that weigh on `key`, as a percentage.
 * Not-applicable and unanswered items leave the mean rather than count as zero.
 */
function weightedIndex<K extends string>(
  items: readonly { id: string; weights: Record<K, number> }[],
  scores: ItemScores,
  key: K,
): number | null {
  let sum = 0;
  let weight = 0;
  for (const item of items) {
    const w = item.weights[key];
    const s = scores.get(item.id);
    if (w > 0 && s !== undefined) {
      sum += w * s;
      weight += w;
    }
  }
  return weight > 0 ? round2((100 * sum) / weight) : null;
}

function meanOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? round2(present.reduce((a, b) => a + b, 0) / present.length) : null;
}

/** Scores are stored and compared at two decimals so that ties are ties everywhere. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export function companyScores(instrument: Instrument, scores: ItemScores): CompanyScores {
  const items = companyItems(instrument);
  const sub = Object.fromEntries(SubIndexKeys.map((k) => [k, weightedIndex(items, scores, k)])) as Record<
    SubIndexKey,
    number | null
  >;
  return { ...sub, velocity: meanOf(SubIndexKeys.map((k) => sub[k])) };
}

export function personalScores(instrument: Instrument, scores: ItemScores): PersonalScores {
  const items = personalItems(instrument);
  const sub = Object.fromEntries(PersonalKeys.map((k) => [k, weightedIndex(items, scores, k)])) as Record<
    PersonalKey,
    number | null
  >;
  return { ...sub, personal: meanOf(PersonalKeys.map((k) => sub[k])) };
}

export interface ParticipantScores {
  itemScores: Map<string, number>;
  company: CompanyScores;
  personal: PersonalScores;
}

export function scoreParticipant(instrument: Instrument, answers: Answers): ParticipantScores {
  const itemScores = scoreItems(instrument, [...companyItems(instrument), ...personalItems(instrument)], answers);
  return {
    itemScores,
    company: companyScores(instrument, itemScores),
    personal: personalScores(instrument, itemScores),
  };
}

export function companyCategory(instrument: Instrument, velocity: number): Band {
  return bandOf(instrument.categories.company, velocity);
}

export function personalCategory(instrument: Instrument, personal: number): Band {
  return bandOf(instrument.categories.personal, personal);
}

export function revenuePotential(instrument: Instrument, subIndex: number): Band {
  return bandOf(instrument.potential, subIndex);
}
