import { Text, View } from '@react-pdf/renderer';
import { BAR_WIDTH, type PersonalReportModel } from '../domain/report-model.ts';
import { rescaleBar } from '../domain/chart-geometry.ts';
import { ReportDocument, ReportPage, type ReportIdentity } from './parts/chrome.tsx';
import { BarChart, GaugeChart } from './parts/charts.tsx';
import { DetailTable, Heading, Methodology } from './parts/blocks.tsx';
import { numberFormat } from '../domain/number-format.ts';
import { colors, styles } from './theme.ts';
import { ChangeSection } from './parts/change.tsx';

const TITLE = 'Personal report';
const fmt = (v: number | null) => (v === null ? '—' : String(Math.round(v)));
const BALANCE_BAR = 140;

export function PersonalReport({ m }: { m: PersonalReportModel }) {
  const id: ReportIdentity = { title: TITLE, company: m.meta.company, date: m.meta.dateText, brand: m.meta.brand };
  const accent = m.meta.brand?.accent ?? colors.brand;
  return (
    <ReportDocument
      id={id}
      cover={{
        title: 'Velocity Index · Personal report',
        name: m.meta.company,
        tagline: m.intro,
        facts: [
          ...(m.meta.preparedFor ? [{ label: 'Prepared for', value: m.meta.preparedFor }] : []),
          ...(m.meta.study ? [{ label: 'Study', value: m.meta.study }] : []),
          ...(m.meta.brand ? [{ label: 'Prepared by', value: m.meta.brand.name }] : []),
          { label: 'Date', value: m.meta.dateText },
          { label: 'Role', value: m.meta.role },
          { label: 'Compared with', value: m.position ? `${m.position.label} (${numberFormat(m.meta.numberStyle).group(m.position.size)} people)` : `Fewer than ${m.meta.minGroup} comparable individuals so far` },
          { label: 'Instrument', value: m.meta.instrument },
        ],
      }}
    >
      <ReportPage id={id}>
        <Heading eyebrow="At a glance" title="Your Personal Index" accent={accent} />
        <View style={[styles.row, { gap: 10 }]}>
          <View style={[styles.panel, { width: 190, alignItems: 'center' }]}>
            <Text style={styles.label}>PERSONAL INDEX</Text>
            <View style={{ marginTop: 6 }}>
              <GaugeChart g={m.index.gauge} score={m.index.score} color={accent} />
            </View>
            <Text style={[styles.pill, { marginTop: 4 }]}>{m.index.category}</Text>
            <Text style={[styles.small, { marginTop: 6, textAlign: 'center' }]}>{m.index.summary}</Text>
          </View>
          <View style={[styles.panel, { flex: 1 }]}>
            <Text style={styles.label}>AMONG INDIVIDUALS</Text>
            {m.position ? (
              <>
                <Text style={[styles.big, { marginTop: 4 }]}>{fmt(m.position.relative)} %</Text>
                <Text style={styles.small}>
                  of {m.position.label} ({numberFormat(m.meta.numberStyle).group(m.position.size)} people) did not score higher.
                </Text>
              </>
            ) : (
              <Text style={[styles.small, { marginTop: 4 }]}>Fewer than {m.meta.minGroup} comparable individuals so far: no comparison is shown.</Text>
            )}
            <Text style={[styles.h3, { marginTop: 12 }]}>Approach and execution</Text>
            {(['approach', 'execution'] as const).map((k) => (
              <View key={k} style={[styles.row, { alignItems: 'center', marginTop: 5 }]}>
                <Text style={{ width: 62, fontWeight: 'bold' }}>{k === 'approach' ? 'Approach' : 'Execution'}</Text>
                <BarChart bar={rescaleBar(m.balance.bars[k], BAR_WIDTH, BALANCE_BAR)} width={BALANCE_BAR} color={accent} />
                <Text style={{ width: 28, textAlign: 'right', fontWeight: 'bold' }}>{fmt(m.balance[k])}</Text>
              </View>
            ))}
          </View>
        </View>
        <Text style={[styles.p, { marginTop: 2 }]}>{m.balance.text}</Text>
        <Text style={styles.h2}>Three suggestions</Text>
        <Text style={[styles.p, styles.soft]}>{m.suggestions.intro}</Text>
        {m.suggestions.items.map((s, i) => (
          <View key={s.title} style={[styles.row, { paddingVertical: 6, borderBottomWidth: 0.5, borderColor: colors.line }]} wrap={false}>
            <Text style={{ width: 18, fontSize: 14, fontWeight: 'bold', color: accent }}>{i + 1}</Text>
            <View style={{ flex: 1 }}>
              <Text style={{ fontWeight: 'bold', marginBottom: 2 }}>{s.title}</Text>
              <Text>{s.text}</Text>
            </View>
          </View>
        ))}
      </ReportPage>
      {m.change ? (
        <ReportPage id={id}>
          <ChangeSection c={m.change} accent={accent} />
        </ReportPage>
      ) : null}
      <ReportPage id={id}>
        <Heading eyebrow="Your practices" title="Section by section" accent={accent} />
        {m.sections.map((s) => (
          <DetailTable key={s.title} section={s} accent={accent} />
        ))}
        <Methodology paragraphs={m.methodology} instrument={m.meta.instrument} />
      </ReportPage>
    </ReportDocument>
  );
}
