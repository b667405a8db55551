import { Circle, G, Line, Path, Rect, Svg, Text as SvgText, View, Text } from '@react-pdf/renderer';
import type { ColumnPair, Dumbbell, Funnel, Gauge, Histogram, Meter, RateBars, ScoreBar } from '../../domain/chart-geometry.ts';
import { FONT } from '../fonts.ts';
import { colors, styles } from '../theme.ts';

const svgText = (size: number, bold = false) => ({ fontFamily: FONT, fontSize: size, fontWeight: bold ? ('bold' as const) : ('normal' as const) });

/** `width`: the size drawn at, the geometry scaled to it. */
export function GaugeChart({ g, score, color = colors.brand, width = g.width }: { g: Gauge; score: number; color?: string; width?: number }) {
  return (
    <Svg width={width} height={((g.height + 4) * width) / g.width} viewBox={`0 0 ${g.width} ${g.height + 4}`}>
      <Path d={g.track} stroke={colors.track} strokeWidth={g.strokeWidth} fill="none" />
      {g.value ? <Path d={g.value} stroke={color} strokeWidth={g.strokeWidth} fill="none" /> : null}
      <SvgText x={g.label.x} y={g.label.y - 4} textAnchor="middle" style={svgText(g.width / 5, true)} fill={colors.ink}>
        {String(Math.round(score))}
      </SvgText>
    </Svg>
  );
}

/** A 0-100 bar with the peer quartile range (light band) and median (dark mark). */
export function BarChart({ bar, width, color = colors.brand, height = 16 }: { bar: ScoreBar; width: number; color?: string; height?: number }) {
  const inner = height * 0.55;
  const top = (height - inner) / 2;
  return (
    <Svg width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
      <Rect x={0} y={top} width={width} height={inner} fill={colors.track} rx={2} />
      {bar.q1 !== null && bar.q3 !== null ? <Rect x={bar.q1} y={1} width={Math.max(1, bar.q3 - bar.q1)} height={height - 2} fill={colors.band} /> : null}
      <Rect x={0} y={top} width={bar.fill} height={inner} fill={color} rx={2} />
      {bar.median !== null ? <Line x1={bar.median} y1={0} x2={bar.median} y2={height} stroke={colors.ink} strokeWidth={2} /> : null}
    </Svg>
  );
}

/**
 * Peer histogram: band edges labelled (a band runs from its left label to the next), the subject's band in
 * amber and the marker at the exact published score, labelled with it.
 */
export function HistogramChart({ h, score, width = h.width }: { h: Histogram; score: number; width?: number }) {
  const top = 14;
  return (
    <Svg width={width} height={((h.height + top + 14) * width) / h.width} viewBox={`0 0 ${h.width} ${h.height + top + 14}`}>
      {h.bars.map((b, i) => (
        <Rect key={i} x={b.x} y={b.y + top} width={b.w} height={Math.max(0.5, b.h)} fill={b.subject ? colors.amber : colors.bar} />
      ))}
      <Line x1={0} y1={h.height + top} x2={h.width} y2={h.height + top} stroke={colors.faint} strokeWidth={0.5} />
      {h.ticks.map((t) => (
        <Line key={`t${t.label}`} x1={t.x} y1={h.height + top} x2={t.x} y2={h.height + top + 3} stroke={colors.faint} strokeWidth={0.5} />
      ))}
      {h.ticks.map((t, i) => (
        <SvgText
          key={`l${t.label}`}
          x={t.x}
          y={h.height + top + 11}
          textAnchor={i === 0 ? 'start' : i === h.ticks.length - 1 ? 'end' : 'middle'}
          style={svgText(7)}
          fill={colors.soft}
        >
          {String(t.label)}
        </SvgText>
      ))}
      <Line x1={h.marker} y1={top - 2} x2={h.marker} y2={h.height + top} stroke={colors.ink} strokeWidth={1.25} />
      <SvgText
        x={h.marker}
        y={top - 4}
        textAnchor={h.marker < 20 ? 'start' : h.marker > h.width - 20 ? 'end' : 'middle'}
        style={svgText(7.5, true)}
        fill={colors.ink}
      >
        {`You: ${Math.round(score)}`}
      </SvgText>
    </Svg>
  );
}

/** Columns with their values as the report model writes them (one text per column, in order). */
export function ColumnChart({ c, values }: { c: ColumnPair; values: readonly string[] }) {
  return (
    <View>
      <Svg width={c.width} height={c.height} viewBox={`0 0 ${c.width} ${c.height}`}>
        {c.columns.map((col, i) => (
          <Rect key={i} x={col.x} y={col.y} width={col.w} height={col.h} fill={i === 0 ? colors.bar : colors.accent} />
        ))}
      </Svg>
      <View style={[styles.row, { width: c.width }]}>
        {c.columns.map((col, i) => (
          <View key={i} style={{ width: c.width / c.columns.length, alignItems: 'center' }}>
            <Text style={{ fontWeight: 'bold' }}>{values[i]}</Text>
            <Text style={styles.small}>{col.label}</Text>
          </View>
        ))}
      </View>
    </View>
  );
}

