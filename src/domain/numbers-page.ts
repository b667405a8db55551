import { columnGeometry, funnelGeometry, meterGeometry, rateBarsGeometry, type ColumnPair, type Funnel, type Meter, type RateBars } from './chart-geometry.ts';
import {
  CompanyFigureKeys,
  MONEY_FIGURES,
  respondentFigures,
  stageRates,
  velocityWinRate,
  type CompanyFigureKey,
  type CompanyNumbers,
} from './company-numbers.ts';
import { EN_NUMBERS, numberFormat, type NumberFormat, type NumberStyle } from './number-format.ts';
import { DAYS_PER_QUARTER, opportunitiesPerStage, pipelineCoverage, whatIf, winRates } from './numbers.ts';
import type { YourNumbers } from './profile.ts';

/**
 * The numbers page of the company report as plain data: every figure already
 * written out (number-format.ts holds the one rounding rule of each kind of
 * figure), so the PDF and the HTML page print the same text and no renderer
 * rounds anything itself.
 */

/** Points between the entered win rate and last quarter's above which the page says what the gap usually means. */
export const WIN_RATE_GAP_POINTS = 5;

export interface NumbersLine {
  label: string;
  value: string;
}

export interface OwnVelocity {
  perDay: number;
  perQuarter: number;
  uplift: number;
  perDayText: string;
  perQuarterText: string;
  upliftText: string;
  /** Which win rate velocity and the what-if use, e.g. "At the win rate you entered, 22.0 %." */
  basis: string;
  whatIfChart: ColumnPair;
  /** Each column of the chart, in its order, with its velocity per quarter written out ("USD 331,141"). */
  whatIfColumns: NumbersLine[];
}

export interface OwnWinRates {
  /** The entered win rate and the rates from last quarter's deals, each named. */
  rows: NumbersLine[];
  /** The same rates as bars on one scale, one per row and in its order. */
  chart: RateBars;
  /** Which of them the velocity figure and the what-if use; null when there is no velocity figure. */
  used: string | null;
  /** What a gap of more than WIN_RATE_GAP_POINTS between the entered and last quarter's unit rate usually means. */
  difference: string | null;
  /** What the open deals do to the rates. */
  open: string | null;
  /** How to read the value rate against the unit rate; null without a value rate. */
  note: string | null;
}

export interface OwnNumbers {
  velocity: OwnVelocity | null;
  winRates: OwnWinRates | null;
  coverage: string | null;
  /** Pipeline coverage against the rule of thumb as a meter, with the two ends written out. */
  coverageMeter: (Meter & { valueText: string; targetText: string }) | null;
  stages: { text: string; rows: NumbersLine[]; chart: Funnel; note: string } | null;
}

export interface CompanyNumbersView {
  heading: string;
  /** How the company figures are combined and who is held to what. */
  intro: string;
  /** Column headings: the figure, the reader's own (null on the consultant's copy), the company's. */
  columns: { figure: string; yours: string | null; company: string };
  rows: { label: string; yours: string | null; company: string }[];
  /** Why figures are missing (fewer than k gave them), or null when none is. */
  note: string | null;
}

export interface NumbersPage {
  title: string;
  intro: string;
  /** The reader's own figures; null on the consultant's copy and when the reader gave none. */
  own: OwnNumbers | null;
  /** The company's combined figures; null outside a company with several possible respondents. */
  company: CompanyNumbersView | null;
}

const FIGURE_LABELS: Record<CompanyFigureKey, string> = {
  opportunities: 'Qualified opportunities per quarter',
  dealValue: 'Average deal value',
  winRate: 'Win rate entered',
  unitWinRate: "Unit win rate, last quarter's decided deals",
  valueWinRate: "Value win rate, last quarter's decided deals",
  cycleDays: 'Average sales cycle',
  velocityPerDay: 'Sales velocity per quarter',
  coverage: 'Pipeline coverage (open pipeline : quota)',
  firstStagePerWin: 'Opportunities at the first stage for one win',
};

