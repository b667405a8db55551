/**
 * Chart geometry computed once and drawn twice: the web page draws it as SVG,
 * the PDF with react-pdf's Svg primitives. Coordinates are in the chart's own
 * units; scores are 0-100.
 */

import { publishedScore } from './anonymity.ts';

const clamp = (x: number, lo = 0, hi = 100) => Math.min(hi, Math.max(lo, x));
const round = (x: number) => Math.round(x * 100) / 100;

export interface Gauge {
  width: number;
  height: number;
  /** The grey half ring and the coloured part up to the score, as SVG path data for a stroke. */
  track: string;
  value: string;
  strokeWidth: number;
  /** Where the score's label sits. */
  label: { x: number; y: number };
}

function arcPoint(cx: number, cy: number, r: number, score: number) {
  const angle = Math.PI * (1 - clamp(score) / 100);
  return { x: round(cx + r * Math.cos(angle)), y: round(cy - r * Math.sin(angle)) };
}

/** A half-ring gauge from 0 (left) to 100 (right) over the top. */
export function gaugeGeometry(score: number, width = 220, strokeWidth = 22): Gauge {
  const r = (width - strokeWidth) / 2;
  const cx = width / 2;
  const cy = r + strokeWidth / 2;
  const start = arcPoint(cx, cy, r, 0);
  const end = arcPoint(cx, cy, r, 100);
  const at = arcPoint(cx, cy, r, score);
  return {
    width,
    height: round(cy + strokeWidth / 2),
    track: `M ${start.x} ${start.y} A ${r} ${r} 0 0 1 ${end.x} ${end.y}`,
    // Less than half a circle, so the small-arc flag is always 0.
    value: clamp(score) <= 0 ? '' : `M ${start.x} ${start.y} A ${r} ${r} 0 0 1 ${at.x} ${at.y}`,
    strokeWidth,
    label: { x: cx, y: round(cy - strokeWidth / 2) },
  };
}

export interface ScoreBar {
  /** Widths and positions along a bar `width` long. */
  fill: number;
  median: number | null;
  q1: number | null;
  q3: number | null;
}

/** A 0-100 bar with the peer median and quartiles marked. */
export function scoreBar(score: number | null, peer: { median: number; q1: number; q3: number } | null, width: number): ScoreBar {
  const at = (v: number) => round((clamp(v) / 100) * width);
  return {
    fill: score === null ? 0 : at(score),
    median: peer ? at(peer.median) : null,
    q1: peer ? at(peer.q1) : null,
    q3: peer ? at(peer.q3) : null,
  };
}

/** A bar laid out along `from` units redrawn along `to`: every position scales with it. */
export function rescaleBar(bar: ScoreBar, from: number, to: number): ScoreBar {
  const k = to / from;
  const at = (v: number | null) => (v === null ? null : round(v * k));
  return { fill: round(bar.fill * k), median: at(bar.median), q1: at(bar.q1), q3: at(bar.q3) };
}

export interface Histogram {
  width: number;
  height: number;
  bars: { x: number; y: number; w: number; h: number; from: number; to: number; n: number; subject: boolean }[];
  /** The subject's position on the x axis: the exact score, not the middle of its band. */
  marker: number;
  /** Axis labels at the band edges (0, 10 … 100), so a band reads "from this label to the next"; `major` every 20, for narrow screens. */
  ticks: { x: number; label: number; major: boolean }[];
}

/** Counts per ten-point band (10 numbers, 0-10 … 90-100) drawn as columns, the subject's band marked. */
export function histogramGeometry(counts: readonly number[], subject: number, width = 440, height = 120): Histogram {
  const max = Math.max(1, ...counts);
  const w = width / counts.length;
  const subjectBin = Math.min(counts.length - 1, Math.floor(clamp(subject) / (100 / counts.length)));
  return {
    width,
    height,
    bars: counts.map((n, i) => {
      const h = round((n / max) * (height - 4));
      return { x: round(i * w + 1), y: round(height - h), w: round(w - 2), h, from: i * 10, to: (i + 1) * 10, n, subject: i === subjectBin };
    }),
    marker: round((clamp(subject) / 100) * width),
    ticks: Array.from({ length: counts.length + 1 }, (_, i) => ({ x: round(i * w), label: Math.round((i * 100) / counts.length), major: i % 2 === 0 })),
  };
}

export interface ColumnPair {
  width: number;
  height: number;
  columns: { label: string; value: number; x: number; y: number; w: number; h: number }[];
}

