/**
 * The consultant's study dashboard as data: how the companies' table sorts,
 * and the geometry of its two charts (the companies side by side, completion
 * over time). Pure: the page draws what these functions return.
 */

export const DASHBOARD_SCORES = ['velocity', 'value', 'number', 'winRate', 'cycle'] as const;
export type DashboardScore = (typeof DASHBOARD_SCORES)[number];

export const SCORE_LABELS: Record<DashboardScore, string> = {
  velocity: 'Velocity Index',
  value: 'Value',
  number: 'Number',
  winRate: 'Win Rate',
  cycle: 'Cycle',
};

/** One company of the study in one round, as the dashboard shows it. */
export interface DashboardCompany {
  id: number;
  name: string;
  invited: number;
  started: number;
  completed: number;
  /** The company's published figures (whole points), or null while the anonymity rule holds them back. */
  scores: Record<DashboardScore, number | null> | null;
  /** Respondents still needed before the figures appear (or next update once shown). */
  needed: number;
  /** The company category of its Velocity Index, from the instrument's bands; null without figures. */
  category: string | null;
  /** Share (0-100, whole points) of its benchmark peer group that did not score higher; null when not shown. */
  peer: { relative: number; label: string } | null;
  /**
   * The Velocity Index's change against the round before (src/server/services/trends.ts): undefined in a
   * study's first round; null while either round's figures are held back; `questionnaire-changed` when the
   * rounds used different questionnaires (nothing is compared).
   */
  change?: DashboardChange | 'questionnaire-changed' | null;
}

/** A company's change since the round before, as the dashboard's table shows it. */
export interface DashboardChange {
  /** Whole points, the difference of the two published figures. */
  points: number;
  /** The bootstrap interval of the change contains 0. */
  withinNoise: boolean;
  roundBefore: number;
  nBefore: number;
  nAfter: number;
}

export const SORT_KEYS = ['company', 'completed', 'started', 'invited', ...DASHBOARD_SCORES, 'category', 'peer'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';
export interface Sort {
  key: SortKey;
  dir: SortDir;
}

export const DEFAULT_SORT: Sort = { key: 'velocity', dir: 'desc' };

/** A sort from the query string; anything unknown falls back to the default rather than failing. */
export function parseSort(sort: string | null, dir: string | null): Sort {
  const key = SORT_KEYS.find((k) => k === sort);
  if (!key) return DEFAULT_SORT;
  return { key, dir: dir === 'asc' || dir === 'desc' ? dir : defaultDir(key) };
}

/** Names read A to Z first; every count and score reads highest first. */
export function defaultDir(key: SortKey): SortDir {
  return key === 'company' || key === 'category' ? 'asc' : 'desc';
}

/** Where a column header's link leads: the other direction when it is the column sorted on, its usual one otherwise. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key !== key) return { key, dir: defaultDir(key) };
  return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
}

export function ariaSort(current: Sort, key: SortKey): 'ascending' | 'descending' | undefined {
  return current.key === key ? (current.dir === 'asc' ? 'ascending' : 'descending') : undefined;
}

/** The value a company sorts by; null for a figure it does not have, which sorts last whichever the direction. */
function sortValue(c: DashboardCompany, key: SortKey): number | string | null {
  switch (key) {
    case 'company':
      return c.name;
    case 'completed':
    case 'started':
    case 'invited':
      return c[key];
    case 'category':
      return c.category;
    case 'peer':
      return c.peer?.relative ?? null;
    default:
      return c.scores?.[key] ?? null;
  }
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/**
 * The companies in the order asked for. A company without the figure (below
 * the anonymity threshold) sorts after every company with it, so "highest
 * first" never puts a blank at the top; ties fall back to the name.
 */
export function sortCompanies(rows: readonly DashboardCompany[], sort: Sort): DashboardCompany[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else {
      const d = typeof va === 'string' || typeof vb === 'string' ? collator.compare(String(va), String(vb)) : va - vb;
      if (d !== 0) return sign * d;
    }
    return collator.compare(a.name, b.name) || a.id - b.id;
  });
}

/** Share (0-100, whole points) of `part` in `whole`; null for an empty whole rather than a division by zero. */
export function percentOf(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((100 * part) / whole) : null;
}

export interface Totals {
  invited: number;
  started: number;
  completed: number;
  /** Completed of those who started, in whole percent; null before anyone starts. */
  completionRate: number | null;
}

export function totalsOf(rows: readonly { invited: number; started: number; completed: number }[]): Totals {
  const invited = rows.reduce((s, r) => s + r.invited, 0);
  const started = rows.reduce((s, r) => s + r.started, 0);
  const completed = rows.reduce((s, r) => s + r.completed, 0);
  return { invited, started, completed, completionRate: percentOf(completed, started) };
}

// ---------------------------------------------------------------------------
// Companies side by side: a grouped horizontal bar chart, 0-100.

export interface BarGeometry {
  key: DashboardScore;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Where the value is written: just past the bar's end. */
  textX: number;
  textY: number;
}

export interface BarGroup {
  id: number;
  name: string;
  /** Baseline of the company's name, written above its bars. */
  labelY: number;
  bars: BarGeometry[];
}

export interface BarChart {
  width: number;
  height: number;
  plotX: number;
  plotWidth: number;
  /** Top and bottom of the plot area, for the gridlines. */
  plotTop: number;
  plotBottom: number;
  ticks: { value: number; x: number }[];
  groups: BarGroup[];
}