function formatFigure(key: CompanyFigureKey, value: number, currency: string, f: NumberFormat): string {
  switch (key) {
    case 'opportunities':
      return f.group(value);
    case 'dealValue':
      return f.money(value, currency);
    case 'velocityPerDay':
      return f.money(value * DAYS_PER_QUARTER, currency);
    case 'winRate':
    case 'unitWinRate':
    case 'valueWinRate':
      return f.percent(value);
    case 'cycleDays':
      return `${f.group(value)} days`;
    case 'coverage':
      return f.ratio(value);
    case 'firstStagePerWin':
      return f.stageCount(value);
  }
}

const given = (n: YourNumbers) => Object.entries(n).some(([k, v]) => k !== 'currency' && v !== undefined);

function ownVelocity(n: YourNumbers, money: (v: number) => string, f: NumberFormat): OwnVelocity | null {
  const used = velocityWinRate(n);
  if (n.opportunities === undefined || n.dealValue === undefined || n.cycleDays === undefined || !(n.cycleDays > 0) || !used) return null;
  const w = whatIf({ opportunities: n.opportunities, dealValue: n.dealValue, winRate: used.rate * 100, cycleDays: n.cycleDays });
  const columns = [
    { label: 'Today', value: w.before.perQuarter },
    { label: 'With +10 % on each lever', value: w.after.perQuarter },
  ];
  return {
    perDay: w.before.perDay,
    perQuarter: w.before.perQuarter,
    uplift: w.uplift,
    perDayText: money(w.before.perDay),
    perQuarterText: money(w.before.perQuarter),
    upliftText: f.change(w.uplift),
    basis:
      used.source === 'entered'
        ? `At the win rate you entered, ${f.percent(used.rate)}.`
        : `At the unit win rate of last quarter's decided deals, ${f.percent(used.rate)}: you left the win rate blank.`,
    // Small enough to sit in the what-if card beside the velocity figure, so the numbers page fits one PDF page.
    whatIfChart: columnGeometry(columns, 220, 70),
    whatIfColumns: columns.map((c) => ({ label: c.label, value: money(c.value) })),
  };
}

/** One sentence on what a gap between the entered rate and last quarter's usually means; positive gap: entered is higher. */
function gapSentence(enteredMinusUnit: number, decided: number, f: NumberFormat): string {
  const points = `${f.oneDecimal(Math.abs(enteredMinusUnit * 100))} points`;
  const sample = decided <= 50 ? `, and with ${f.group(decided)} decided deals one deal more or less moves it by ${f.oneDecimal(100 / decided)} points` : '';
  return enteredMinusUnit > 0
    ? `The rate you entered is ${points} above last quarter's, which usually means it leaves out deals that ended in no decision (last quarter's figures count them as lost), comes from a longer or better period, or is the rate you aim for rather than the one you get${sample}.`
    : `Last quarter's decided deals give a rate ${points} above the one you entered, which usually means last quarter went better than most or the rate you entered is an older or more cautious figure${sample}.`;
}

