import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boxPlotGeometry } from '../../src/domain/chart-geometry.ts';
import { compareGroups, topPerformers } from '../../src/domain/comparison.ts';
import {
  createStatsAccumulator,
  hundredths,
  itemGaps,
  locate,
  quartilesFromCounts,
  quartileSplit,
  wholePoint,
  type BucketCount,
  type CompareDimension,
  type StatsContribution,
} from '../../src/domain/peer-stats.ts';
import { quartiles } from '../../src/domain/peers.ts';

const twoDecimals = fc.integer({ min: 0, max: 10_000 }).map((h) => h / 100);

/** Counts of a list of scores as the statistics keep them. */
function countsOf(values: readonly number[]) {
  const points = new Map<number, number>();
  const fine = new Map<number, number>();
  for (const v of values) {
    points.set(wholePoint(v), (points.get(wholePoint(v)) ?? 0) + 1);
    fine.set(hundredths(v), (fine.get(hundredths(v)) ?? 0) + 1);
  }
  const asc = (m: Map<number, number>): BucketCount[] => [...m].sort((a, b) => a[0] - b[0]).map(([bucket, n]) => ({ bucket, n }));
  return {
    points: asc(points),
    hundredthsIn: (p: number) => asc(fine).filter((c) => Math.floor(c.bucket / 100) === p),
  };
}

const keys = (over: Partial<Record<CompareDimension, string>> = {}): Record<CompareDimension, string> => ({
  industry: 'software', employees: '50-249', salesTeam: '6-20', region: 'europe', motion: 'inside', role: 'rep', ...over,
});
const contribution = (velocity: number, over: Partial<Record<CompareDimension, string>> = {}, items: (number | null)[] = []): StatsContribution => ({
  keys: keys(over),
  scores: { velocity, value: velocity, number: null, winRate: velocity / 2, cycle: velocity },
  itemScores: items,
});

describe('buckets', () => {
  it.each([
    [0, 0, 0],
    [47.93, 4793, 47],
    [99.99, 9999, 99],
    [100, 10000, 100],
    [12.345, 1235, 12],
  ])('%d is hundredth %d in whole point %d', (score, h, p) => {
    expect(hundredths(score)).toBe(h);
    expect(wholePoint(score)).toBe(p);
  });
});

describe('locate', () => {
  const counts = [{ bucket: 3, n: 2 }, { bucket: 7, n: 1 }, { bucket: 9, n: 3 }];
  it.each([
    [0, 3, 0],
    [1, 3, 1],
    [2, 7, 0],
    [5, 9, 2],
  ])('rank %d is in bucket %d at %d', (rank, bucket, within) => {
    expect(locate(counts, rank)).toEqual({ bucket, within });
  });
  it('refuses a rank beyond the group', () => {
    expect(() => locate(counts, 6)).toThrow(RangeError);
  });
});

describe('quartilesFromCounts', () => {
  it('equals sorting the scores, for any two-decimal scores', () => {
    fc.assert(
      fc.property(fc.array(twoDecimals, { minLength: 1, maxLength: 300 }), (values) => {
        const c = countsOf(values);
        const got = quartilesFromCounts(c.points, c.hundredthsIn, 1)!;
        const want = quartiles(values)!;
        for (const q of ['n', 'min', 'q1', 'median', 'q3', 'max'] as const) expect(got[q]).toBeCloseTo(want[q], 9);
      }),
      { numRuns: 300 },
    );
  });

  it('is null below k and for an empty group', () => {
    const c = countsOf([10, 20, 30, 40]);
    expect(quartilesFromCounts(c.points, c.hundredthsIn, 5)).toBeNull();
    expect(quartilesFromCounts([], () => [], 1)).toBeNull();
  });
});

