import { describe, expect, it } from 'vitest';
import {
  ariaSort,
  companyBars,
  completionSteps,
  DEFAULT_SORT,
  nextSort,
  niceCeiling,
  parseSort,
  percentOf,
  sortCompanies,
  totalsOf,
  type DashboardCompany,
} from '../../src/domain/study-dashboard.ts';

const company = (id: number, name: string, velocity: number | null, extra: Partial<DashboardCompany> = {}): DashboardCompany => ({
  id,
  name,
  invited: 0,
  started: 10,
  completed: 6,
  scores: velocity === null ? null : { velocity, value: velocity - 5, number: velocity + 5, winRate: 50, cycle: null },
  needed: velocity === null ? 3 : 5,
  category: velocity === null ? null : velocity >= 60 ? 'Fast' : 'Steady',
  peer: velocity === null ? null : { relative: velocity, label: 'All participants' },
  ...extra,
});

const rows = [company(1, 'Beta', 70), company(2, 'alpha', null, { completed: 2, started: 9 }), company(3, 'Gamma', 40), company(4, 'Delta', 70)];
const names = (rs: DashboardCompany[]) => rs.map((r) => r.name);

describe('sorting the companies', () => {
  it('sorts by a score either way, companies without figures always last, ties by name', () => {
    expect(names(sortCompanies(rows, { key: 'velocity', dir: 'desc' }))).toEqual(['Beta', 'Delta', 'Gamma', 'alpha']);
    expect(names(sortCompanies(rows, { key: 'velocity', dir: 'asc' }))).toEqual(['Gamma', 'Beta', 'Delta', 'alpha']);
    expect(names(sortCompanies(rows, { key: 'peer', dir: 'asc' }))).toEqual(['Gamma', 'Beta', 'Delta', 'alpha']);
    // Cycle is missing for every company: the order falls back to the names.
    expect(names(sortCompanies(rows, { key: 'cycle', dir: 'desc' }))).toEqual(['alpha', 'Beta', 'Delta', 'Gamma']);
  });

  it('sorts names without regard to case, and counts including the companies below the threshold', () => {
    expect(names(sortCompanies(rows, { key: 'company', dir: 'asc' }))).toEqual(['alpha', 'Beta', 'Delta', 'Gamma']);
    expect(names(sortCompanies(rows, { key: 'company', dir: 'desc' }))).toEqual(['Gamma', 'Delta', 'Beta', 'alpha']);
    expect(names(sortCompanies(rows, { key: 'completed', dir: 'asc' }))).toEqual(['alpha', 'Beta', 'Delta', 'Gamma']);
    expect(names(sortCompanies(rows, { key: 'started', dir: 'desc' }))).toEqual(['Beta', 'Delta', 'Gamma', 'alpha']);
  });

  it('does not reorder its input', () => {
    const copy = [...rows];
    sortCompanies(rows, { key: 'company', dir: 'asc' });
    expect(rows).toEqual(copy);
  });

  it('reads the sort from the query and falls back on anything unknown', () => {
    expect(parseSort('winRate', 'asc')).toEqual({ key: 'winRate', dir: 'asc' });
    expect(parseSort('company', null)).toEqual({ key: 'company', dir: 'asc' });
    expect(parseSort('velocity', 'sideways')).toEqual({ key: 'velocity', dir: 'desc' });
    expect(parseSort('password', 'desc')).toEqual(DEFAULT_SORT);
    expect(parseSort(null, null)).toEqual(DEFAULT_SORT);
    expect(parseSort('__proto__', 'asc')).toEqual(DEFAULT_SORT);
  });

  it('turns a sorted column the other way and starts another column in its usual direction', () => {
    expect(nextSort({ key: 'velocity', dir: 'desc' }, 'velocity')).toEqual({ key: 'velocity', dir: 'asc' });
    expect(nextSort({ key: 'velocity', dir: 'asc' }, 'velocity')).toEqual({ key: 'velocity', dir: 'desc' });
    expect(nextSort({ key: 'velocity', dir: 'desc' }, 'company')).toEqual({ key: 'company', dir: 'asc' });
    expect(ariaSort({ key: 'value', dir: 'asc' }, 'value')).toBe('ascending');
    expect(ariaSort({ key: 'value', dir: 'desc' }, 'value')).toBe('descending');
    expect(ariaSort({ key: 'value', dir: 'desc' }, 'number')).toBeUndefined();
  });
});

describe('totals', () => {
  it('adds up the rows and gives the completion rate of those who started', () => {
    expect(totalsOf([{ invited: 10, started: 8, completed: 6 }, { invited: 0, started: 4, completed: 1 }])).toEqual({ invited: 10, started: 12, completed: 7, completionRate: 58 });
    expect(totalsOf([])).toEqual({ invited: 0, started: 0, completed: 0, completionRate: null });
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(1, 0)).toBeNull();
  });
});

