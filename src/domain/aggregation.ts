import { mayShow, publishedMembers } from './anonymity.ts';
import type { Instrument } from './instrument.ts';
import { companyItems, companyScores, type CompanyScores, type ItemScores } from './scoring.ts';

export type RoleGroup = 'leader' | 'seller';

export interface Respondent {
  roleGroup: RoleGroup;
  itemScores: ItemScores;
}

export interface ItemSpread {
  itemId: string;
  /** Respondents who gave a scored answer. */
  n: number;
  mean: number;
  /** Population standard deviation of the item scores, in [0, 0.5]. No minimum or maximum: those are one person's answer. */
  spread: number;
}

export interface GroupContrast {
  itemId: string;
  leaders: number;
  sellers: number;
  /** leaders minus sellers: positive when leaders see it more favourably. */
  gap: number;
}

export interface CompanyAggregate {
  respondents: number;
  itemScores: Map<string, number>;
  scores: CompanyScores;
  spreads: ItemSpread[];
  /** Leaders against sellers: null unless each role group has at least k respondents besides the reader. */
  byRole: Record<RoleGroup, { respondents: number; scores: CompanyScores }> | null;
  contrasts: GroupContrast[];
}

/** What the anonymity rule needs to know about who reads the aggregate. */
export interface AggregateReader {
  minGroup: number;
  /** The reader's role group when they are one of the respondents; null for a consultant. */
  readerRoleGroup: RoleGroup | null;
}

/** Per item, the mean over the respondents who answered it (not-applicable answers stay out). */
export function meanItemScores(respondents: readonly { itemScores: ItemScores }[]): Map<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const r of respondents) {
    for (const [id, s] of r.itemScores) {
      const acc = sums.get(id) ?? { sum: 0, n: 0 };
      acc.sum += s;
      acc.n += 1;
      sums.set(id, acc);
    }
  }
  return new Map([...sums].map(([id, { sum, n }]) => [id, sum / n]));
}

function spreadOf(itemId: string, values: number[]): ItemSpread {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
  return { itemId, n, mean, spread: Math.sqrt(variance) };
}

/**
 * A company's scores over its respondents, given in the order they finished:
 * sub-indices come from the mean item scores, never from averaging the
 * respondents' sub-indices, so that an item one person skipped still counts
 * with the others' answers.
 */
export function aggregateCompany(instrument: Instrument, respondents: readonly Respondent[], reader: AggregateReader): CompanyAggregate {
  const items = companyItems(instrument);
  // An item mean is published only over k + 1 answers, the reader's own among them at most: when colleagues
  // answer "not applicable", a mean over two or three people would give their answers away. The same rule for
  // every reader, so the company keeps one score.
  const answered = (values: readonly Respondent[], id: string) => values.filter((r) => r.itemScores.has(id)).length;
  const enough = (n: number) => n >= 1 && mayShow({ count: n, readerIncluded: true }, reader.minGroup);
  const itemScores = new Map([...meanItemScores(respondents)].filter(([id]) => enough(answered(respondents, id))));
  const spreads = items
    .map((item) => {
      const values = respondents.map((r) => r.itemScores.get(item.id)).filter((v): v is number => v !== undefined);
      return values.length >= 2 && enough(values.length) ? spreadOf(item.id, values) : null;
    })
    .filter((s): s is ItemSpread => s !== null)
    // Widest first; instrument order breaks ties so the report is stable.
    .sort((a, b) => b.spread - a.spread);

  // Each role group grows in steps of k too (its first members in the order given, which is the order they
  // finished): otherwise one step of the company could add a single leader, whose answers the leaders' means
  // before and after would give away.
  const group = (g: RoleGroup) => {
    const members = respondents.filter((r) => r.roleGroup === g);
    return members.slice(0, publishedMembers(members.length, reader.minGroup));
  };
  const roleShown = (g: RoleGroup) => group(g).length > 0 && mayShow({ count: group(g).length, readerIncluded: reader.readerRoleGroup === g }, reader.minGroup);
  if (!roleShown('leader') || !roleShown('seller')) {
    return { respondents: respondents.length, itemScores, scores: companyScores(instrument, itemScores), spreads, byRole: null, contrasts: [] };
  }
  const leaders = meanItemScores(group('leader'));
  const sellers = meanItemScores(group('seller'));
  // Each side of a contrast holds to the role rule item by item too, since "not applicable" thins a side.
  const sideShown = (g: RoleGroup, id: string) => mayShow({ count: answered(group(g), id), readerIncluded: reader.readerRoleGroup === g }, reader.minGroup);
  const contrasts = items
    .filter((item) => leaders.has(item.id) && sellers.has(item.id) && sideShown('leader', item.id) && sideShown('seller', item.id))
    .map((item) => {
      const l = leaders.get(item.id)!;
      const s = sellers.get(item.id)!;
      return { itemId: item.id, leaders: l, sellers: s, gap: l - s };
    })
    .sort((a, b) => Math.abs(b.gap) - Math.abs(a.gap));

  const roleScores = (g: RoleGroup, means: Map<string, number>) => ({ respondents: group(g).length, scores: companyScores(instrument, means) });

  return {
    respondents: respondents.length,
    itemScores,
    scores: companyScores(instrument, itemScores),
    spreads,
    byRole: { leader: roleScores('leader', leaders), seller: roleScores('seller', sellers) },
    contrasts,
  };
}