describe('quartileSplit and itemGaps', () => {
  it('splits at whole points, each side at least a quarter, and refuses small sides', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 0.5);
    const split = quartileSplit(countsOf(values).points, 5)!;
    expect(split).toEqual({ bottomUpTo: 24, topFrom: 75, bottomN: 25, topN: 25 });
    expect(quartileSplit(countsOf(values.slice(0, 12)).points, 5)).toBeNull();
    // All alike: there is no top and bottom to tell apart.
    expect(quartileSplit(countsOf(Array(40).fill(50)).points, 5)).toBeNull();
  });

  it('each side holds at least a quarter of any group', () => {
    fc.assert(
      fc.property(fc.array(twoDecimals, { minLength: 8, maxLength: 400 }), (values) => {
        const split = quartileSplit(countsOf(values).points, 1);
        if (!split) return;
        expect(split.bottomN).toBeGreaterThanOrEqual(values.length / 4);
        expect(split.topN).toBeGreaterThanOrEqual(values.length / 4);
        expect(split.bottomN).toBe(values.filter((v) => wholePoint(v) <= split.bottomUpTo).length);
        expect(split.topN).toBe(values.filter((v) => wholePoint(v) >= split.topFrom).length);
      }),
      { numRuns: 300 },
    );
  });

  it('means per side, widest gap first, items answered by fewer than k on a side left out', () => {
    const split = { bottomUpTo: 30, topFrom: 70, bottomN: 10, topN: 10 };
    const gaps = itemGaps(
      [
        { itemId: 'a', bucket: 80, n: 5, total: 4.5 },
        { itemId: 'a', bucket: 20, n: 5, total: 1 },
        { itemId: 'a', bucket: 50, n: 100, total: 0 },
        { itemId: 'b', bucket: 75, n: 10, total: 6 },
        { itemId: 'b', bucket: 10, n: 10, total: 5 },
        { itemId: 'c', bucket: 90, n: 4, total: 4 },
        { itemId: 'c', bucket: 5, n: 9, total: 0 },
      ],
      split,
      5,
    );
    expect(gaps.map((g) => g.itemId)).toEqual(['a', 'b']);
    expect(gaps[0]).toMatchObject({ top: 0.9, bottom: 0.2, topAnswered: 5, bottomAnswered: 5 });
    expect(gaps[0]!.gap).toBeCloseTo(0.7, 12);
    expect(gaps[1]!.gap).toBeCloseTo(0.1, 12);
  });
});