describe('the companies side by side', () => {
  const chart = companyBars(
    [
      { id: 1, name: 'Beta', scores: { velocity: 70, value: 100, number: 0, winRate: 50, cycle: null } },
      { id: 2, name: 'Gamma', scores: { velocity: 40, value: 45, number: 35, winRate: 38, cycle: 42 } },
    ],
    { width: 600, barHeight: 10, barGap: 4, labelHeight: 20, groupGap: 16, valueRoom: 40 },
  );

  it('draws one bar per score a company has, on a 0-100 scale the width of the plot', () => {
    expect(chart.plotWidth).toBe(600 - 4 - 40);
    expect(chart.groups.map((g) => g.bars.map((b) => b.key))).toEqual([
      ['velocity', 'value', 'number', 'winRate'],
      ['velocity', 'value', 'number', 'winRate', 'cycle'],
    ]);
    const beta = chart.groups[0]!.bars;
    expect(beta[0]!.width).toBeCloseTo(0.7 * chart.plotWidth);
    expect(beta[1]!.width).toBeCloseTo(chart.plotWidth);
    expect(beta[2]!.width).toBe(0);
    for (const b of beta) expect(b.x).toBe(chart.plotX);
    expect(beta[1]!.textX).toBeGreaterThan(beta[1]!.x + beta[1]!.width);
    expect(chart.width).toBeGreaterThanOrEqual(beta[1]!.textX + 24);
  });

  it('stacks the groups without overlap: name first, then the bars, each group below the last', () => {
    const [a, b] = chart.groups;
    expect(a!.labelY).toBeLessThan(a!.bars[0]!.y);
    for (let i = 1; i < a!.bars.length; i++) expect(a!.bars[i]!.y).toBeGreaterThanOrEqual(a!.bars[i - 1]!.y + a!.bars[i - 1]!.height);
    const aBottom = a!.bars.at(-1)!.y + a!.bars.at(-1)!.height;
    expect(b!.labelY - 14).toBeGreaterThan(aBottom);
    expect(chart.plotBottom).toBe(b!.bars.at(-1)!.y + b!.bars.at(-1)!.height);
    expect(chart.height).toBeGreaterThan(chart.plotBottom);
    expect(chart.ticks.map((t) => t.value)).toEqual([0, 25, 50, 75, 100]);
    expect(chart.ticks.at(-1)!.x).toBeCloseTo(chart.plotX + chart.plotWidth);
  });

  it('keeps a score outside 0-100 inside the plot', () => {
    const c = companyBars([{ id: 1, name: 'X', scores: { velocity: 130, value: -4, number: null, winRate: null, cycle: null } }]);
    expect(c.groups[0]!.bars[0]!.width).toBeCloseTo(c.plotWidth);
    expect(c.groups[0]!.bars[1]!.width).toBe(0);
  });

  it('is an empty chart for no companies', () => {
    const c = companyBars([]);
    expect(c.groups).toEqual([]);
    expect(c.plotBottom).toBe(0);
  });
});

describe('completion over time', () => {
  const d = (s: string) => new Date(`${s}Z`);

  it('counts completions per day cumulatively from the first day of the round to today', () => {
    const c = completionSteps([d('2026-06-02T10:00:00'), d('2026-06-02T23:59:00'), d('2026-06-04T08:00:00')], d('2026-06-01T09:00:00'), d('2026-06-05T12:00:00'));
    expect(c.days).toEqual([
      { date: '2026-06-01', total: 0 },
      { date: '2026-06-02', total: 2 },
      { date: '2026-06-03', total: 2 },
      { date: '2026-06-04', total: 3 },
      { date: '2026-06-05', total: 3 },
    ]);
    expect(c.yMax).toBe(5);
    expect(c.xLabels.map((l) => l.date)).toEqual(['2026-06-01', '2026-06-05']);
  });

  it('draws steps: flat runs and vertical rises only, ending at the right edge at the total', () => {
    const c = completionSteps([d('2026-06-02T10:00:00'), d('2026-06-04T08:00:00')], d('2026-06-01T00:00:00'), d('2026-06-04T00:00:00'), { width: 436, height: 136 });
    // Plot 36..426 wide over 4 days (97.5 each), 10..110 high for a maximum of 2.
    expect(c.plot).toEqual({ x: 36, y: 10, width: 390, height: 100 });
    expect(c.path).toBe('M36 110 H231 V60 H426 V10 H426');
    expect(c.yTicks).toEqual([
      { value: 0, y: 110 },
      { value: 1, y: 60 },
      { value: 2, y: 10 },
    ]);
  });

  it('scales to the invitations when there are more of them, and marks them', () => {
    const c = completionSteps([d('2026-06-01T10:00:00')], d('2026-06-01T00:00:00'), d('2026-06-03T00:00:00'), { invited: 14 });
    expect(c.yMax).toBe(20);
    expect(c.invited!.value).toBe(14);
    expect(c.invited!.y).toBeLessThan(c.plot.y + c.plot.height);
    expect(c.yTicks.map((t) => t.value)).toEqual([0, 10, 20]);
  });

  it('has no line before anyone completes, one day for a round that starts today, and stretches to a later completion', () => {
    const empty = completionSteps([], d('2026-06-01T00:00:00'), d('2026-06-01T10:00:00'));
    expect(empty.path).toBe('');
    expect(empty.days).toHaveLength(1);
    expect(empty.xLabels).toHaveLength(1);
    const late = completionSteps([d('2026-06-09T10:00:00')], d('2026-06-01T00:00:00'), d('2026-06-03T00:00:00'));
    expect(late.days.at(-1)).toEqual({ date: '2026-06-09', total: 1 });
  });

  it('rounds axis maxima up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 2, 3, 6, 11, 20, 21, 99, 101].map(niceCeiling)).toEqual([1, 1, 2, 5, 10, 20, 20, 50, 100, 200]);
  });
});
