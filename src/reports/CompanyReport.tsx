import { Text, View } from '@react-pdf/renderer';
import { BAR_WIDTH, type CompanyReportModel } from '../domain/report-model.ts';
import { ReportDocument, ReportPage, type ReportIdentity } from './parts/chrome.tsx';
import { BarChart, ColumnChart, DumbbellChart, FunnelChart, GaugeChart, HistogramChart, MeterChart, RateBarsChart } from './parts/charts.tsx';
import { ActionList, DetailTable, Heading, Methodology } from './parts/blocks.tsx';
import { colors, COLUMN, factorColors, styles } from './theme.ts';
import { numberFormat } from '../domain/number-format.ts';
import type { NumbersPage } from '../domain/numbers-page.ts';
import { rescaleBar } from '../domain/chart-geometry.ts';
import { ChangeSection } from './parts/change.tsx';

const TITLE = 'Company report';
const fmt = (v: number | null) => (v === null ? '—' : String(Math.round(v)));
/** Width of a factor's bar on the one-page summary. */
const SUMMARY_BAR = 170;

export function CompanyReport({ m }: { m: CompanyReportModel }) {
  const id: ReportIdentity = { title: TITLE, company: m.meta.company, date: m.meta.dateText, brand: m.meta.brand };
  const accent = m.meta.brand?.accent ?? colors.brand;
  const page = (children: React.ReactNode) => <ReportPage id={id}>{children}</ReportPage>;
  const peerLine = m.meta.peerLabel
    ? `${m.meta.peerLabel} (${numberFormat(m.meta.numberStyle).group(m.meta.peerSize ?? 0)} participants)`
    : `Fewer than ${m.meta.minGroup} peers so far`;
  return (
    <ReportDocument
      id={id}
      cover={{
        title: 'Velocity Index · Company report',
        name: m.meta.company,
        tagline: m.cover.tagline,
        facts: [
          ...(m.meta.study ? [{ label: 'Study', value: m.meta.study }] : []),
          ...(m.meta.brand ? [{ label: 'Prepared by', value: m.meta.brand.name }] : []),
          { label: 'Date', value: m.meta.dateText },
          { label: 'Figures', value: m.meta.viewLabel },
          { label: 'Peer group', value: peerLine },
          { label: 'Instrument', value: m.meta.instrument },
        ],
      }}
    >
      {page(<AtAGlance m={m} accent={accent} />)}

      {m.change ? page(<ChangeSection c={m.change} accent={accent} />) : null}

      {page(
        <>
          <Heading eyebrow="The four factors of your sales velocity" title="Executive summary" accent={accent} />
          <Text style={styles.intro}>{m.executive.intro}</Text>
          <View style={[styles.row, { flexWrap: 'wrap', justifyContent: 'space-between' }]}>
            {m.summary.subIndices.map((s) => (
              <View key={s.key} style={[styles.card, { width: (COLUMN - 10) / 2, borderTopWidth: 3, borderTopColor: factorColors[s.key] }]} wrap={false}>
                {/* Top-aligned: aligned on the baseline, the large score sat lower than the line below it began. */}
                <View style={[styles.row, { justifyContent: 'space-between', alignItems: 'flex-start', marginBottom: 2 }]}>
                  <Text style={{ fontSize: 11, fontWeight: 'bold', paddingTop: 4 }}>{s.label}</Text>
                  <Text style={{ fontSize: 16, fontWeight: 'bold', color: factorColors[s.key] }}>
                    {fmt(s.score)}
                    <Text style={{ fontSize: 8, color: colors.soft }}> / 100</Text>
                  </Text>
                </View>
                <Text style={[styles.small, { marginBottom: 4 }]}>
                  {s.peer?.relative != null ? `${fmt(s.peer.relative)} % of peers did not score higher. ` : ''}
                  {s.potential ? `Revenue increase potential: ${s.potential}.` : ''}
                </Text>
                <Text style={{ fontSize: 8.5, marginBottom: 4 }}>{s.meaning}</Text>
                {s.potentialText ? <Text style={{ fontSize: 8.5, color: colors.soft }}>{s.potentialText}</Text> : null}
              </View>
            ))}
          </View>
          <View style={styles.panel} wrap={false}>
            <Text style={[styles.h3, { marginTop: 0 }]}>Why small gains add up</Text>
            <Text>{m.executive.compounding}</Text>
          </View>
          <Heading eyebrow="Where to start" title="Your first five actions" accent={accent} marginTop={6} />
          <Text style={styles.p}>{m.actions.intro}</Text>
          <ActionList items={m.actions.items} />
        </>,
      )}

      {m.numbers ? page(<NumbersSection n={m.numbers} accent={accent} />) : null}

      {page(
        <>
          <Heading eyebrow="Practice by practice" title="Detailed analysis" accent={accent} />
          <Text style={styles.intro}>{m.detail.intro}</Text>
          {m.detail.sections.map((s) => (
            <DetailTable key={s.title} section={s} accent={accent} />
          ))}
          {/*
            The team's disagreement and the methodology follow on, not on pages of their own: a page break here left
            the last rows of the analysis alone on a page.
          */}
          {m.disagreement ? <Disagreement d={m.disagreement} accent={accent} /> : null}
          <Methodology paragraphs={m.methodology} instrument={m.meta.instrument} />
        </>,
      )}
    </ReportDocument>
  );
}