describe('the accumulator as a source', () => {
  /** Every stored row of an accumulator, as plain values. */
  const rowsOf = (acc: ReturnType<typeof createStatsAccumulator>) => {
    const points: [string, string, string, number, number, Record<number, number>][] = [];
    acc.forEachPoint((c) => {
      const nonZero = Object.fromEntries([...c.hundredths].flatMap((n, h) => (n ? [[h, n]] : [])));
      points.push([c.dimension, c.key, c.measure, c.point, c.n, nonZero]);
    });
    const items: [string, string, string, Record<number, [number, number]>][] = [];
    acc.forEachItem((s) => items.push([s.dimension, s.key, s.itemId, Object.fromEntries([...s.n].flatMap((n, p) => (n ? [[p, [n, s.total[p]!]]] : [])))]));
    return { points, items };
  };

  it('adding then removing leaves nothing behind', () => {
    const acc = createStatsAccumulator(['x', 'y']);
    acc.add(contribution(40, {}, [0.5, null]));
    acc.add(contribution(40, {}, [0.5, null]), -1);
    expect(rowsOf(acc)).toEqual({ points: [], items: [] });
  });

  it('counts each score at its whole point and hundredth, for the population and every dimension, skipping empty sub-indices', () => {
    const acc = createStatsAccumulator(['x']);
    acc.add(contribution(47.93, {}, [0.25]));
    const { points, items } = rowsOf(acc);
    // 8 groups (everyone, six dimensions, industry × employees band) × 4 scored measures.
    expect(points).toHaveLength(32);
    expect(points).toContainEqual(['all', '', 'velocity', 47, 1, { 93: 1 }]);
    expect(points).toContainEqual(['industry+employees', 'software|50-249', 'value', 47, 1, { 93: 1 }]);
    expect(points).toContainEqual(['industry', 'software', 'cycle', 47, 1, { 93: 1 }]);
    expect(points.some((r) => r[2] === 'number')).toBe(false);
    expect(items).toContainEqual(['role', 'rep', 'x', { 47: [1, 0.25] }]);
    // In stored-key order, so that a bulk load appends.
    const keys = points.map((r) => JSON.stringify(r.slice(0, 3)) + String(r[3]).padStart(3, '0'));
    expect(keys).toEqual([...keys].sort());
  });

  it('a score of 100 is the only hundredth of the point 100', () => {
    const acc = createStatsAccumulator([]);
    acc.add(contribution(100));
    expect(rowsOf(acc).points).toContainEqual(['all', '', 'velocity', 100, 1, { 0: 1 }]);
  });

  it('merges tallies made elsewhere as if they were made here', () => {
    const here = createStatsAccumulator(['x']);
    const there = createStatsAccumulator(['x']);
    const both = createStatsAccumulator(['x']);
    here.add(contribution(10, {}, [0.1]));
    there.add(contribution(90, { region: 'asia' }, [0.9]));
    both.add(contribution(10, {}, [0.1]));
    both.add(contribution(90, { region: 'asia' }, [0.9]));
    here.merge(there.snapshot());
    expect(rowsOf(here)).toEqual(rowsOf(both));
  });

  it('compareGroups hides groups below k and the next smallest with them, says how many, and never reports their figures', () => {
    const acc = createStatsAccumulator([]);
    for (let i = 0; i < 10; i++) acc.add(contribution(30 + i, { industry: 'software' }));
    for (let i = 0; i < 6; i++) acc.add(contribution(60 + i, { industry: 'finance' }));
    for (let i = 0; i < 4; i++) acc.add(contribution(80 + i, { industry: 'retail' }));
    const choices = [{ id: 'retail', label: 'Retail' }, { id: 'software', label: 'Software' }, { id: 'finance', label: 'Finance' }];
    const model = compareGroups(acc.source, 'industry', choices, 5);
    // Retail's four alone would be everyone less the groups shown: finance, the smallest shown, is hidden with it.
    expect(model.groups.map((g) => g.key)).toEqual(['software']);
    expect(model.hiddenGroups).toBe(2);
    expect(model.groups[0]).toMatchObject({ label: 'Software', n: 10 });
    // Median and quartiles at whole points (32.25, 34.5, 36.75), no lowest or highest score.
    expect(model.groups[0]!.measures.velocity).toEqual({ n: 10, quartiles: { q1: 32, median: 35, q3: 37 } });
    // Nobody could score "number", so its quartiles are empty rather than made up.
    expect(model.groups[0]!.measures.number).toBeNull();
    expect(JSON.stringify(model)).not.toMatch(/6[0-5]\b|8[0-3]\b|retail|finance|\b30\b|\b39\b/);
  });

  it('orders groups as the instrument lists them', () => {
    const acc = createStatsAccumulator([]);
    for (const industry of ['b', 'a', 'c']) for (let i = 0; i < 5; i++) acc.add(contribution(50 + i, { industry }));
    const model = compareGroups(acc.source, 'industry', ['c', 'a', 'b'].map((id) => ({ id, label: id.toUpperCase() })), 5);
    expect(model.groups.map((g) => g.label)).toEqual(['C', 'A', 'B']);
  });

  it('topPerformers: the practice that the top answers better comes first; a small population says too small without its size', () => {
    const acc = createStatsAccumulator(['weak', 'strong']);
    for (let i = 0; i < 40; i++) acc.add(contribution(i * 2.5, {}, [0.5, i / 40]));
    const items = [{ id: 'weak', text: 'Weak link', section: 'S' }, { id: 'strong', text: 'Strong link', section: 'S' }];
    const result = topPerformers(acc.source, 'all', '', items, 5);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.items.map((i) => i.itemId)).toEqual(['strong', 'weak']);
      expect(result.items[1]!.gap).toBe(0);
      expect(result.items[0]).toMatchObject({ text: 'Strong link' });
    }
    const small = createStatsAccumulator(['weak']);
    for (let i = 0; i < 4; i++) small.add(contribution(i * 20, {}, [0.5]));
    expect(topPerformers(small.source, 'all', '', items, 5)).toEqual({ ok: false, n: 0, reason: 'too-small' });
  });
});

describe('boxPlotGeometry', () => {
  it('places the box and the median on a 0-100 track at whole points and keeps them inside it', () => {
    const g = boxPlotGeometry([{ label: 'A', q: { q1: -5, median: 41.5, q3: 120 } }]);
    expect(g.rows[0]).toEqual({ label: 'A', q1: 0, median: 42, q3: 100 });
    expect(g.ticks).toEqual([0, 20, 40, 60, 80, 100]);
  });
});
