import { Text, View } from '@react-pdf/renderer';
import type { PersonalReportModel } from '../domain/report-model.ts';
import { BAR_WIDTH } from '../domain/report-model.ts';
import { ReportDocument, ReportPage } from './parts/chrome.tsx';
import { BarChart, GaugeChart } from './parts/charts.tsx';
import { DetailSection, Methodology } from './parts/blocks.tsx';
import { groupThousands } from '../domain/number-format.ts';
import { styles } from './theme.ts';

const TITLE = 'Velocity Index — Personal report';
const fmt = (v: number | null) => (v === null ? '—' : String(Math.round(v)));

export function PersonalReport({ m }: { m: PersonalReportModel }) {
  const id = { title: TITLE, company: m.meta.company, date: m.meta.date };
  return (
    <ReportDocument id={id} cover={{ title: 'Personal report', name: m.meta.company, tagline: m.intro, lines: [`Date: ${m.meta.date}`, `Role: ${m.meta.role}`] }}>
      <ReportPage id={id}>
        <Text style={styles.h1}>Your Personal Index</Text>
        <View style={[styles.row, { gap: 14 }]}>
          <View style={[styles.card, { width: 240, flexShrink: 0, alignItems: 'center' }]}>
            <Text style={styles.small}>PERSONAL INDEX</Text>
            <GaugeChart g={m.index.gauge} score={m.index.score} />
            <Text style={styles.pill}>{m.index.category}</Text>
            <Text style={[styles.small, { marginTop: 6, textAlign: 'center' }]}>{m.index.summary}</Text>
          </View>
          <View style={[styles.card, { flex: 1 }]}>
            <Text style={styles.small}>AMONG INDIVIDUALS</Text>
            {m.position ? (
              <>
                <Text style={styles.big}>{fmt(m.position.relative)} %</Text>
                <Text style={styles.small}>
                  of {m.position.label} ({groupThousands(m.position.size)} people) did not score higher.
                </Text>
              </>
            ) : (
              <Text style={styles.small}>Fewer than {m.meta.minGroup} comparable individuals so far: no comparison is shown.</Text>
            )}
          </View>
        </View>
        <Text style={styles.h2}>Approach and execution</Text>
        {(['approach', 'execution'] as const).map((k) => (
          <View key={k} style={[styles.row, { alignItems: 'center', marginTop: 6 }]}>
            <Text style={{ width: 150, fontWeight: 'bold' }}>{k === 'approach' ? 'Approach' : 'Execution'}</Text>
            <BarChart bar={m.balance.bars[k]} width={BAR_WIDTH} />
            <Text style={{ width: 40, textAlign: 'right', fontWeight: 'bold' }}>{fmt(m.balance[k])}</Text>
          </View>
        ))}
        <Text style={[styles.p, { marginTop: 10 }]}>{m.balance.text}</Text>
        <Text style={styles.h2}>Three suggestions</Text>
        <Text style={styles.p}>{m.suggestions.intro}</Text>
        {m.suggestions.items.map((s, i) => (
          <View key={s.title} style={styles.card} wrap={false}>
            <Text style={{ fontWeight: 'bold' }}>
              {i + 1}. {s.title}
            </Text>
            <Text>{s.text}</Text>
          </View>
        ))}
        {/* Flows on from the suggestions: a page break here left a page holding only a suggestion that did not fit. */}
        <Text style={[styles.h1, { marginTop: 16 }]} minPresenceAhead={160}>
          Section by section
        </Text>
        {m.sections.map((s) => (
          <DetailSection key={s.title} section={{ ...s, title: `${s.title}${s.score === null ? '' : ` — ${s.score} / 100`}` }} />
        ))}
      </ReportPage>
      <ReportPage id={id}>
        <Methodology paragraphs={m.methodology} instrument={m.meta.instrument} />
      </ReportPage>
    </ReportDocument>
  );
}
