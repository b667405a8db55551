/**
 * Every figure of the reports' numbers page goes through one of these, so a
 * figure reads the same wherever it appears (the PDF, the HTML report, the
 * CLI). One rule per kind of figure:
 * - money: whole currency units with comma thousands separators, after the
 *   currency code (USD 3,629); cents are noise next to estimates;
 * - percentages (win rates, conversion rates, uplift): exactly one decimal
 *   (22.0 %, 29.5 %, +47.9 %), so that two rates side by side are written
 *   alike and a difference of half a point is visible;
 * - opportunities a stage needs for one win: whole opportunities rounded up
 *   (19 : 12 : 6 : 1), see formatStageCount;
 * - ratios against a rule (pipeline coverage): one decimal (2.3 : 1);
 * - counts and days: whole numbers with thousands separators.
 * The functions below write English separators (12,345.6); numberFormat(style)
 * gives the same functions with a reader's own (12.345,6), see reader-locale.ts.
 */

/** The thousands and decimal separators a reader expects. */
export interface NumberStyle {
  group: string;
  decimal: string;
}
/** English separators: wherever no reader's locale is known (the CLI, the consultant's CSV, tests). */
export const EN_NUMBERS: NumberStyle = { group: ',', decimal: '.' };

/**
 * Every rule of this module with a reader's separators. A bundle rather than
 * an optional argument: `values.map(formatPercent)` would pass the index as one.
 */
export function numberFormat(style: NumberStyle) {
  const group = (value: number): string => {
    const rounded = Math.round(value);
    if (!Number.isFinite(rounded)) return String(rounded);
    const digits = String(Math.abs(rounded));
    return `${rounded < 0 ? '-' : ''}${digits.replace(/\B(?=(\d{3})+$)/g, style.group)}`;
  };
  /** One decimal, never "-0.0". */
  const oneDecimal = (value: number): string => {
    const text = value.toFixed(1);
    const [whole, fraction] = (text === '-0.0' ? '0.0' : text).split('.') as [string, string];
    return `${whole.startsWith('-') ? '-' : ''}${group(Math.abs(Number(whole)))}${style.decimal}${fraction}`;
  };
  return {
    style,
    group,
    oneDecimal,
    stageCount: (value: number): string => group(Math.max(0, Math.ceil(value - 1e-9))),
    percent: (fraction: number): string => `${oneDecimal(fraction * 100)} %`,
    change: (fraction: number): string => {
      const text = oneDecimal(fraction * 100);
      return `${text.startsWith('-') || text === `0${style.decimal}0` ? '' : '+'}${text} %`;
    },
    ratio: (value: number): string => `${oneDecimal(value)} : 1`,
    money: (value: number, currency: string | undefined): string => `${currency ? `${currency} ` : ''}${group(value)}`,
  };
}
export type NumberFormat = ReturnType<typeof numberFormat>;
const EN = numberFormat(EN_NUMBERS);

/**
 * Whole numbers with comma thousands separators, as `toLocaleString('en-US')`
 * writes them (12,345; -1,234,567), without it: the first call to a locale
 * method loads ICU's number data, about 10 ms of a fresh process's first report.
 */
export const groupThousands = (value: number): string => EN.group(value);

/**
 * Opportunities a stage needs for one win, as every report prints them: whole opportunities, rounded up, so the
 * last stage (the win) reads 1 and 50 % at each step reads 8 : 4 : 2 : 1. Whole because nobody works 18.5
 * opportunities and a stage count is read as "how many do I need"; up because fewer than the exact figure yields
 * less than one win on average. It used to be whole from 10 and one decimal below, which printed 19 : 11 : 5.6.
 * A hair of floating-point error above a whole number (8.000000000001) is not a ninth opportunity.
 */
export const formatStageCount = (value: number): string => EN.stageCount(value);

/** A share given as a fraction (0.295), with one decimal: 29.5 %. */
export const formatPercent = (fraction: number): string => EN.percent(fraction);

/** A relative change given as a fraction (0.479), signed, with one decimal: +47.9 %, -4.0 %. */
export const formatChange = (fraction: number): string => EN.change(fraction);

/** A ratio against a rule, with one decimal: 2.3 : 1. */
export const formatRatio = (value: number): string => EN.ratio(value);

/** An amount rounded to a whole unit, after the participant's currency code when they gave one (USD 3,629). */
export const formatMoney = (value: number, currency: string | undefined): string => EN.money(value, currency);
