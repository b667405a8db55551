import { SubIndexKeys, type CompanyItem, type Instrument, type SubIndexKey } from './instrument.ts';
import { companyItems } from './scoring.ts';

/** A secondary factor may carry at most this weight (SPEC section 2). */
export const MAX_SECONDARY_WEIGHT = 0.3;
/** Each factor needs at least this many primary items to be singled out reliably. */
export const MIN_PRIMARY_ITEMS = 7;

/** The factor an item measures: its heaviest weight, the first in factor order on a tie. */
export function primaryFactor(item: CompanyItem): SubIndexKey {
  let best: SubIndexKey = SubIndexKeys[0];
  for (const key of SubIndexKeys) if (item.weights[key] > item.weights[best]) best = key;
  return best;
}

/** How many company items have each factor as their primary one. */
export function primaryItemCounts(instrument: Instrument): Record<SubIndexKey, number> {
  const counts = { value: 0, number: 0, winRate: 0, cycle: 0 };
  for (const item of companyItems(instrument)) counts[primaryFactor(item)]++;
  return counts;
}

/**
 * Problems with an item's weights under the one-factor rule: exactly one
 * weight of 1 (the factor it measures) and at most one secondary weight of at
 * most 0.3. Spreading weight over several factors makes every sub-index a
 * re-weighted mean of the same answers, and then they cannot differ.
 */
export function oneFactorProblems(item: CompanyItem): string[] {
  const entries = SubIndexKeys.map((key) => [key, item.weights[key]] as const).filter(([, w]) => w > 0);
  const primary = entries.filter(([, w]) => w === 1);
  const others = entries.filter(([, w]) => w !== 1);
  const problems: string[] = [];
  if (primary.length !== 1) {
    problems.push(`weights must give exactly one factor the weight 1 (found ${primary.length}: ${entries.map(([k, w]) => `${k} ${w}`).join(', ') || 'none'})`);
  }
  if (others.length > 1) problems.push(`weight is spread over several factors (${others.map(([k, w]) => `${k} ${w}`).join(', ')}); at most one secondary weight is allowed`);
  for (const [key, w] of others) {
    if (w > MAX_SECONDARY_WEIGHT) problems.push(`secondary weight on ${key} is ${w}; at most ${MAX_SECONDARY_WEIGHT} is allowed`);
  }
  return problems;
}
