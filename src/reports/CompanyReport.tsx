import { Text, View } from '@react-pdf/renderer';
import type { CompanyReportModel } from '../domain/report-model.ts';
import { BAR_WIDTH } from '../domain/report-model.ts';
import { ReportDocument, ReportPage } from './parts/chrome.tsx';
import { BarChart, ColumnChart, FunnelChart, GaugeChart, HistogramChart } from './parts/charts.tsx';
import { ActionList, DetailSection, Methodology } from './parts/blocks.tsx';
import { colors, styles } from './theme.ts';
import { groupThousands } from '../domain/number-format.ts';
import type { NumbersPage } from '../domain/numbers-page.ts';

const TITLE = 'Velocity Index — Company report';
const fmt = (v: number | null) => (v === null ? '—' : String(Math.round(v)));

export function CompanyReport({ m }: { m: CompanyReportModel }) {
  const id = { title: TITLE, company: m.meta.company, date: m.meta.date };
  const page = (children: React.ReactNode, opts: { wrap?: boolean } = {}) => (
    <ReportPage id={id} wrap={opts.wrap}>
      {children}
    </ReportPage>
  );
  return (
    <ReportDocument
      id={id}
      cover={{
        title: 'Company report',
        name: m.meta.company,
        tagline: m.cover.tagline,
        lines: [
          `Date: ${m.meta.date}`,
          m.meta.viewLabel,
          m.meta.peerLabel ? `Peer group: ${m.meta.peerLabel} (${groupThousands(m.meta.peerSize ?? 0)} participants)` : `Peer group: fewer than ${m.meta.minGroup} peers so far`,
        ],
      }}
    >
      {page(
        <>
          <Text style={styles.h1}>Summary</Text>
          <Text style={styles.p}>{m.summary.intro}</Text>
          <Text style={[styles.p, { fontWeight: 'bold' }]}>{m.summary.viewNote}</Text>
          <View style={[styles.row, { gap: 14 }]}>
            <View style={[styles.card, { width: 240, flexShrink: 0, alignItems: 'center' }]}>
              <Text style={styles.small}>{m.meta.view === 'company' ? 'COMPANY VELOCITY INDEX' : 'VELOCITY INDEX · YOUR VIEW'}</Text>
              <GaugeChart g={m.summary.velocity.gauge} score={m.summary.velocity.score} />
              <Text style={styles.pill}>{m.summary.velocity.category}</Text>
              <Text style={[styles.small, { marginTop: 6, textAlign: 'center' }]}>{m.summary.velocity.summary}</Text>
              {m.summary.ownView ? (
                <Text style={[styles.small, { marginTop: 6, textAlign: 'center' }]}>
                  Your own answers alone: {fmt(m.summary.ownView.score)} · {m.summary.ownView.category}
                </Text>
              ) : null}
            </View>
            <View style={[styles.card, { flex: 1 }]}>
              <Text style={styles.small}>AMONG YOUR PEERS</Text>
              {m.summary.relative !== null ? (
                <>
                  <Text style={styles.big}>{fmt(m.summary.relative)} %</Text>
                  <Text style={styles.small}>
                    of {m.meta.peerLabel} ({groupThousands(m.meta.peerSize ?? 0)} participants) did not score higher.
                  </Text>
                </>
              ) : (
                <Text style={styles.small}>Fewer than {m.meta.minGroup} peers so far: no comparison is shown.</Text>
              )}
              {m.summary.reader ? (
                <View style={{ marginTop: 10 }}>
                  <Text style={styles.small}>YOUR PERSONAL INDEX</Text>
                  <Text style={styles.lead}>
                    {fmt(m.summary.reader.score)} · {m.summary.reader.category}
                  </Text>
                </View>
              ) : null}
            </View>
          </View>
          <Text style={styles.h2}>The four factors</Text>
          <Text style={styles.small}>
            {m.summary.subIndices.some((s) => s.peer?.quartiles)
              ? 'Blue: the score. Light band: the middle half of your peer group. Dark mark: its median.'
              : 'Blue: the score out of 100. Peer quartiles appear once the peer group is large enough.'}
          </Text>
          {m.summary.subIndices.map((s) => (
            <View key={s.key} style={[styles.row, { alignItems: 'center', marginTop: 6 }]}>
              <Text style={{ width: 150, fontWeight: 'bold' }}>{s.label}</Text>
              <BarChart bar={s.bar} width={BAR_WIDTH} />
              <Text style={{ width: 40, textAlign: 'right', fontWeight: 'bold' }}>{fmt(s.score)}</Text>
            </View>
          ))}
          {m.summary.histogram ? (
            <View style={{ marginTop: 14 }}>
              <Text style={styles.h3}>Where you sit in your peer group</Text>
              <HistogramChart h={m.summary.histogram} />
              <Text style={styles.small}>
                Participants per ten-point band of the Velocity Index; your band in amber, your score marked.
                {m.summary.histogram.emptiedNote ? ` ${m.summary.histogram.emptiedNote}` : ''}
              </Text>
            </View>
          ) : null}
        </>,
      )}

      {page(
        <>
          <Text style={styles.h1}>Executive summary</Text>
          <Text style={styles.p}>{m.executive.intro}</Text>
          {m.summary.subIndices.map((s) => (
            <View key={s.key} style={styles.card} wrap={false}>
              <View style={[styles.row, { justifyContent: 'space-between' }]}>
                <Text style={{ fontSize: 12, fontWeight: 'bold' }}>{s.label}</Text>
                <Text style={{ fontSize: 12, fontWeight: 'bold' }}>{fmt(s.score)} / 100</Text>
              </View>
              <Text style={styles.small}>
                {s.peer?.relative != null ? `Peer position: ${fmt(s.peer.relative)} % of peers did not score higher. ` : ''}
                {s.potential ? `Revenue increase potential: ${s.potential}.` : ''}
              </Text>
              <Text style={[styles.p, { marginTop: 4 }]}>{s.meaning}</Text>
              {s.potentialText ? <Text>{s.potentialText}</Text> : null}
            </View>
          ))}
          <Text style={styles.h3}>Why small gains add up</Text>
          <Text style={styles.p}>{m.executive.compounding}</Text>
        </>,
      )}

      {page(
        <>
          <Text style={styles.h1}>Your five first actions</Text>
          <Text style={styles.p}>{m.actions.intro}</Text>
          <ActionList items={m.actions.items} />
        </>,
      )}

      {m.numbers ? page(<NumbersSection n={m.numbers} />) : null}

      {/*
        The analysis, the team's disagreement and the methodology flow on as one page element: a page element per
        part left the few lines a long part spilled on a page of their own.
      */}
      {page(
        <>
          <Text style={styles.h1}>Detailed analysis</Text>
          <Text style={styles.p}>{m.detail.intro}</Text>
          {m.detail.sections.map((s) => (
            <DetailSection key={s.title} section={s} />
          ))}
          {m.disagreement ? (
            <>
              <Text style={[styles.h1, { marginTop: 18 }]} minPresenceAhead={140}>
                Where your team disagrees
              </Text>
              <Text style={styles.p}>{m.disagreement.intro}</Text>
              {m.disagreement.items.map((d) => (
                <View key={d.short} style={styles.card} wrap={false}>
                  <Text style={{ fontWeight: 'bold' }}>{d.short}</Text>
                  <Text style={styles.small}>{d.text}</Text>
                  <Text>
                    Average {d.mean} / 100; answers spread ±{d.spread} points around it.
                  </Text>
                </View>
              ))}
              {m.disagreement.roles.length ? (
                <>
                  <Text style={styles.h3}>Leaders and sellers</Text>
                  {m.disagreement.roles.map((r) => (
                    <Text key={r.short}>
                      {r.short}: leaders {r.leaders}, sellers {r.sellers} ({r.gap > 0 ? '+' : ''}
                      {r.gap})
                    </Text>
                  ))}
                </>
              ) : null}
            </>
          ) : null}
          <Methodology paragraphs={m.methodology} instrument={m.meta.instrument} />
        </>,
      )}
    </ReportDocument>
  );
}