/** Stage bars with the count of each as the report model writes it (one text per row, in order). */
export function FunnelChart({ f, values }: { f: Funnel; values: readonly string[] }) {
  return (
    <View>
      {f.rows.map((r, i) => (
        <View key={i} style={[styles.row, { alignItems: 'center', marginBottom: 3 }]}>
          <Text style={{ width: 50, fontSize: 8.5 }}>{r.label}</Text>
          <Svg width={f.width} height={r.h} viewBox={`0 0 ${f.width} ${r.h}`}>
            <Rect x={r.x} y={0} width={r.w} height={r.h} fill={i === f.rows.length - 1 ? colors.accent : colors.brand} rx={2} />
          </Svg>
          <Text style={{ width: 40, textAlign: 'right', fontWeight: 'bold' }}>{values[i]}</Text>
        </View>
      ))}
    </View>
  );
}

/** Pipeline coverage against its rule of thumb: the bar, the target mark and both written out. */
export function MeterChart({ m, valueText, targetText }: { m: Meter; valueText: string; targetText: string }) {
  return (
    <Svg width={m.width} height={34} viewBox={`0 0 ${m.width} 34`}>
      <Rect x={0} y={10} width={m.width} height={12} fill={colors.track} rx={2} />
      <Rect x={0} y={10} width={m.fill} height={12} fill={m.met ? colors.accent : colors.amber} rx={2} />
      <Line x1={m.target} y1={5} x2={m.target} y2={27} stroke={colors.ink} strokeWidth={1.5} />
      <SvgText x={m.target} y={34} textAnchor="middle" style={svgText(7)} fill={colors.soft}>
        {`rule ${targetText}`}
      </SvgText>
      <SvgText x={m.fill < m.target ? Math.max(m.fill - 2, 24) : Math.min(m.fill + 2, m.width - 24)} y={7} textAnchor={m.fill < m.target ? 'end' : 'start'} style={svgText(7.5, true)} fill={colors.ink}>
        {valueText}
      </SvgText>
    </Svg>
  );
}

/** Win rates as bars on one scale, each named and written out. */
export function RateBarsChart({ c, rows }: { c: RateBars; rows: readonly { label: string; value: string }[] }) {
  return (
    <View>
      {rows.map((r, i) => (
        <View key={r.label} style={[styles.row, { alignItems: 'center', marginBottom: 4 }]}>
          <Text style={{ flex: 1, fontSize: 8.5, paddingRight: 8 }}>{r.label}</Text>
          <Svg width={c.width} height={10} viewBox={`0 0 ${c.width} 10`}>
            <Rect x={0} y={1} width={c.width} height={8} fill={colors.track} rx={2} />
            <Rect x={0} y={1} width={c.bars[i]?.fill ?? 0} height={8} fill={i === 0 ? colors.brand : colors.bar} rx={2} />
          </Svg>
          <Text style={{ width: 46, textAlign: 'right', fontWeight: 'bold' }}>{r.value}</Text>
        </View>
      ))}
      <Text style={styles.small}>Scale 0 to {c.max} %.</Text>
    </View>
  );
}

/** Leaders against sellers, item by item: two dots on one 0-100 axis and the gap between them. */
export function DumbbellChart({ d, labels }: { d: Dumbbell; labels: readonly string[] }) {
  const h = d.rows.length * d.rowHeight + 14;
  return (
    <View style={styles.row}>
      <View style={{ width: 150 }}>
        {labels.map((l) => (
          <Text key={l} style={{ height: d.rowHeight, fontSize: 8.5, paddingTop: 4 }}>
            {l}
          </Text>
        ))}
      </View>
      <Svg width={d.width} height={h} viewBox={`0 0 ${d.width} ${h}`}>
        {d.ticks.map((t) => (
          <Line key={`g${t.label}`} x1={t.x} y1={0} x2={t.x} y2={h - 14} stroke={colors.line} strokeWidth={0.5} />
        ))}
        {d.rows.map((r, i) => {
          const y = i * d.rowHeight + d.rowHeight / 2;
          return (
            <G key={i}>
              <Line x1={r.leaders} y1={y} x2={r.sellers} y2={y} stroke={colors.faint} strokeWidth={2} />
              <Circle cx={r.leaders} cy={y} r={4} fill={colors.ink} />
              <Circle cx={r.sellers} cy={y} r={4} fill={colors.amber} />
            </G>
          );
        })}
        {d.ticks.map((t, i) => (
          <SvgText key={`l${t.label}`} x={t.x} y={h - 3} textAnchor={i === 0 ? 'start' : i === d.ticks.length - 1 ? 'end' : 'middle'} style={svgText(7)} fill={colors.soft}>
            {String(t.label)}
          </SvgText>
        ))}
      </Svg>
    </View>
  );
}
