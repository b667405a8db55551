import { describe, expect, it } from 'vitest';
import { columnGeometry, dumbbellGeometry, funnelGeometry, gaugeGeometry, histogramGeometry, meterGeometry, rateBarsGeometry, scoreBar } from '../../src/domain/chart-geometry.ts';
import { longDate } from '../../src/domain/dates.ts';

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

  it('labels the band edges, not the middles of the bars, and marks the exact score', () => {
    const h = histogramGeometry(new Array(10).fill(3), 50, 400, 100);
    expect(h.ticks.map((t) => t.label)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(h.ticks.map((t) => t.x)).toEqual([0, 40, 80, 120, 160, 200, 240, 280, 320, 360, 400]);
    expect(h.ticks.filter((t) => t.major).map((t) => t.label)).toEqual([0, 20, 40, 60, 80, 100]);
    // A score of 50 sits on the edge labelled 50, at the left of the band it belongs to (50 to 60).
    expect(h.marker).toBe(h.ticks[5]!.x);
    expect(h.bars.find((b) => b.subject)!.from).toBe(50);
    expect(histogramGeometry(new Array(10).fill(3), 47.5, 400).marker).toBe(190);
  });
});

describe('meterGeometry', () => {
  it('keeps the target mark on the bar whatever the value', () => {
    expect(meterGeometry(1.2, 3, 300)).toEqual({ width: 300, fill: 80, target: 200, max: 4.5, met: false });
    const far = meterGeometry(9, 3, 300);
    expect([far.fill, far.target, far.met]).toEqual([300, 100, true]);
  });
});

describe('rateBarsGeometry', () => {
  it('draws the rates on one scale that ends at the next ten percent', () => {
    const r = rateBarsGeometry([0.22, 0.295, 0.116], 300);
    expect(r.max).toBe(30);
    expect(r.bars.map((b) => b.fill)).toEqual([220, 295, 116]);
    expect(r.ticks.map((t) => t.label)).toEqual([0, 10, 20, 30]);
    expect(rateBarsGeometry([0.9], 100).ticks.map((t) => t.label)).toEqual([0, 20, 40, 60, 80]);
  });
});

describe('dumbbellGeometry', () => {
  it('places leaders and sellers at whole points on one axis', () => {
    const d = dumbbellGeometry([{ leaders: 63.4, sellers: 21 }], 200);
    expect(d.rows).toEqual([{ leaders: 126, sellers: 42 }]);
    expect(d.ticks.map((t) => t.x)).toEqual([0, 50, 100, 150, 200]);
  });
});

describe('longDate', () => {
  it('writes a report date out, and leaves anything else as it is', () => {
    expect(longDate('2026-12-01')).toBe('1 December 2026');
    expect(longDate('2027-02-28')).toBe('28 February 2027');
    expect(longDate('not a date')).toBe('not a date');
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