/**
 * The one-page summary that stands alone: index and category, peer position,
 * the four factors against their peers with their revenue increase potential,
 * and the five actions.
 */
function AtAGlance({ m, accent }: { m: CompanyReportModel; accent: string }) {
  const s = m.summary;
  const quartiles = s.subIndices.some((x) => x.peer?.quartiles);
  // The page's own children (see DetailTable), so that an unusually long summary flows on rather than overprints.
  return (
    <>
      <Heading eyebrow="At a glance" title="Summary" accent={accent} />
      <Text style={[styles.small, { marginBottom: 8 }]}>{s.viewNote}</Text>
      <View style={[styles.row, { gap: 10 }]}>
        <View style={[styles.panel, { width: 170, alignItems: 'center' }]}>
          <Text style={styles.label}>{m.meta.view === 'company' ? 'COMPANY VELOCITY INDEX' : 'VELOCITY INDEX · YOUR VIEW'}</Text>
          <View style={{ marginTop: 6 }}>
            <GaugeChart g={s.velocity.gauge} score={s.velocity.score} color={accent} width={140} />
          </View>
          <Text style={[styles.pill, { marginTop: 4 }]}>{s.velocity.category}</Text>
          {s.ownView ? (
            <Text style={[styles.small, { marginTop: 5, textAlign: 'center' }]}>
              Your own answers alone: {fmt(s.ownView.score)} · {s.ownView.category}
            </Text>
          ) : null}
          {s.reader ? (
            <Text style={[styles.small, { marginTop: 3, textAlign: 'center' }]}>
              Your Personal Index: {fmt(s.reader.score)} · {s.reader.category}
            </Text>
          ) : null}
        </View>
        <View style={[styles.panel, { flex: 1 }]}>
          <Text style={styles.label}>AMONG YOUR PEERS</Text>
          {s.relative !== null ? (
            <View style={[styles.row, { alignItems: 'baseline', gap: 6, marginTop: 2 }]}>
              <Text style={[styles.lead, { fontSize: 20 }]}>{fmt(s.relative)} %</Text>
              <Text style={[styles.small, { flex: 1 }]}>of {m.meta.peerLabel} did not score higher.</Text>
            </View>
          ) : (
            <Text style={[styles.small, { marginTop: 2 }]}>
              {m.meta.peerLabel ? `Compared with ${m.meta.peerLabel}.` : `Fewer than ${m.meta.minGroup} peers so far: no comparison is shown.`}
            </Text>
          )}
          {s.histogram ? (
            <View style={{ marginTop: 4 }}>
              <HistogramChart h={s.histogram} score={s.velocity.score} width={300} />
              <Text style={styles.small}>
                {s.histogram.bars.some((b) => b.subject && b.n > 0)
                  ? 'Participants per ten-point band; your band in amber.'
                  : 'Participants per ten-point band; your score marked.'}
                {s.histogram.emptiedNote ? ` ${s.histogram.emptiedNote}` : ''}
              </Text>
            </View>
          ) : null}
        </View>
      </View>
      <Text style={[styles.h2, { marginTop: 8 }]}>The four factors</Text>
      <View style={[styles.row, { paddingBottom: 3, borderBottomWidth: 0.5, borderColor: colors.line }]}>
        <Text style={[styles.th, { width: 120 }]}>FACTOR</Text>
        <Text style={[styles.th, { width: 40, textAlign: 'right', paddingRight: 8 }]}>SCORE</Text>
        <Text style={[styles.th, { width: SUMMARY_BAR + 8, paddingLeft: 4 }]}>{quartiles ? 'AGAINST PEERS' : 'OUT OF 100'}</Text>
        <Text style={[styles.th, { width: 64, textAlign: 'right' }]}>PEER MEDIAN</Text>
        <Text style={[styles.th, { flex: 1, textAlign: 'right' }]}>REVENUE POTENTIAL</Text>
      </View>
      {s.subIndices.map((x) => (
        <View key={x.key} style={[styles.row, { alignItems: 'center', paddingVertical: 5, borderBottomWidth: 0.5, borderColor: colors.line }]}>
          <View style={[styles.row, { width: 120, alignItems: 'center' }]}>
            <View style={{ width: 7, height: 7, borderRadius: 3.5, backgroundColor: factorColors[x.key], marginRight: 6 }} />
            <Text style={{ fontWeight: 'bold' }}>{x.label}</Text>
          </View>
          <Text style={{ width: 40, textAlign: 'right', paddingRight: 8, fontWeight: 'bold', fontSize: 11 }}>{fmt(x.score)}</Text>
          <View style={{ width: SUMMARY_BAR + 8, paddingLeft: 4 }}>
            <BarChart bar={rescaleBar(x.bar, BAR_WIDTH, SUMMARY_BAR)} width={SUMMARY_BAR} color={factorColors[x.key]} />
          </View>
          <Text style={{ width: 64, textAlign: 'right' }}>{x.peer?.quartiles ? fmt(x.peer.quartiles.median) : '—'}</Text>
          <Text style={{ flex: 1, textAlign: 'right', fontWeight: 'bold' }}>{x.potential ?? '—'}</Text>
        </View>
      ))}
      <Text style={[styles.small, { marginTop: 3 }]}>
        {quartiles
          ? 'Coloured bar: the score. Light band: the middle half of your peer group. Dark mark: its median.'
          : 'Peer quartiles appear once the peer group is large enough.'}
      </Text>
      <Text style={[styles.h2, { marginTop: 10 }]}>Your first five actions</Text>
      <ActionList items={m.actions.items} compact />
    </>
  );
}

