import { mayShow } from './anonymity.ts';
import { opportunitiesPerStage, pipelineCoverage, velocityPerDay, winRates } from './numbers.ts';
import type { YourNumbers } from './profile.ts';

/**
 * A company's "Your numbers", combined over its respondents in one stated
 * way: each figure is the median of the respondents who gave it, published
 * only when at least k of them did, not counting the reader (SPEC 3b: private
 * numbers are shown to their owner or aggregated over at least k). A figure
 * derived from several fields (velocity, the win rates from last quarter's
 * deals, coverage, the first-stage count) is worked out per respondent first,
 * from that respondent's own fields, and then its median taken: a median of
 * velocities, not a velocity of medians, so every figure is one a respondent
 * could have had.
 *
 * Money figures (deal value, velocity) are only comparable in one currency,
 * so they combine the respondents who gave the chosen currency: the reader's,
 * else the one most respondents gave. Rates and ratios combine everyone.
 */

export const CompanyFigureKeys = [
  'opportunities',
  'dealValue',
  'winRate',
  'unitWinRate',
  'valueWinRate',
  'cycleDays',
  'velocityPerDay',
  'coverage',
  'firstStagePerWin',
] as const;
export type CompanyFigureKey = (typeof CompanyFigureKeys)[number];

/** Figures in money, combined only over respondents of one currency. */
export const MONEY_FIGURES: ReadonlySet<CompanyFigureKey> = new Set(['dealValue', 'velocityPerDay']);

/**
 * One respondent's figures. Rates are fractions (0.22 for 22 %), money in the
 * respondent's currency, coverage a ratio, firstStagePerWin the opportunities
 * the first stage needs for one win.
 */
export type RespondentFigures = Partial<Record<CompanyFigureKey, number>>;

/**
 * The win rate velocity is computed with: the one the participant entered
 * when given, else the unit win rate of last quarter's decided deals. The
 * numbers page says which.
 */
export function velocityWinRate(n: YourNumbers): { rate: number; source: 'entered' | 'deals' } | null {
  if (n.winRate !== undefined) return { rate: n.winRate / 100, source: 'entered' };
  const unit = n.wonCount !== undefined && n.lostCount !== undefined && n.wonCount + n.lostCount > 0 ? n.wonCount / (n.wonCount + n.lostCount) : null;
  return unit === null ? null : { rate: unit, source: 'deals' };
}

/** The stage conversion rates a participant gave, in stage order (a stage left blank is skipped). */
export function stageRates(n: YourNumbers): number[] {
  return [n.stage1, n.stage2, n.stage3, n.stage4, n.stage5, n.stage6].filter((r): r is number => r !== undefined);
}

/** Every figure one respondent's numbers give. */
export function respondentFigures(n: YourNumbers): RespondentFigures {
  const f: RespondentFigures = {};
  if (n.opportunities !== undefined) f.opportunities = n.opportunities;
  if (n.dealValue !== undefined) f.dealValue = n.dealValue;
  if (n.winRate !== undefined) f.winRate = n.winRate / 100;
  if (n.cycleDays !== undefined) f.cycleDays = n.cycleDays;
  const used = velocityWinRate(n);
  if (n.opportunities !== undefined && n.dealValue !== undefined && n.cycleDays !== undefined && n.cycleDays > 0 && used) {
    f.velocityPerDay = velocityPerDay({ opportunities: n.opportunities, dealValue: n.dealValue, winRate: used.rate * 100, cycleDays: n.cycleDays });
  }
  if (n.wonCount !== undefined && n.lostCount !== undefined && n.wonValue !== undefined && n.lostValue !== undefined) {
    const r = winRates({ wonCount: n.wonCount, wonValue: n.wonValue, lostCount: n.lostCount, lostValue: n.lostValue });
    if (r.unit !== null) f.unitWinRate = r.unit;
    if (r.value !== null) f.valueWinRate = r.value;
  }
  if (n.quota !== undefined && n.pipeline !== undefined) {
    const c = pipelineCoverage(n.pipeline, n.quota);
    if (c) f.coverage = c.ratio;
  }
  const rates = stageRates(n);
  const perStage = rates.length ? opportunitiesPerStage(rates) : null;
  if (perStage) f.firstStagePerWin = perStage[0]!;
  return f;
}

/** The middle value, or the mean of the two middle values; the input is left as it is. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('the median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface CompanyFigure {
  /** Median over the respondents who gave it, the reader among them when they did. */
  value: number;
  /** Respondents who gave it. At least k, not counting the reader. */
  n: number;
}

export interface CompanyNumbers {
  /** The k every figure was held to. */
  minGroup: number;
  /** Whether the reader's own numbers were among the respondents (and so left out of the count against k). */
  withReader: boolean;
  /** Currency of the money figures; '' when those respondents gave none. */
  currency: string;
  /** Only the figures with enough contributors; a figure below k is absent, not null. */
  figures: Partial<Record<CompanyFigureKey, CompanyFigure>>;
}

export interface Respondent {
  numbers: YourNumbers | null;
  /** The person the report is for. At most one respondent is the reader. */
  reader?: boolean;
}

/**
 * The currency the money figures are combined in: the reader's when they gave
 * money figures in one, else the one most respondents with a deal value gave,
 * ties to the alphabetically first (so the order of respondents never matters).
 */
function moneyCurrency(respondents: readonly Respondent[]): string {
  const reader = respondents.find((r) => r.reader)?.numbers;
  if (reader?.dealValue !== undefined) return reader.currency ?? '';
  const counts = new Map<string, number>();
  for (const r of respondents) {
    if (r.numbers?.dealValue !== undefined) counts.set(r.numbers.currency ?? '', (counts.get(r.numbers.currency ?? '') ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0]?.[0] ?? '';
}

/**
 * The company's figures from its respondents' numbers, each the median of
 * those who gave it, kept only when at least `minGroup` respondents other
 * than the reader gave it. The result does not depend on the respondents'
 * order.
 */
export function combineCompanyNumbers(respondents: readonly Respondent[], minGroup: number): CompanyNumbers {
  if (respondents.filter((r) => r.reader).length > 1) throw new RangeError('a report has one reader');
  const currency = moneyCurrency(respondents);
  const figures: CompanyNumbers['figures'] = {};
  const given = respondents
    .filter((r): r is Respondent & { numbers: YourNumbers } => r.numbers !== null)
    .map((r) => ({ reader: r.reader === true, currency: r.numbers.currency ?? '', figures: respondentFigures(r.numbers) }));
  for (const key of CompanyFigureKeys) {
    const contributors = given.filter((g) => g.figures[key] !== undefined && (!MONEY_FIGURES.has(key) || g.currency === currency));
    // The one anonymity rule: at least k contributors once the reader's own figure is left out.
    if (contributors.length === 0 || !mayShow({ count: contributors.length, readerIncluded: contributors.some((g) => g.reader) }, minGroup)) continue;
    figures[key] = { value: median(contributors.map((g) => g.figures[key]!)), n: contributors.length };
  }
  return { minGroup, withReader: respondents.some((r) => r.reader), currency, figures };
}