export interface BarChartOptions {
  width?: number;
  barHeight?: number;
  barGap?: number;
  labelHeight?: number;
  groupGap?: number;
  /** Room right of the plot for the value written past a full bar. */
  valueRoom?: number;
}

/**
 * Each company as a group: its name on a line of its own (so long names
 * never squeeze the bars on a phone), then one bar per score present. The
 * scale is fixed at 0-100, the scores' own range, so two studies' charts
 * read alike. Companies without figures are left out by the caller.
 */
export function companyBars(
  companies: readonly { id: number; name: string; scores: Record<DashboardScore, number | null> }[],
  options: BarChartOptions = {},
): BarChart {
  const width = options.width ?? 640;
  const barHeight = options.barHeight ?? 12;
  const barGap = options.barGap ?? 4;
  const labelHeight = options.labelHeight ?? 22;
  const groupGap = options.groupGap ?? 18;
  const valueRoom = options.valueRoom ?? 34;
  const axisHeight = 22;
  const plotX = 4;
  const plotWidth = width - plotX - valueRoom;
  const scale = (v: number) => (Math.min(100, Math.max(0, v)) / 100) * plotWidth;
  let y = 0;
  const groups = companies.map((c) => {
    const labelY = y + labelHeight - 7;
    y += labelHeight;
    const bars: BarGeometry[] = [];
    for (const key of DASHBOARD_SCORES) {
      const value = c.scores[key];
      if (value === null) continue;
      const w = scale(value);
      bars.push({ key, value, x: plotX, y, width: w, height: barHeight, textX: plotX + w + 4, textY: y + barHeight - 2 });
      y += barHeight + barGap;
    }
    y += groupGap - barGap;
    return { id: c.id, name: c.name, labelY, bars };
  });
  const plotBottom = Math.max(y - groupGap, 0);
  const ticks = [0, 25, 50, 75, 100].map((value) => ({ value, x: plotX + scale(value) }));
  return { width, height: plotBottom + axisHeight, plotX, plotWidth, plotTop: 0, plotBottom, ticks, groups };
}

// ---------------------------------------------------------------------------
// Completion over time: cumulative completions per day of the round, as steps.

const DAY = 86_400_000;
const dayOf = (d: Date) => Math.floor(d.getTime() / DAY);
const isoDay = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

export interface CompletionChart {
  width: number;
  height: number;
  plot: { x: number; y: number; width: number; height: number };
  /** The step line, an SVG path; empty when nobody has completed. */
  path: string;
  /** Cumulative completions at the end of each day, first day of the round to the last shown. */
  days: { date: string; total: number }[];
  yMax: number;
  yTicks: { value: number; y: number }[];
  /** First and last day (ISO), written under the axis. */
  xLabels: { date: string; x: number; anchor: 'start' | 'end' }[];
  /** The invited reference line, when there are invitations. */
  invited: { value: number; y: number } | null;
}

/** A round axis maximum: 1, 2, 5 or 10 times a power of ten, at least `v`. */
export function niceCeiling(v: number): number {
  if (v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * From the round's first day (`start`) to `end` (today, or the round's last
 * completion if that is later), the running count of completions at the end of
 * each day, drawn as steps: a count changes only on the day someone finished.
 */
export function completionSteps(
  completedAt: readonly Date[],
  start: Date,
  end: Date,
  options: { invited?: number; width?: number; height?: number } = {},
): CompletionChart {
  const width = options.width ?? 640;
  const height = options.height ?? 200;
  const plot = { x: 36, y: 10, width: width - 36 - 10, height: height - 10 - 26 };
  const first = dayOf(start);
  const times = completedAt.map(dayOf).filter((d) => d >= first);
  const last = Math.max(dayOf(end), first, ...times);
  const perDay = new Map<number, number>();
  for (const d of times) perDay.set(d, (perDay.get(d) ?? 0) + 1);
  const days: { date: string; total: number }[] = [];
  let total = 0;
  for (let d = first; d <= last; d++) {
    total += perDay.get(d) ?? 0;
    days.push({ date: isoDay(d), total });
  }
  const invited = options.invited && options.invited > 0 ? options.invited : null;
  const yMax = niceCeiling(Math.max(total, invited ?? 0, 1));
  const span = days.length;
  // Each day is a column; the line rises at the end of the day it counts.
  const xAt = (i: number) => plot.x + (plot.width * i) / span;
  const yAt = (v: number) => plot.y + plot.height - (plot.height * v) / yMax;
  let path = '';
  if (total > 0) {
    path = `M${r(xAt(0))} ${r(yAt(0))}`;
    let level = 0;
    days.forEach((d, i) => {
      if (d.total !== level) {
        path += ` H${r(xAt(i + 1))} V${r(yAt(d.total))}`;
        level = d.total;
      }
    });
    path += ` H${r(xAt(span))}`;
  }
  // Whole people only: a half-way tick only where it is a whole number.
  const tickValues = yMax <= 4 ? Array.from({ length: yMax + 1 }, (_, i) => i) : yMax % 2 === 0 ? [0, yMax / 2, yMax] : [0, yMax];
  return {
    width,
    height,
    plot,
    path,
    days,
    yMax,
    yTicks: tickValues.map((value) => ({ value, y: r(yAt(value)) })),
    xLabels: [
      { date: days[0]!.date, x: plot.x, anchor: 'start' },
      ...(span > 1 ? [{ date: days.at(-1)!.date, x: plot.x + plot.width, anchor: 'end' as const }] : []),
    ],
    invited: invited === null ? null : { value: invited, y: r(yAt(invited)) },
  };
}

const r = (v: number) => Math.round(v * 10) / 10;
