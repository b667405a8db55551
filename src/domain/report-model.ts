import { firstActions, narrativeBand, type ActionKind } from './actions.ts';
import type { CompanyAggregate } from './aggregation.ts';
import {
  columnGeometry,
  funnelGeometry,
  gaugeGeometry,
  histogramGeometry,
  scoreBar,
  type ColumnPair,
  type Funnel,
  type Gauge,
  type Histogram,
  type ScoreBar,
} from './chart-geometry.ts';
import { SubIndexKeys, type Instrument, type Item, type SubIndexKey } from './instrument.ts';
import {
  opportunitiesPerStage,
  pipelineCoverage,
  TEN_PERCENT_EACH,
  compoundedFactor,
  whatIf,
  winRates,
  type Coverage,
  type WinRates,
} from './numbers.ts';
import type { YourNumbers } from './profile.ts';
import { fillCopy, type ReportCopy } from './report-copy.ts';
import { SUB_INDEX_LABELS } from './results-model.ts';
import {
  companyCategory,
  personalCategory,
  revenuePotential,
  type CompanyScores,
  type ItemScores,
  type PersonalScores,
} from './scoring.ts';

/** Width of the sub-index bars in chart units; the renderers scale it. */
export const BAR_WIDTH = 300;

export interface SubIndexPeer {
  /** Share (0-100) of the peer group that did not score higher on this sub-index. */
  relative: number | null;
  quartiles: { q1: number; median: number; q3: number } | null;
}

export interface PeerContext {
  label: string;
  size: number;
  relative: number;
  subIndices: Record<SubIndexKey, SubIndexPeer>;
  /** Velocity Index counts of the group in ten-point bands. */
  histogram: number[];
}

export interface CompanyReportInput {
  instrument: Instrument;
  copy: ReportCopy;
  company: string;
  /** The report date, yyyy-mm-dd. */
  date: string;
  respondents: number;
  itemScores: ItemScores;
  scores: CompanyScores;
  /** The reader's own Personal Index, on their copy. */
  reader: PersonalScores | null;
  peer: PeerContext | null;
  minGroup: number;
  numbers: YourNumbers | null;
  aggregate: CompanyAggregate | null;
}

export interface SubIndexRow {
  key: SubIndexKey;
  label: string;
  score: number | null;
  meaning: string;
  potential: string | null;
  potentialText: string | null;
  peer: SubIndexPeer | null;
  bar: ScoreBar;
}

export interface NumbersPage {
  intro: string;
  currency: string;
  perDay: number;
  perQuarter: number;
  uplift: number;
  whatIfChart: ColumnPair;
  winRates: WinRates | null;
  coverage: Coverage | null;
  stages: { counts: number[]; chart: Funnel } | null;
}

export interface DetailItem {
  id: string;
  text: string;
  short: string;
  /** 0-100, or null when not applicable / unanswered. */
  score: number | null;
  narrative: string | null;
}

export interface CompanyReportModel {
  meta: { company: string; date: string; respondents: number; instrument: string; peerLabel: string | null; peerSize: number | null; minGroup: number };
  cover: { tagline: string };
  summary: {
    intro: string;
    velocity: { score: number; category: string; summary: string; gauge: Gauge };
    relative: number | null;
    histogram: Histogram | null;
    subIndices: SubIndexRow[];
    reader: { score: number; category: string } | null;
  };
  executive: { intro: string; compounding: string };
  actions: { intro: string; items: { kind: ActionKind; title: string; text: string; score: number }[] };
  numbers: NumbersPage | null;
  detail: { intro: string; sections: { title: string; intro: string; items: DetailItem[] }[] };
  disagreement: {
    intro: string;
    items: { short: string; text: string; spread: number; min: number; max: number; mean: number }[];
    roles: { short: string; leaders: number; sellers: number; gap: number }[];
  } | null;
  methodology: string[];
}

const pct = (x: number) => Math.round(x * 100);

/** One answered (or not applicable) item as the detailed analysis shows it. */
function detailItem(item: Item, scores: ItemScores): DetailItem {
  const s = scores.get(item.id);
  return { id: item.id, text: item.text, short: item.short, score: s === undefined ? null : pct(s), narrative: s === undefined ? null : item.narrative[narrativeBand(s)] };
}