/** A figure and its value on one line, the value right-aligned in bold. */
function FigureLine({ label, value }: { label: string; value: string }) {
  return (
    <View style={[styles.row, { justifyContent: 'space-between', gap: 12, marginBottom: 2 }]}>
      <Text style={{ flex: 1 }}>{label}</Text>
      <Text style={{ fontWeight: 'bold' }}>{value}</Text>
    </View>
  );
}

/** The numbers page: every figure as the report model writes it, so the PDF and the HTML page read the same. */
function NumbersSection({ n }: { n: NumbersPage }) {
  const own = n.own;
  const company = n.company;
  return (
    <>
      <Text style={styles.h1}>{n.title}</Text>
      <Text style={styles.p}>{n.intro}</Text>
      {own?.velocity ? (
        <View style={[styles.row, { gap: 12 }]} wrap={false}>
          <View style={[styles.card, { flex: 1 }]}>
            <Text style={styles.small}>SALES VELOCITY</Text>
            <Text style={styles.lead}>{own.velocity.perDayText} per day</Text>
            <Text>{own.velocity.perQuarterText} per quarter</Text>
            <Text style={[styles.small, { marginTop: 4 }]}>{own.velocity.basis}</Text>
          </View>
          <View style={[styles.card, { flex: 1 }]}>
            <Text style={styles.small}>WHAT IF EACH LEVER MOVED 10 %</Text>
            <Text style={styles.lead}>{own.velocity.upliftText}</Text>
            <Text style={{ marginBottom: 4 }}>velocity per quarter, from the same team</Text>
            <ColumnChart c={own.velocity.whatIfChart} values={own.velocity.whatIfColumns.map((c) => c.value)} />
          </View>
        </View>
      ) : null}
      {own?.winRates ? (
        <View style={{ marginTop: 10 }} wrap={false}>
          <Text style={styles.h3}>Win rates</Text>
          {own.winRates.rows.map((r) => (
            <FigureLine key={r.label} label={r.label} value={r.value} />
          ))}
          {own.winRates.used ? <Text style={{ marginTop: 3 }}>{own.winRates.used}</Text> : null}
          {own.winRates.difference ? <Text style={{ marginTop: 3 }}>{own.winRates.difference}</Text> : null}
          {own.winRates.open ? <Text style={{ marginTop: 3 }}>{own.winRates.open}</Text> : null}
          {own.winRates.note ? <Text style={[styles.small, { marginTop: 3 }]}>{own.winRates.note}</Text> : null}
        </View>
      ) : null}
      {own?.coverage ? (
        <View style={{ marginTop: 10 }} wrap={false}>
          <Text style={styles.h3}>Pipeline coverage</Text>
          <Text>{own.coverage}</Text>
        </View>
      ) : null}
      {own?.stages ? (
        <View style={{ marginTop: 10 }} wrap={false}>
          <Text style={styles.h3}>Opportunities each stage needs for one win</Text>
          <Text style={styles.p}>{own.stages.text}</Text>
          <FunnelChart f={own.stages.chart} values={own.stages.rows.map((r) => r.value)} />
          <Text style={styles.small}>{own.stages.note}</Text>
        </View>
      ) : null}
      {company ? (
        <View style={{ marginTop: 12 }} wrap={false}>
          <Text style={styles.h2}>{company.heading}</Text>
          <Text style={[styles.p, styles.small]}>{company.intro}</Text>
          {company.rows.length ? (
            <View style={{ borderTopWidth: 0.75, borderColor: colors.line }}>
              <View style={[styles.row, { paddingVertical: 3, borderBottomWidth: 0.75, borderColor: colors.line }]}>
                <Text style={[styles.small, { flex: 1 }]}>{company.columns.figure}</Text>
                {company.columns.yours !== null ? <Text style={[styles.small, { width: 90, textAlign: 'right' }]}>{company.columns.yours}</Text> : null}
                <Text style={[styles.small, { width: 150, textAlign: 'right' }]}>{company.columns.company}</Text>
              </View>
              {company.rows.map((r) => (
                <View key={r.label} style={[styles.row, { paddingVertical: 3, borderBottomWidth: 0.75, borderColor: colors.line }]}>
                  <Text style={{ flex: 1 }}>{r.label}</Text>
                  {r.yours !== null ? <Text style={{ width: 90, textAlign: 'right', fontWeight: 'bold' }}>{r.yours}</Text> : null}
                  <Text style={{ width: 150, textAlign: 'right' }}>{r.company}</Text>
                </View>
              ))}
            </View>
          ) : null}
          {company.note ? <Text style={[styles.small, { marginTop: 4 }]}>{company.note}</Text> : null}
        </View>
      ) : null}
    </>
  );
}