function ownWinRates(n: YourNumbers, money: (v: number) => string, hasVelocity: boolean, f: NumberFormat): OwnWinRates | null {
  const outcomes = n.wonCount !== undefined && n.wonValue !== undefined && n.lostCount !== undefined && n.lostValue !== undefined;
  const r = outcomes
    ? winRates({ wonCount: n.wonCount!, wonValue: n.wonValue!, lostCount: n.lostCount!, lostValue: n.lostValue!, openCount: n.openCount, openValue: n.openValue })
    : null;
  if (n.winRate === undefined && r?.unit == null) return null;
  const rows: NumbersLine[] = [];
  const rates: number[] = [];
  if (n.winRate !== undefined) {
    rows.push({ label: 'Win rate you entered', value: f.percent(n.winRate / 100) });
    rates.push(n.winRate / 100);
  }
  const decided = outcomes ? n.wonCount! + n.lostCount! : 0;
  if (r?.unit != null) {
    rows.push({ label: `Unit win rate from last quarter's decided deals (${f.group(n.wonCount!)} won of ${f.group(decided)})`, value: f.percent(r.unit) });
    rates.push(r.unit);
  }
  if (r?.value != null) {
    rows.push({
      label: `Value win rate from last quarter's decided deals (${money(n.wonValue!)} won of ${money(n.wonValue! + n.lostValue!)})`,
      value: f.percent(r.value),
    });
    rates.push(r.value);
  }
  const used = !hasVelocity
    ? null
    : n.winRate !== undefined
      ? r?.unit != null
        ? "Velocity and the what-if use the win rate you entered; last quarter's rates are shown beside it, not used."
        : 'Velocity and the what-if use the win rate you entered.'
      : "You left the win rate blank, so velocity and the what-if use the unit win rate from last quarter's decided deals.";
  // Compared as printed, so that the sentence never contradicts the two figures above it.
  const gap = n.winRate !== undefined && r?.unit != null ? Number((n.winRate / 100).toFixed(3)) - Number(r.unit.toFixed(3)) : 0;
  const openCount = n.openCount ?? 0;
  return {
    rows,
    chart: rateBarsGeometry(rates, 170),
    used,
    difference: Math.abs(gap) * 100 > WIN_RATE_GAP_POINTS ? gapSentence(gap, decided, f) : null,
    open:
      r && openCount > 0 && r.unitWithOpen !== null && r.unitIfOpenWon !== null
        ? `Counting the ${f.group(openCount)} open deals as not yet won: ${f.percent(r.unitWithOpen)} by count${r.valueWithOpen !== null && n.openValue !== undefined ? ` and ${f.percent(r.valueWithOpen)} by value` : ''}; if all of them were won, ${f.percent(r.unitIfOpenWon)}${r.valueIfOpenWon !== null && n.openValue !== undefined ? ` and ${f.percent(r.valueIfOpenWon)}` : ''}.`
        : null,
    note: r?.value != null ? 'A value rate well below the unit rate means you win the small deals and lose the large ones; well above it, the reverse.' : null,
  };
}

function ownNumbers(n: YourNumbers, f: NumberFormat): OwnNumbers | null {
  if (!given(n)) return null;
  const money = (v: number) => f.money(v, n.currency);
  const velocity = ownVelocity(n, money, f);
  const coverage = n.quota !== undefined && n.pipeline !== undefined ? pipelineCoverage(n.pipeline, n.quota) : null;
  const rates = stageRates(n);
  const counts = rates.length ? opportunitiesPerStage(rates) : null;
  const stageLabels = [...rates.map((_, i) => `Stage ${i + 1}`), 'Win'];
  return {
    velocity,
    winRates: ownWinRates(n, money, velocity !== null, f),
    coverage: coverage
      ? `${f.ratio(coverage.ratio)} against the common ${coverage.rule} : 1 rule${coverage.meetsRule ? '.' : `: ${money(coverage.shortfall)} of pipeline short.`}`
      : null,
    coverageMeter: coverage ? { ...meterGeometry(coverage.ratio, coverage.rule, 220), valueText: f.ratio(coverage.ratio), targetText: `${coverage.rule} : 1` } : null,
    stages: counts
      ? {
          text: counts.map(f.stageCount).join(' : '),
          rows: counts.map((c, i) => ({ label: stageLabels[i]!, value: f.stageCount(c) })),
          // Sized for the PDF's half-width column; the web page scales it with its viewBox.
          chart: funnelGeometry(counts, stageLabels, 150, 14, 3),
          note: 'Whole opportunities, rounded up: fewer than that yields less than one win on average.',
        }
      : null,
  };
}