function numbersPage(copy: ReportCopy, n: YourNumbers | null): NumbersPage | null {
  if (!n || n.opportunities === undefined || n.dealValue === undefined || n.winRate === undefined || n.cycleDays === undefined) return null;
  const w = whatIf({ opportunities: n.opportunities, dealValue: n.dealValue, winRate: n.winRate, cycleDays: n.cycleDays });
  const outcomes = n.wonCount !== undefined && n.wonValue !== undefined && n.lostCount !== undefined && n.lostValue !== undefined;
  const rates = [n.stage1, n.stage2, n.stage3, n.stage4, n.stage5, n.stage6].filter((r): r is number => r !== undefined);
  const counts = rates.length ? opportunitiesPerStage(rates) : null;
  return {
    intro: copy.company.numbersIntro,
    currency: n.currency ?? '',
    perDay: w.before.perDay,
    perQuarter: w.before.perQuarter,
    uplift: w.uplift,
    whatIfChart: columnGeometry([
      { label: 'Today', value: w.before.perQuarter },
      { label: 'With +10 % on each lever', value: w.after.perQuarter },
    ]),
    winRates: outcomes
      ? winRates({ wonCount: n.wonCount!, wonValue: n.wonValue!, lostCount: n.lostCount!, lostValue: n.lostValue!, openCount: n.openCount, openValue: n.openValue })
      : null,
    coverage: n.quota !== undefined && n.pipeline !== undefined ? pipelineCoverage(n.pipeline, n.quota) : null,
    stages: counts
      ? { counts, chart: funnelGeometry(counts, [...rates.map((_, i) => `Stage ${i + 1}`), 'Win']) }
      : null,
  };
}

/** The company report as plain data: every section of SPEC section 4, with its chart geometry. */
export function companyReportModel(input: CompanyReportInput): CompanyReportModel {
  const { instrument, copy, peer } = input;
  const velocity = input.scores.velocity ?? 0;
  const category = companyCategory(instrument, velocity);
  const methodologyValues = {
    k: input.minGroup,
    group: peer?.label ?? 'none yet',
    size: peer?.size ?? 0,
    instrument: `${instrument.id}, version ${instrument.version}`,
    respondents: input.respondents,
  };
  const subIndices: SubIndexRow[] = SubIndexKeys.map((key) => {
    const score = input.scores[key];
    const band = score === null ? null : revenuePotential(instrument, score);
    const subPeer = peer?.subIndices[key] ?? null;
    return {
      key,
      label: SUB_INDEX_LABELS[key],
      score,
      meaning: copy.subIndices[key].meaning,
      potential: band?.label ?? null,
      potentialText: band ? (copy.subIndices[key].potential[band.label as keyof ReportCopy['subIndices']['value']['potential']] ?? band.summary) : null,
      peer: subPeer,
      bar: scoreBar(score, subPeer?.quartiles ?? null, BAR_WIDTH),
    };
  });
  const itemsById = new Map(instrument.company.sections.flatMap((s) => s.items).map((i) => [i.id, i]));
  const agg = input.aggregate;
  return {
    meta: {
      company: input.company,
      date: input.date,
      respondents: input.respondents,
      instrument: `${instrument.id} v${instrument.version}`,
      peerLabel: peer?.label ?? null,
      peerSize: peer?.size ?? null,
      minGroup: input.minGroup,
    },
    cover: { tagline: fillCopy(copy.company.coverTagline, { company: input.company }) },
    summary: {
      intro: copy.company.summaryIntro,
      velocity: { score: velocity, category: category.label, summary: category.summary, gauge: gaugeGeometry(velocity, 200) },
      relative: peer?.relative ?? null,
      histogram: peer ? histogramGeometry(peer.histogram, velocity) : null,
      subIndices,
      reader:
        input.reader?.personal != null
          ? { score: input.reader.personal, category: personalCategory(instrument, input.reader.personal).label }
          : null,
    },
    executive: {
      intro: copy.company.executiveIntro,
      compounding: fillCopy(copy.company.compounding, { uplift: `${((compoundedFactor(TEN_PERCENT_EACH) - 1) * 100).toFixed(1)} %` }),
    },
    actions: {
      intro: copy.company.actionsIntro,
      items: firstActions(instrument, input.itemScores).map((a) => ({
        kind: a.kind,
        title: a.item.short,
        text: a.item.narrative[narrativeBand(a.score)],
        score: pct(a.score),
      })),
    },
    numbers: numbersPage(copy, input.numbers),
    detail: {
      intro: copy.company.detailIntro,
      sections: instrument.company.sections.map((section) => ({
        title: section.title,
        intro: section.intro,
        items: section.items.map((item) => detailItem(item, input.itemScores)),
      })),
    },
    disagreement:
      agg && agg.respondents >= 2
        ? {
            intro: fillCopy(copy.company.disagreementIntro, { respondents: agg.respondents }),
            items: agg.spreads.slice(0, 5).map((s) => ({
              short: itemsById.get(s.itemId)?.short ?? s.itemId,
              text: itemsById.get(s.itemId)?.text ?? '',
              spread: pct(s.spread),
              min: pct(s.min),
              max: pct(s.max),
              mean: pct(s.mean),
            })),
            roles: agg.contrasts.slice(0, 5).map((c) => ({
              short: itemsById.get(c.itemId)?.short ?? c.itemId,
              leaders: pct(c.leaders),
              sellers: pct(c.sellers),
              gap: pct(c.gap),
            })),
          }
        : null,
    methodology: copy.company.methodology.map((p) => fillCopy(p, methodologyValues)),
  };
}