function Disagreement({ d, accent }: { d: NonNullable<CompanyReportModel['disagreement']>; accent: string }) {
  // The page's own children (see DetailTable): a wrapping View moved whole, or overprinted, at a page break.
  return (
    <>
      <Heading eyebrow="Your team" title="Where your team disagrees" accent={accent} marginTop={16} />
      <Text style={styles.intro}>{d.intro}</Text>
      {d.items.map((x) => (
        <View key={x.short} style={[styles.row, { paddingVertical: 5, borderBottomWidth: 0.5, borderColor: colors.line }]} wrap={false}>
          <View style={{ flex: 1, paddingRight: 10 }}>
            <Text style={{ fontWeight: 'bold' }}>{x.short}</Text>
            <Text style={styles.small}>{x.text}</Text>
          </View>
          <Text style={{ width: 200, textAlign: 'right' }}>
            Average {x.mean} / 100, answers spread ±{x.spread} points
          </Text>
        </View>
      ))}
      {d.roles.length && d.rolesChart ? (
        <View style={{ marginTop: 14 }} wrap={false}>
          <Text style={styles.h2}>Leaders and sellers</Text>
          <Text style={[styles.p, styles.soft]}>
            The practices where leaders and sellers see the team most differently: average scores out of 100. A wide gap is a conversation to have before any plan.
          </Text>
          <DumbbellChart d={d.rolesChart} labels={d.roles.map((r) => r.short)} />
          <View style={[styles.row, { gap: 14, marginTop: 4 }]}>
            <Text style={styles.small}>● Leaders</Text>
            <Text style={[styles.small, { color: colors.amber }]}>● Sellers</Text>
          </View>
          {d.roles.map((r) => (
            <Text key={r.short} style={styles.small}>
              {r.short}: leaders {r.leaders}, sellers {r.sellers} ({r.gap > 0 ? '+' : ''}
              {r.gap})
            </Text>
          ))}
        </View>
      ) : null}
    </>
  );
}

