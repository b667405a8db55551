import { describe, expect, it } from 'vitest';
import { columnGeometry, funnelGeometry, gaugeGeometry, histogramGeometry, scoreBar } from '../../src/domain/chart-geometry.ts';

describe('gaugeGeometry', () => {
  it.each([
    [0, ''],
    [50, 'A 99 99 0 0 1 110 11'],
    [100, 'A 99 99 0 0 1 209 110'],
  ])('draws the value arc of %d from the left end', (score, ending) => {
    const g = gaugeGeometry(score, 220, 22);
    expect(g.track).toBe('M 11 110 A 99 99 0 0 1 209 110');
    if (ending === '') expect(g.value).toBe('');
    else expect(g.value.endsWith(ending)).toBe(true);
  });

  it('clamps scores outside 0-100', () => {
    expect(gaugeGeometry(140).value).toBe(gaugeGeometry(100).value);
    expect(gaugeGeometry(-3).value).toBe('');
  });
});

describe('scoreBar', () => {
  it('places the score, median and quartiles along the bar', () => {
    expect(scoreBar(50, { q1: 25, median: 40, q3: 75 }, 300)).toEqual({ fill: 150, median: 120, q1: 75, q3: 225 });
    expect(scoreBar(null, null, 300)).toEqual({ fill: 0, median: null, q1: null, q3: null });
  });
});

describe('histogramGeometry', () => {
  it('scales columns to the fullest band and marks the subject’s band', () => {
    const h = histogramGeometry([0, 1, 2, 4, 8, 4, 2, 1, 0, 0], 47, 400, 104);
    expect(h.bars).toHaveLength(10);
    expect(h.bars[4]!.h).toBe(100);
    expect(h.bars[3]!.h).toBe(50);
    expect(h.bars.filter((b) => b.subject).map((b) => b.from)).toEqual([40]);
    expect(h.marker).toBe(188);
    expect(histogramGeometry(new Array(10).fill(1), 100).bars.at(-1)!.subject).toBe(true);
  });
});

describe('columnGeometry and funnelGeometry', () => {
  it('scales columns to the largest value', () => {
    const c = columnGeometry([{ label: 'a', value: 50 }, { label: 'b', value: 100 }], 300, 104);
    expect(c.columns.map((x) => x.h)).toEqual([50, 100]);
    expect(c.columns[1]!.y).toBe(4);
  });

  it('centres funnel rows, widest first', () => {
    const f = funnelGeometry([8, 4, 2, 1], ['Stage 1', 'Stage 2', 'Stage 3', 'Win'], 400, 20, 5);
    expect(f.rows.map((r) => r.w)).toEqual([400, 200, 100, 50]);
    expect(f.rows.map((r) => r.x)).toEqual([0, 100, 150, 175]);
    expect(f.height).toBe(4 * 25 - 5);
  });
});