export interface PersonalReportInput {
  instrument: Instrument;
  copy: ReportCopy;
  company: string;
  date: string;
  roleLabel: string;
  itemScores: ItemScores;
  scores: PersonalScores;
  /** Position among individuals: same role when that group is large enough, else the wider group (named). */
  position: { label: string; size: number; relative: number } | null;
  minGroup: number;
}

export interface PersonalReportModel {
  meta: { company: string; date: string; role: string; instrument: string; minGroup: number };
  intro: string;
  index: { score: number; category: string; summary: string; gauge: Gauge };
  position: { label: string; size: number; relative: number } | null;
  balance: { approach: number | null; execution: number | null; text: string; bars: { approach: ScoreBar; execution: ScoreBar } };
  sections: { title: string; intro: string; score: number | null; items: DetailItem[] }[];
  suggestions: { intro: string; items: { title: string; text: string }[] };
  methodology: string[];
}

/** The personal report as plain data. */
export function personalReportModel(input: PersonalReportInput): PersonalReportModel {
  const { instrument, copy } = input;
  const score = input.scores.personal ?? 0;
  const category = personalCategory(instrument, score);
  const a = input.scores.approach;
  const e = input.scores.execution;
  const balanceText =
    a === null || e === null || Math.abs(a - e) < 5
      ? copy.personal.balanced
      : fillCopy(a > e ? copy.personal.approachLeads : copy.personal.executionLeads, { approach: Math.round(a), execution: Math.round(e) });
  const items = instrument.personal.sections.flatMap((s) => s.items);
  // Three suggestions: the personal practices with the most to gain, weight × distance from the ideal; a
  // strong practice can still be one, and then its narrative says how to keep and spread it.
  const suggestions = items
    .map((item, order) => ({ item, order, s: input.itemScores.get(item.id) }))
    .filter((x): x is { item: (typeof items)[number]; order: number; s: number } => x.s !== undefined)
    .map((x) => ({ ...x, gain: (x.item.weights.approach + x.item.weights.execution) * (1 - x.s) }))
    .sort((p, q) => q.gain - p.gain || p.order - q.order)
    .slice(0, 3)
    .map((x) => ({ title: x.item.short, text: x.item.narrative[narrativeBand(x.s)] }));
  return {
    meta: { company: input.company, date: input.date, role: input.roleLabel, instrument: `${instrument.id} v${instrument.version}`, minGroup: input.minGroup },
    intro: copy.personal.intro,
    index: { score, category: category.label, summary: category.summary, gauge: gaugeGeometry(score, 200) },
    position: input.position,
    balance: { approach: a, execution: e, text: balanceText, bars: { approach: scoreBar(a, null, BAR_WIDTH), execution: scoreBar(e, null, BAR_WIDTH) } },
    sections: instrument.personal.sections.map((section) => {
      const scored = section.items.map((i) => input.itemScores.get(i.id)).filter((v): v is number => v !== undefined);
      return {
        title: section.title,
        intro: section.intro,
        score: scored.length ? Math.round((100 * scored.reduce((x, y) => x + y, 0)) / scored.length) : null,
        items: section.items.map((item) => detailItem(item, input.itemScores)),
      };
    }),
    suggestions: { intro: copy.personal.suggestionsIntro, items: suggestions },
    methodology: copy.personal.methodology.map((p) =>
      fillCopy(p, { k: input.minGroup, group: input.position?.label ?? 'none yet', size: input.position?.size ?? 0, instrument: `${instrument.id}, version ${instrument.version}` }),
    ),
  };
}
