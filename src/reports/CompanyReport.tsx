import { Text, View } from '@react-pdf/renderer';
import { Fragment } from 'react';
import type { CompanyReportModel } from '../domain/report-model.ts';
import { BAR_WIDTH } from '../domain/report-model.ts';
import { ReportDocument, ReportPage } from './parts/chrome.tsx';
import { BarChart, ColumnChart, FunnelChart, GaugeChart, HistogramChart } from './parts/charts.tsx';
import { ActionList, DetailSection, Methodology } from './parts/blocks.tsx';
import { styles } from './theme.ts';
import { formatCount, formatMoney, groupThousands } from '../domain/number-format.ts';

const TITLE = 'Velocity Index — Company report';
const fmt = (v: number | null) => (v === null ? '—' : String(Math.round(v)));
const pct1 = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);

export function CompanyReport({ m }: { m: CompanyReportModel }) {
  const money = (v: number) => formatMoney(v, m.numbers?.currency);
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
          `Respondents: ${m.meta.respondents}`,
          m.meta.peerLabel ? `Peer group: ${m.meta.peerLabel} (${groupThousands(m.meta.peerSize ?? 0)} participants)` : `Peer group: fewer than ${m.meta.minGroup} peers so far`,
        ],
      }}
    >
      {page(
        <>
          <Text style={styles.h1}>Summary</Text>
          <Text style={styles.p}>{m.summary.intro}</Text>
          <View style={[styles.row, { gap: 14 }]}>
            <View style={[styles.card, { width: 240, flexShrink: 0, alignItems: 'center' }]}>
              <Text style={styles.small}>VELOCITY INDEX</Text>
              <GaugeChart g={m.summary.velocity.gauge} score={m.summary.velocity.score} />
              <Text style={styles.pill}>{m.summary.velocity.category}</Text>
              <Text style={[styles.small, { marginTop: 6, textAlign: 'center' }]}>{m.summary.velocity.summary}</Text>
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
          <Text style={styles.small}>Blue: your score. Light band: the middle half of your peer group. Dark mark: its median.</Text>
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
              <Text style={styles.small}>Participants per ten-point band of the Velocity Index; your band in amber, your score marked.</Text>
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

      {m.numbers
        ? page(
            <>
              <Text style={styles.h1}>Your numbers</Text>
              <Text style={styles.p}>{m.numbers.intro}</Text>
              <View style={[styles.row, { gap: 12 }]}>
                <View style={[styles.card, { flex: 1 }]}>
                  <Text style={styles.small}>SALES VELOCITY</Text>
                  <Text style={styles.lead}>{money(m.numbers.perDay)} per day</Text>
                  <Text>{money(m.numbers.perQuarter)} per quarter</Text>
                </View>
                <View style={[styles.card, { flex: 1 }]}>
                  <Text style={styles.small}>WHAT IF EACH LEVER MOVED 10 %</Text>
                  <Text style={styles.lead}>+{(m.numbers.uplift * 100).toFixed(1)} %</Text>
                  <Text>velocity, from the same team</Text>
                </View>
              </View>
              <ColumnChart c={m.numbers.whatIfChart} format={(v) => `${money(v)} / quarter`} />
              {m.numbers.winRates ? (
                <View style={{ marginTop: 10 }} wrap={false}>
                  <Text style={styles.h3}>Win rate by count and by value</Text>
                  <Text>
                    By count {pct1(m.numbers.winRates.unit)}, by value {pct1(m.numbers.winRates.value)}.
                    {m.numbers.winRates.unitWithOpen !== m.numbers.winRates.unit
                      ? ` Counting the open deals as not yet won: ${pct1(m.numbers.winRates.unitWithOpen)} by count and ${pct1(m.numbers.winRates.valueWithOpen)} by value; if all of them closed, ${pct1(m.numbers.winRates.unitIfOpenWon)} and ${pct1(m.numbers.winRates.valueIfOpenWon)}.`
                      : ''}
                  </Text>
                  <Text style={styles.small}>
                    A value rate well below the count rate means you win the small deals and lose the large ones.
                  </Text>
                </View>
              ) : null}
              {m.numbers.coverage ? (
                <View style={{ marginTop: 10 }} wrap={false}>
                  <Text style={styles.h3}>Pipeline coverage</Text>
                  <Text>
                    {m.numbers.coverage.ratio.toFixed(1)} : 1 against the common {m.numbers.coverage.rule} : 1 rule
                    {m.numbers.coverage.meetsRule ? '.' : ` — ${money(m.numbers.coverage.shortfall)} of pipeline short.`}
                  </Text>
                </View>
              ) : null}
              {m.numbers.stages ? (
                <View style={{ marginTop: 10 }} wrap={false}>
                  <Text style={styles.h3}>Opportunities each stage needs for one win</Text>
                  <Text style={styles.p}>{m.numbers.stages.counts.map(formatCount).join(' : ')}</Text>
                  <FunnelChart f={m.numbers.stages.chart} />
                </View>
              ) : null}
            </>,
          )
        : null}

      {page(
        <>
          <Text style={styles.h1}>Detailed analysis</Text>
          <Text style={styles.p}>{m.detail.intro}</Text>
          {m.detail.sections.slice(0, 1).map((s) => (
            <DetailSection key={s.title} section={s} />
          ))}
        </>,
      )}
      {/* One page element per section: react-pdf lays a page element out again at each of its page breaks, so eight pages in one element cost far more than eight elements. */}
      {m.detail.sections.slice(1).map((s) => (
        <Fragment key={s.title}>{page(<DetailSection section={s} />)}</Fragment>
      ))}

      {m.disagreement
        ? page(
            <>
              <Text style={styles.h1}>Where your team disagrees</Text>
              <Text style={styles.p}>{m.disagreement.intro}</Text>
              {m.disagreement.items.map((d) => (
                <View key={d.short} style={styles.card} wrap={false}>
                  <Text style={{ fontWeight: 'bold' }}>{d.short}</Text>
                  <Text style={styles.small}>{d.text}</Text>
                  <Text>
                    Answers ranged from {d.min} to {d.max} (mean {d.mean}, spread {d.spread}).
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
            </>,
          )
        : null}

      {page(<Methodology paragraphs={m.methodology} instrument={m.meta.instrument} />)}
    </ReportDocument>
  );
}

