import { Line, Path, Rect, Svg, Text as SvgText, View, Text } from '@react-pdf/renderer';
import type { ColumnPair, Funnel, Gauge, Histogram, ScoreBar } from '../../domain/chart-geometry.ts';
import { FONT } from '../fonts.ts';
import { colors, styles } from '../theme.ts';

export function GaugeChart({ g, score }: { g: Gauge; score: number }) {
  return (
    <Svg width={g.width} height={g.height + 4} viewBox={`0 0 ${g.width} ${g.height + 4}`}>
      <Path d={g.track} stroke={colors.track} strokeWidth={g.strokeWidth} fill="none" />
      {g.value ? <Path d={g.value} stroke={colors.brand} strokeWidth={g.strokeWidth} fill="none" /> : null}
      <SvgText x={g.label.x - 22} y={g.label.y - 8} style={{ fontFamily: FONT, fontSize: 30, fontWeight: 'bold' }} fill={colors.ink}>
        {String(Math.round(score))}
      </SvgText>
    </Svg>
  );
}

/** A 0-100 bar with the peer quartile range (light band) and median (dark mark). */
export function BarChart({ bar, width }: { bar: ScoreBar; width: number }) {
  return (
    <Svg width={width} height={18} viewBox={`0 0 ${width} 18`}>
      <Rect x={0} y={4} width={width} height={10} fill={colors.track} rx={2} />
      {bar.q1 !== null && bar.q3 !== null ? <Rect x={bar.q1} y={1} width={Math.max(1, bar.q3 - bar.q1)} height={16} fill="#c9d6ea" /> : null}
      <Rect x={0} y={4} width={bar.fill} height={10} fill={colors.brand} rx={2} />
      {bar.median !== null ? <Line x1={bar.median} y1={0} x2={bar.median} y2={18} stroke={colors.ink} strokeWidth={2} /> : null}
    </Svg>
  );
}

export function HistogramChart({ h }: { h: Histogram }) {
  return (
    <View>
      <Svg width={h.width} height={h.height + 14} viewBox={`0 0 ${h.width} ${h.height + 14}`}>
        {h.bars.map((b, i) => (
          <Rect key={i} x={b.x} y={b.y} width={b.w} height={Math.max(0.5, b.h)} fill={b.subject ? colors.amber : '#9db7d9'} />
        ))}
        <Line x1={h.marker} y1={0} x2={h.marker} y2={h.height} stroke={colors.ink} strokeWidth={1.5} />
        {h.bars.map((b, i) => (
          <SvgText key={`l${i}`} x={b.x + b.w / 2 - 6} y={h.height + 11} style={{ fontFamily: FONT, fontSize: 7 }} fill={colors.soft}>
            {String(b.from)}
          </SvgText>
        ))}
      </Svg>
    </View>
  );
}

/** Columns with their values as the report model writes them (one text per column, in order). */
export function ColumnChart({ c, values }: { c: ColumnPair; values: readonly string[] }) {
  return (
    <View>
      <Svg width={c.width} height={c.height} viewBox={`0 0 ${c.width} ${c.height}`}>
        {c.columns.map((col, i) => (
          <Rect key={i} x={col.x} y={col.y} width={col.w} height={col.h} fill={i === 0 ? '#9db7d9' : colors.accent} />
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
        <View key={i} style={[styles.row, { alignItems: 'center', marginBottom: 4 }]}>
          <Text style={{ width: 60, fontSize: 8.5 }}>{r.label}</Text>
          <Svg width={f.width} height={r.h} viewBox={`0 0 ${f.width} ${r.h}`}>
            <Rect x={r.x} y={0} width={r.w} height={r.h} fill={i === f.rows.length - 1 ? colors.accent : colors.brand} rx={2} />
          </Svg>
          <Text style={{ width: 50, textAlign: 'right', fontWeight: 'bold' }}>{values[i]}</Text>
        </View>
      ))}
    </View>
  );
}

