import { z } from 'zod';

/**
 * The numbers page: sales velocity and the figures around it, from the
 * participant's own "Your numbers". Rates are percentages (0-100) at the
 * edges and fractions inside.
 */

export const DAYS_PER_QUARTER = 365 / 4;
export const COVERAGE_RULE = 3;

export const VelocityInputSchema = z.object({
  opportunities: z.number().min(0),
  dealValue: z.number().min(0),
  /** Percent, 0-100. */
  winRate: z.number().min(0).max(100),
  cycleDays: z.number().positive(),
});
export type VelocityInput = z.infer<typeof VelocityInputSchema>;

/** Revenue per day: opportunities × deal value × win rate / cycle length. */
export function velocityPerDay(v: VelocityInput): number {
  return (v.opportunities * v.dealValue * (v.winRate / 100)) / v.cycleDays;
}

export interface Lever {
  /** Relative change of each factor, e.g. 0.1 for +10 %; cycle -0.1 means 10 % shorter. */
  opportunities: number;
  dealValue: number;
  winRate: number;
  cycleDays: number;
}

export const TEN_PERCENT_EACH: Lever = { opportunities: 0.1, dealValue: 0.1, winRate: 0.1, cycleDays: -0.1 };

/** The velocity multiplier of a set of changes: (1+n)(1+v)(1+w)/(1+c). 1.1³/0.9 ≈ 1.479. */
export function compoundedFactor(lever: Lever): number {
  return ((1 + lever.opportunities) * (1 + lever.dealValue) * (1 + lever.winRate)) / (1 + lever.cycleDays);
}

export interface WhatIf {
  before: { perDay: number; perQuarter: number };
  after: { perDay: number; perQuarter: number; input: VelocityInput };
  factor: number;
  /** Relative uplift, 0.479 for +47.9 %. */
  uplift: number;
  /** Each lever alone, in the order opportunities, value, win rate, cycle. */
  single: { lever: keyof Lever; uplift: number }[];
}

export function whatIf(input: VelocityInput, lever: Lever = TEN_PERCENT_EACH): WhatIf {
  const after: VelocityInput = {
    opportunities: input.opportunities * (1 + lever.opportunities),
    dealValue: input.dealValue * (1 + lever.dealValue),
    // A win rate cannot pass 100 % however hard the lever is pulled.
    winRate: Math.min(100, input.winRate * (1 + lever.winRate)),
    cycleDays: input.cycleDays * (1 + lever.cycleDays),
  };
  const before = velocityPerDay(input);
  const afterPerDay = velocityPerDay(after);
  const keys = ['opportunities', 'dealValue', 'winRate', 'cycleDays'] as const;
  const none: Lever = { opportunities: 0, dealValue: 0, winRate: 0, cycleDays: 0 };
  return {
    before: { perDay: before, perQuarter: before * DAYS_PER_QUARTER },
    after: { perDay: afterPerDay, perQuarter: afterPerDay * DAYS_PER_QUARTER, input: after },
    factor: compoundedFactor(lever),
    uplift: before > 0 ? afterPerDay / before - 1 : compoundedFactor(lever) - 1,
    single: keys.map((k) => ({ lever: k, uplift: compoundedFactor({ ...none, [k]: lever[k] }) - 1 })),
  };
}

export interface DealOutcomes {
  wonCount: number;
  wonValue: number;
  lostCount: number;
  lostValue: number;
  openCount?: number;
  openValue?: number;
}

export interface WinRates {
  /** Wins over decided deals, by count; null when nothing was decided. */
  unit: number | null;
  /** Won value over decided value. */
  value: number | null;
  /** The same with open deals counted as not (yet) won: the floor if none of them closes. */
  unitWithOpen: number | null;
  valueWithOpen: number | null;
  /** If every open deal were won: the ceiling. */
  unitIfOpenWon: number | null;
  valueIfOpenWon: number | null;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function winRates(d: DealOutcomes): WinRates {
  const oc = d.openCount ?? 0;
  const ov = d.openValue ?? 0;
  return {
    unit: ratio(d.wonCount, d.wonCount + d.lostCount),
    value: ratio(d.wonValue, d.wonValue + d.lostValue),
    unitWithOpen: ratio(d.wonCount, d.wonCount + d.lostCount + oc),
    valueWithOpen: ratio(d.wonValue, d.wonValue + d.lostValue + ov),
    unitIfOpenWon: ratio(d.wonCount + oc, d.wonCount + d.lostCount + oc),
    valueIfOpenWon: ratio(d.wonValue + ov, d.wonValue + d.lostValue + ov),
  };
}

export interface Coverage {
  /** Open pipeline over quota, e.g. 2.4 for 2.4 : 1. */
  ratio: number;
  rule: number;
  meetsRule: boolean;
  /** Pipeline still to build to reach the rule; 0 when it is met. */
  shortfall: number;
}

export function pipelineCoverage(pipeline: number, quota: number): Coverage | null {
  if (quota <= 0) return null;
  const r = pipeline / quota;
  return {
    ratio: r,
    rule: COVERAGE_RULE,
    meetsRule: r >= COVERAGE_RULE,
    shortfall: Math.max(0, COVERAGE_RULE * quota - pipeline),
  };
}

/**
 * Opportunities each stage needs to yield one win, from stage-to-stage
 * conversion rates (percent; rate i takes stage i to stage i+1, the last
 * into a win). The result has one entry per stage and ends with the win:
 * three conversions of 50 % between four stages give 8 : 4 : 2 : 1.
 * Null when a rate is zero, because no number of opportunities then wins.
 */
export function opportunitiesPerStage(ratesPercent: readonly number[]): number[] | null {
  if (ratesPercent.some((r) => r <= 0)) return null;
  const needed = [1];
  for (let i = ratesPercent.length - 1; i >= 0; i--) {
    needed.unshift(needed[0]! / (ratesPercent[i]! / 100));
  }
  return needed;
}