function companyView(company: CompanyNumbers, own: YourNumbers | null, f: NumberFormat): CompanyNumbersView {
  const k = company.minGroup;
  const reader = company.withReader;
  // The reader's column only when they gave figures: a column of dashes says nothing.
  const yoursColumn = reader && own !== null && given(own);
  const mine = own ? respondentFigures(own) : {};
  const ownCurrency = own?.currency ?? '';
  const shown = CompanyFigureKeys.filter((key) => company.figures[key]);
  const none = shown.length === 0;
  // Without a single company figure a table would only repeat the reader's own figures: the note says why instead.
  const rows = none
    ? []
    : CompanyFigureKeys.flatMap((key) => {
        const fig = company.figures[key];
        const yours = mine[key];
        if (!fig && (yours === undefined || !yoursColumn)) return [];
        return [
          {
            label: FIGURE_LABELS[key],
            yours: yoursColumn ? (yours === undefined ? '—' : formatFigure(key, yours, ownCurrency, f)) : null,
            company: fig ? `${formatFigure(key, fig.value, company.currency, f)} (median of ${fig.n})` : '—',
          },
        ];
      });
  const moneyShown = company.currency !== '' && shown.some((key) => MONEY_FIGURES.has(key));
  const currencyClause = moneyShown ? ` Money figures combine the respondents who answered in ${company.currency}.` : '';
  return {
    heading: reader ? (yoursColumn ? 'You and your company' : 'Your company') : 'Combined figures',
    intro: reader
      ? `Each company figure is the median of the respondents who gave it (half gave more, half less), you among them if you did, and appears only once at least ${k} respondents besides you have given it, so that nobody's own figures can be read from it. Your own figures are shown to you alone.${currencyClause}`
      : `Each figure is the median of the respondents who gave it (half gave more, half less), and appears only once at least ${k} respondents have given it: no individual's numbers are shown.${currencyClause}`,
    columns: { figure: 'Figure', yours: yoursColumn ? 'Yours' : null, company: 'Company median (respondents who gave it)' },
    rows,
    note: none
      ? reader
        ? `Company figures appear once at least ${k} respondents besides you have given them; fewer have so far.`
        : `Numbers appear once at least ${k} respondents have given them; fewer than ${k} have so far.`
      : reader
        ? rows.some((r) => r.company === '—')
          ? `A dash in the company column: fewer than ${k} respondents besides you have given that figure so far.`
          : null
        : shown.length < CompanyFigureKeys.length
          ? `Figures that fewer than ${k} respondents have given are left out.`
          : null,
  };
}

/**
 * The numbers page: the reader's own figures (never anyone else's) and, in a
 * company, the combined figures of its respondents over at least k. Null when
 * there is nothing to show: a reader without numbers outside a company, or
 * one whose company has no figure yet. The consultant's copy (company numbers
 * without a reader) always has the page, saying why it is empty when it is.
 */
export function numbersPage(intro: string, own: YourNumbers | null, company: CompanyNumbers | null, style: NumberStyle = EN_NUMBERS): NumbersPage | null {
  const f = numberFormat(style);
  const consultant = company !== null && !company.withReader;
  const mine = consultant || !own ? null : ownNumbers(own, f);
  const companyFigures = company !== null && Object.keys(company.figures).length > 0;
  if (!consultant && !mine && !companyFigures) return null;
  return {
    title: consultant ? "The company's numbers" : mine ? 'Your numbers' : "Your company's numbers",
    intro: consultant
      ? "This page works from the figures the company's respondents entered on the optional numbers page, combined so that nobody's own figures can be read from it. Treat the results as estimates."
      : mine
        ? intro
        : "You left the optional numbers page blank, so this page shows your company's figures only, combined from the respondents who gave them. Treat them as estimates.",
    own: mine,
    company: company && (consultant || companyFigures || mine) ? companyView(company, consultant ? null : own, f) : null,
  };
}