/** Side-by-side columns scaled to the largest value, e.g. velocity before and after the what-if. */
export function columnGeometry(values: readonly { label: string; value: number }[], width = 300, height = 140): ColumnPair {
  const max = Math.max(1e-9, ...values.map((v) => v.value));
  const slot = width / values.length;
  const w = slot * 0.56;
  return {
    width,
    height,
    columns: values.map((v, i) => {
      const h = round((Math.max(0, v.value) / max) * (height - 4));
      return { label: v.label, value: v.value, x: round(i * slot + (slot - w) / 2), y: round(height - h), w: round(w), h };
    }),
  };
}

export interface Funnel {
  width: number;
  height: number;
  rows: { label: string; value: number; x: number; y: number; w: number; h: number }[];
}

/** Centred horizontal bars, widest first: opportunities needed at each stage for one win. */
export function funnelGeometry(values: readonly number[], labels: readonly string[], width = 400, rowHeight = 22, gap = 6): Funnel {
  const max = Math.max(1e-9, ...values);
  return {
    width,
    height: values.length * (rowHeight + gap) - gap,
    rows: values.map((v, i) => {
      const w = round(Math.max(6, (v / max) * width));
      return { label: labels[i] ?? '', value: v, x: round((width - w) / 2), y: i * (rowHeight + gap), w, h: rowHeight };
    }),
  };
}

export interface BoxPlotRow {
  label: string;
  /** Positions on the 0-100 axis, as whole percentages of the track's width. */
  q1: number;
  median: number;
  q3: number;
}

/**
 * Horizontal box plots on one 0-100 axis, one row per group, in percent of
 * the track so that the page can lay them out at any width: the box from the
 * first to the third quartile, a line at the median. No whiskers: a minimum
 * or maximum is one person's score. Positions are whole points, the
 * precision at which the figures are published (src/domain/anonymity.ts),
 * so the markup carries nothing finer than the text.
 */
export function boxPlotGeometry(groups: readonly { label: string; q: { q1: number; median: number; q3: number } }[]): { rows: BoxPlotRow[]; ticks: number[] } {
  const at = (v: number) => publishedScore(clamp(v));
  return {
    rows: groups.map((g) => ({ label: g.label, q1: at(g.q.q1), median: at(g.q.median), q3: at(Math.max(g.q.q3, g.q.q1)) })),
    ticks: [0, 20, 40, 60, 80, 100],
  };
}

export interface Meter {
  width: number;
  /** Where the value's bar ends and where the target sits, along `width`; the scale runs to `max`. */
  fill: number;
  target: number;
  max: number;
  /** True when the value reaches the target. */
  met: boolean;
}

/**
 * A horizontal meter for a ratio against a rule of thumb (pipeline coverage
 * against 3 : 1): the scale runs to half as far again as the rule or to the
 * value, whichever is larger, so the target mark always sits on the bar.
 */
export function meterGeometry(value: number, target: number, width = 300): Meter {
  const max = Math.max(target * 1.5, value);
  const at = (v: number) => round((Math.max(0, v) / max) * width);
  return { width, fill: at(value), target: at(target), max, met: value >= target };
}

export interface RateBars {
  width: number;
  /** The scale's end, a whole ten percent above the largest rate. */
  max: number;
  bars: { fill: number }[];
  ticks: { x: number; label: number }[];
}

/** Win rates (0-1) as bars on one shared scale, so the entered, unit and value rates compare by length. */
export function rateBarsGeometry(rates: readonly number[], width = 300): RateBars {
  const top = Math.min(100, Math.max(10, Math.ceil((Math.max(0, ...rates) * 100) / 10) * 10));
  const at = (pct: number) => round((Math.max(0, Math.min(top, pct)) / top) * width);
  const step = top <= 50 ? 10 : 20;
  return {
    width,
    max: top,
    bars: rates.map((r) => ({ fill: at(r * 100) })),
    ticks: Array.from({ length: Math.floor(top / step) + 1 }, (_, i) => ({ x: at(i * step), label: i * step })),
  };
}

export interface Dumbbell {
  width: number;
  rowHeight: number;
  rows: { leaders: number; sellers: number }[];
  ticks: { x: number; label: number }[];
}

/** Leaders' and sellers' averages per item on one 0-100 axis: two dots joined by a line, the gap at a glance. */
export function dumbbellGeometry(rows: readonly { leaders: number; sellers: number }[], width = 300, rowHeight = 20): Dumbbell {
  const at = (v: number) => round((publishedScore(clamp(v)) / 100) * width);
  return {
    width,
    rowHeight,
    rows: rows.map((r) => ({ leaders: at(r.leaders), sellers: at(r.sellers) })),
    ticks: [0, 25, 50, 75, 100].map((label) => ({ x: at(label), label })),
  };
}