/** The numbers page as charts: velocity and its what-if, win rates, coverage and the stage funnel; every figure as the model writes it. */
function NumbersSection({ n, accent }: { n: NumbersPage; accent: string }) {
  const own = n.own;
  const company = n.company;
  return (
    <>
      <Heading eyebrow="From the figures you entered" title={n.title} accent={accent} />
      <Text style={styles.p}>{n.intro}</Text>
      {own?.velocity ? (
        <View style={[styles.row, { gap: 10 }]} wrap={false}>
          <View style={[styles.panel, { flex: 1 }]}>
            <Text style={styles.label}>SALES VELOCITY</Text>
            <Text style={[styles.lead, { marginTop: 4 }]}>{own.velocity.perDayText} per day</Text>
            <Text>{own.velocity.perQuarterText} per quarter</Text>
            <Text style={[styles.small, { marginTop: 6 }]}>{own.velocity.basis}</Text>
          </View>
          <View style={[styles.panel, { flex: 1.3 }]}>
            <Text style={styles.label}>WHAT IF EACH LEVER MOVED 10 %</Text>
            <Text style={[styles.lead, { color: colors.accent, marginTop: 4 }]}>{own.velocity.upliftText}</Text>
            <Text style={[styles.small, { marginBottom: 4 }]}>velocity per quarter, from the same team</Text>
            <ColumnChart c={own.velocity.whatIfChart} values={own.velocity.whatIfColumns.map((c) => c.value)} />
          </View>
        </View>
      ) : null}
      {own?.winRates ? (
        <View style={{ marginTop: 4 }} wrap={false}>
          <Text style={styles.h3}>Win rates</Text>
          <RateBarsChart c={own.winRates.chart} rows={own.winRates.rows} />
          {own.winRates.used ? <Text style={{ marginTop: 3, fontSize: 8.5 }}>{own.winRates.used}</Text> : null}
          {own.winRates.difference ? <Text style={{ marginTop: 3, fontSize: 8.5 }}>{own.winRates.difference}</Text> : null}
          {own.winRates.open ? <Text style={{ marginTop: 3, fontSize: 8.5 }}>{own.winRates.open}</Text> : null}
          {own.winRates.note ? <Text style={[styles.small, { marginTop: 3 }]}>{own.winRates.note}</Text> : null}
        </View>
      ) : null}
      {own?.coverage || own?.stages ? (
        <View style={[styles.row, { gap: 20, marginTop: 6 }]} wrap={false}>
          {own.coverage ? (
            <View style={{ flex: 1 }}>
              <Text style={styles.h3}>Pipeline coverage</Text>
              {own.coverageMeter ? <MeterChart m={own.coverageMeter} valueText={own.coverageMeter.valueText} targetText={own.coverageMeter.targetText} /> : null}
              <Text style={{ fontSize: 8.5, marginTop: 3 }}>{own.coverage}</Text>
            </View>
          ) : null}
          {own.stages ? (
            <View style={{ flex: 1 }}>
              <Text style={styles.h3}>Opportunities each stage needs for one win</Text>
              <Text style={[styles.small, { marginBottom: 4 }]}>{own.stages.text}</Text>
              <FunnelChart f={own.stages.chart} values={own.stages.rows.map((r) => r.value)} />
              <Text style={styles.small}>{own.stages.note}</Text>
            </View>
          ) : null}
        </View>
      ) : null}
      {company ? (
        <View style={{ marginTop: 12 }} wrap={false}>
          <Text style={styles.h2}>{company.heading}</Text>
          <Text style={[styles.p, styles.small]}>{company.intro}</Text>
          {company.rows.length ? (
            <View style={{ borderTopWidth: 0.75, borderColor: colors.line }}>
              <View style={[styles.row, { paddingVertical: 3, borderBottomWidth: 0.75, borderColor: colors.line }]}>
                <Text style={[styles.th, { flex: 1 }]}>{company.columns.figure.toUpperCase()}</Text>
                {company.columns.yours !== null ? <Text style={[styles.th, { width: 90, textAlign: 'right' }]}>{company.columns.yours.toUpperCase()}</Text> : null}
                <Text style={[styles.th, { width: 170, textAlign: 'right' }]}>{company.columns.company.toUpperCase()}</Text>
              </View>
              {company.rows.map((r) => (
                <View key={r.label} style={[styles.row, { paddingVertical: 3, borderBottomWidth: 0.75, borderColor: colors.line }]}>
                  <Text style={{ flex: 1 }}>{r.label}</Text>
                  {r.yours !== null ? <Text style={{ width: 90, textAlign: 'right', fontWeight: 'bold' }}>{r.yours}</Text> : null}
                  <Text style={{ width: 170, textAlign: 'right' }}>{r.company}</Text>
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
