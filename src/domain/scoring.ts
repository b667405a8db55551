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

const itemLists = new WeakMap<Instrument, { company: CompanyItem[]; personal: PersonalItem[]; all: Item[] }>();

function listsOf(instrument: Instrument) {
  let lists = itemLists.get(instrument);
  if (!lists) {
    const company = instrument.company.sections.flatMap((s) => s.items);
    const personal = instrument.personal.sections.flatMap((s) => s.items);
    lists = { company, personal, all: [...company, ...personal] };
    itemLists.set(instrument, lists);
  }
  return lists;
}

/** Company items in instrument order (the same array on every call; do not mutate it). */
export function companyItems(instrument: Instrument): readonly CompanyItem[] {
  return listsOf(instrument).company;
}

export function personalItems(instrument: Instrument): readonly PersonalItem[] {
  return listsOf(instrument).personal;
}

export function allItems(instrument: Instrument): readonly Item[] {
  return listsOf(instrument).all;
}

/** Piecewise-linear, clamped at both ends; the schema keeps the points in ascending order of value. */
export function curveScore(curve: readonly { value: number; score: number }[], x: number): number {
  const first = curve[0]!;
  const last = curve.at(-1)!;
  if (x <= first.value) return first.score;
  if (x >= last.value) return last.score;
  for (let i = 1; i < curve.length; i++) {
    const hi = curve[i]!;
    if (x <= hi.value) {
      const lo = curve[i - 1]!;
      return lo.score + ((x - lo.value) / (hi.value - lo.value)) * (hi.score - lo.score);
    }
  }
  return last.score;
}

/** An option's score for this item: scale items marked `reverse` count from the top down. */
export function optionScore(item: Item, option: { score: number }): number {
  return item.kind !== 'choice' && item.kind !== 'number' && item.reverse ? 1 - option.score : option.score;
}

type ItemScorer = (value: string | undefined) => number | null;

/**
 * One scorer per instrument and item, built once: an option-id table for option
 * kinds, the curve for numbers. Seeding scores millions of answers, and a
 * table lookup is what keeps that fast.
 */
const scorers = new WeakMap<Instrument, WeakMap<Item, ItemScorer>>();

function scorerFor(instrument: Instrument, item: Item): ItemScorer {
  let byItem = scorers.get(instrument);
  if (!byItem) {
    byItem = new WeakMap();
    scorers.set(instrument, byItem);
  }
  let scorer = byItem.get(item);
  if (scorer) return scorer;
  if (item.kind === 'number') {
    scorer = (value) => {
      if (value === undefined || value === NOT_APPLICABLE || value === '') return null;
      const n = Number(value);
      return Number.isFinite(n) ? curveScore(item.curve, n) : null;
    };
  } else {
    const table = new Map(optionsOf(instrument, item).map((o) => [o.id, optionScore(item, o)]));
    // "na" is reserved and never an option id, so it finds nothing here: not applicable scores null.
    scorer = (value) => (value === undefined ? null : (table.get(value) ?? null));
  }
  byItem.set(item, scorer);
  return scorer;
}

/** The score in [0, 1] of one answer, or null for not applicable or an answer the item does not know. */
export function itemScore(instrument: Instrument, item: Item, value: string | undefined): number | null {
  return scorerFor(instrument, item)(value);
}

export function scoreItems(instrument: Instrument, items: readonly Item[], answers: Answers): Map<string, number> {
  const scores = new Map<string, number>();
  for (const item of items) {
    const s = scorerFor(instrument, item)(answers[item.id]);
    if (s !== null) scores.set(item.id, s);
  }
  return scores;
}

/**
 * Per key, the weighted mean of the answered items that weigh on it, as a
 * percentage. Not-applicable and unanswered items leave the mean rather than
 * count as zero; a key no answered item weighs on is null.
 */
function weightedIndices<K extends string>(
  items: readonly { id: string; weights: Record<K, number> }[],
  scores: ItemScores,
  keys: readonly K[],
): Record<K, number | null> {
  const sum = keys.map(() => 0);
  const weight = keys.map(() => 0);
  for (const item of items) {
    const s = scores.get(item.id);
    if (s === undefined) continue;
    for (let k = 0; k < keys.length; k++) {
      const w = item.weights[keys[k]!];
      if (w > 0) {
        sum[k]! += w * s;
        weight[k]! += w;
      }
    }
  }
  const result = {} as Record<K, number | null>;
  keys.forEach((key, k) => {
    result[key] = weight[k]! > 0 ? round2((100 * sum[k]!) / weight[k]!) : null;
  });
  return result;
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
  const sub = weightedIndices(companyItems(instrument), scores, SubIndexKeys);
  return { ...sub, velocity: meanOf(SubIndexKeys.map((k) => sub[k])) };
}

export function personalScores(instrument: Instrument, scores: ItemScores): PersonalScores {
  const sub = weightedIndices(personalItems(instrument), scores, PersonalKeys);
  return { ...sub, personal: meanOf(PersonalKeys.map((k) => sub[k])) };
}

export interface ParticipantScores {
  itemScores: Map<string, number>;
  company: CompanyScores;
  personal: PersonalScores;
}

export function scoreParticipant(instrument: Instrument, answers: Answers): ParticipantScores {
  const itemScores = scoreItems(instrument, allItems(instrument), answers);
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

/**
 * The company items with their positions and, per item, a scorer that
 * remembers each distinct answer's score: a rebuild over a million
 * participants scores each of the few distinct answers once, not each answer.
 * An answer that scores nothing gives NaN.
 */
export function companyItemScorers(instrument: Instrument): {
  items: readonly CompanyItem[];
  itemIndex: Map<string, number>;
  scoreOf: ((value: string) => number)[];
} {
  const items = companyItems(instrument);
  const itemIndex = new Map(items.map((item, i) => [item.id, i]));
  const scoreOf = items.map((item) => {
    const known = new Map<string, number>();
    return (value: string) => {
      let s = known.get(value);
      if (s === undefined) known.set(value, (s = itemScore(instrument, item, value) ?? NaN));
      return s;
    };
  });
  return { items, itemIndex, scoreOf };
}
