import { Text, View } from '@react-pdf/renderer';
import type { ChangeBlock } from '../../domain/change-block.ts';
import { DumbbellChart } from './charts.tsx';
import { Heading } from './blocks.tsx';
import { colors, styles } from '../theme.ts';

const TONE = { up: '#0a5c46', down: '#8f1d17', steady: colors.soft } as const;
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

/** "Change since round N − 1": a table of before, after and the change in words with its range, and the two rounds drawn on one axis. */
export function ChangeSection({ c, accent }: { c: ChangeBlock; accent: string }) {
  return (
    <>
      <Heading eyebrow={c.whose === 'company' ? 'Round against round' : 'Against your previous response'} title={c.title} accent={accent} />
      <Text style={styles.intro}>{c.intro}</Text>
      {c.rows.length ? (
        <View wrap={false}>
          <View style={[styles.row, { paddingBottom: 3, borderBottomWidth: 0.5, borderColor: colors.line }]}>
            <Text style={[styles.th, { width: 150 }]}>MEASURE</Text>
            <Text style={[styles.th, { width: 60, textAlign: 'right' }]}>{`ROUND ${c.roundBefore}`}</Text>
            <Text style={[styles.th, { width: 60, textAlign: 'right' }]}>{`ROUND ${c.roundAfter}`}</Text>
            <Text style={[styles.th, { flex: 1, paddingLeft: 14 }]}>CHANGE</Text>
            <Text style={[styles.th, { width: 90, textAlign: 'right' }]}>{'95 % RANGE'}</Text>
          </View>
          {c.rows.map((r) => (
            <View key={r.key} style={[styles.row, { paddingVertical: 5, borderBottomWidth: 0.5, borderColor: colors.line }]}>
              <Text style={{ width: 150, fontWeight: 'bold' }}>{r.label}</Text>
              <Text style={{ width: 60, textAlign: 'right' }}>{r.before ?? '—'}</Text>
              <Text style={{ width: 60, textAlign: 'right', fontWeight: 'bold' }}>{r.after ?? '—'}</Text>
              <Text style={{ flex: 1, paddingLeft: 14, color: TONE[r.direction ?? 'steady'], fontWeight: 'bold' }}>
                {r.direction === 'up' ? '▲ ' : r.direction === 'down' ? '▼ ' : ''}
                {r.words}
              </Text>
              <Text style={{ width: 90, textAlign: 'right' }}>{r.low === null || r.high === null ? '—' : `${signed(r.low)} to ${signed(r.high)}`}</Text>
            </View>
          ))}
          <Text style={[styles.small, { marginTop: 4 }]}>{c.sizes}</Text>
        </View>
      ) : null}
      {c.chart ? (
        <View style={{ marginTop: 12 }} wrap={false}>
          <Text style={styles.h3}>The two rounds side by side</Text>
          <DumbbellChart d={c.chart} labels={c.rows.map((r) => r.label)} />
          <View style={[styles.row, { gap: 14, marginTop: 4 }]}>
            <Text style={styles.small}>{`● Round ${c.roundBefore}`}</Text>
            <Text style={[styles.small, { color: colors.amber }]}>{`● Round ${c.roundAfter}`}</Text>
          </View>
        </View>
      ) : null}
    </>
  );
}
