import { actionKind, firstActions, narrativeBand, type ActionKind, type Audience } from './actions.ts';
import { mayShowQuantiles, publishedCounts, publishedScore } from './anonymity.ts';
import { NOT_APPLICABLE, optionsOf, type Answers } from './answers.ts';
import type { CompanyAggregate } from './aggregation.ts';
import type { ChangeBlock } from './change-block.ts';
import {
  columnGeometry,
  funnelGeometry,
  dumbbellGeometry,
  gaugeGeometry,
  histogramGeometry,
  scoreBar,
  type ColumnPair,
  type Dumbbell,
  type Funnel,
  type Gauge,
  type Histogram,
  type ScoreBar,
} from './chart-geometry.ts';
import { longDate } from './dates.ts';
import { EN_NUMBERS, numberFormat, type NumberStyle } from './number-format.ts';
import { SubIndexKeys, type Instrument, type Item, type SubIndexKey } from './instrument.ts';
import type { CompanyNumbers } from './company-numbers.ts';
import { compoundedFactor, TEN_PERCENT_EACH } from './numbers.ts';
import { numbersPage, type NumbersPage } from './numbers-page.ts';
import type { YourNumbers } from './profile.ts';
import { fillCopy, type ReportCopy } from './report-copy.ts';
import { SUB_INDEX_LABELS, type ViewKind } from './results-model.ts';
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
  /** Null for a reader who does not count in the benchmark (see ResultsModel's peer). */
  relative: number | null;
  subIndices: Record<SubIndexKey, SubIndexPeer>;
  /** Velocity Index counts of the group in ten-point bands. */
  histogram: number[];
}

/**
 * A consultant's brand on the reports of their study (src/domain/brand.ts
 * checks it): their display name, an accent colour that passes WCAG AA
 * against white, and their logo as a PNG data URI with its pixel size.
 */
export interface ReportBrand {
  name: string;
  /** '#rrggbb'. */
  accent: string;
  logo: { dataUri: string; width: number; height: number } | null;
}

export interface CompanyReportInput {
  instrument: Instrument;
  copy: ReportCopy;
  company: string;
  /** The report date, yyyy-mm-dd. */
  date: string;
  /** Whose figures the report is: the company's (every respondent) or the reader's own view. */
  view: ViewKind;
  /** Respondents behind the figures: 1 for one's own view. */
  respondents: number;
  itemScores: ItemScores;
  scores: CompanyScores;
  /** The reader's own answers, read back by their labels in their own view. */
  ownAnswers: Answers | null;
  /** The reader's own Velocity Index beside the company's, on their copy of a company view. */
  ownView: CompanyScores | null;
  /** More colleagues needed before the company figures appear, on a reader's own view. */
  companyPending: { needed: number } | null;
  /** Who the first five actions are for. */
  audience: Audience;
  /** The reader's own Personal Index, on their copy. */
  reader: PersonalScores | null;
  peer: PeerContext | null;
  minGroup: number;
  /** The reader's own "Your numbers"; null on the consultant's copy, which has no reader. */
  numbers: YourNumbers | null;
  /** The company's numbers combined over its respondents (company-numbers.ts); null outside a company. */
  companyNumbers: CompanyNumbers | null;
  aggregate: CompanyAggregate | null;
  /** The consultant's brand of the participant's study; null or absent when none. */
  brand?: ReportBrand | null;
  /** The name of the participant's study, for the cover; null or absent outside a study. */
  study?: string | null;
  /** The reader's number separators (reader-locale.ts); English when absent. */
  numberStyle?: NumberStyle;
  /** The change since the round before, when both rounds may be shown (change-block.ts); null or absent otherwise. */
  change?: ChangeBlock | null;
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

export type { NumbersPage } from './numbers-page.ts';

export interface DetailItem {
  id: string;
  text: string;
  short: string;
  /** The answer read back by its own label ("You answered “Most of the time”."), or the team's average; null when unanswered. */
  answer: string | null;
  /** The same, short, for a table cell: the label itself, or "Team average 63"; null when unanswered. */
  answerShort: string | null;
  /** Keep, change or stop, by the score (actions.ts thresholds); null when not scored. */
  kind: ActionKind | null;
  /** The one-line next step of that kind from the item's advice; null for items without advice (the personal ones) or unscored. */
  next: string | null;
  /** 0-100, or null when not applicable / unanswered. */
  score: number | null;
  narrative: string | null;
}

/**
 * The one line a practice table prints for an item: its next step, or for an
 * item without advice (the personal ones) the verdict that opens its narrative.
 */
export function practiceLine(item: DetailItem): string {
  if (item.next) return item.next;
  if (!item.narrative) return '';
  return /^.+?[.!?](?=\s|$)/.exec(item.narrative)?.[0] ?? item.narrative;
}

export interface CompanyReportModel {
  meta: {
    company: string;
    date: string;
    /** The date written out, "1 December 2026". */
    dateText: string;
    /** The study the report belongs to, null outside one. */
    study: string | null;
    /** How this reader writes numbers: every figure of the report uses it. */
    numberStyle: NumberStyle;
    view: ViewKind;
    /** Whose figures these are, in words: shown on the cover and in every running header. */
    viewLabel: string;
    respondents: number;
    instrument: string;
    peerLabel: string | null;
    peerSize: number | null;
    minGroup: number;
    brand: ReportBrand | null;
  };
  cover: { tagline: string };
  summary: {
    intro: string;
    velocity: { score: number; category: string; summary: string; gauge: Gauge };
    relative: number | null;
    histogram: (Histogram & { emptiedNote: string | null }) | null;
    subIndices: SubIndexRow[];
    reader: { score: number; category: string } | null;
    /** The reader's own Velocity Index when the headline is the company's. */
    ownView: { score: number; category: string } | null;
    /** Why the report shows one person's view, and what unlocks the company's. */
    viewNote: string;
  };
  executive: { intro: string; compounding: string };
  actions: { intro: string; items: { kind: ActionKind; title: string; text: string; score: number }[] };
  numbers: NumbersPage | null;
  detail: { intro: string; sections: { title: string; intro: string; items: DetailItem[] }[] };
  disagreement: {
    intro: string;
    /** Mean and spread (standard deviation) only: a minimum or maximum is one person's answer. */
    items: { short: string; text: string; spread: number; mean: number }[];
    roles: { short: string; leaders: number; sellers: number; gap: number }[];
    /** The roles' averages drawn side by side, one row per entry of `roles`; null without roles. */
    rolesChart: Dumbbell | null;
  } | null;
  /** Change since the round before: the company's on the consultant's and a company-view copy, the reader's own on their own view. */
  change: ChangeBlock | null;
  methodology: string[];
}

const pct = (x: number) => Math.round(x * 100);

/** An answer by the label the participant chose, never a paraphrase of it. */
export function answerLabel(instrument: Instrument, item: Item, value: string | undefined): string | null {
  if (value === undefined) return null;
  if (value === NOT_APPLICABLE) return instrument.notApplicableLabel;
  if (item.kind === 'number') return item.unit ? `${value} ${item.unit}` : value;
  return optionsOf(instrument, item).find((o) => o.id === value)?.label ?? null;
}

/** How the answer behind a comment is read back: the reader's own label, or the team's average over the respondents who answered. */
export type AnswerSource = { kind: 'own'; answers: Answers } | { kind: 'team'; respondents: number };

/** One answered (or not applicable) item as the detailed analysis shows it. */
function detailItem(instrument: Instrument, item: Item, scores: ItemScores, source: AnswerSource): DetailItem {
  const s = scores.get(item.id);
  let answer: string | null = null;
  let answerShort: string | null = null;
  if (source.kind === 'own') {
    const label = answerLabel(instrument, item, source.answers[item.id]);
    answer = label && `You answered “${label}”.`;
    answerShort = label;
  } else if (s !== undefined) {
    answer = `Your team’s average: ${pct(s)} / 100.`;
    answerShort = `Team average ${pct(s)}`;
  }
  const kind = s === undefined ? null : actionKind(s);
  const next = kind && 'advice' in item && item.advice ? item.advice[kind] : null;
  return {
    id: item.id,
    text: item.text,
    short: item.short,
    answer,
    answerShort,
    kind,
    next,
    score: s === undefined ? null : pct(s),
    narrative: s === undefined ? null : item.narrative[narrativeBand(s)],
  };
}

/**
 * The peer histogram as published: only for a group of at least 2k, and with
 * bands of fewer than k people left empty (SPEC section 3b).
 */
function histogramOf(peer: PeerContext | null, velocity: number, k: number): (Histogram & { emptiedNote: string | null }) | null {
  if (!peer || !mayShowQuantiles(peer.histogram.reduce((a, b) => a + b, 0), k)) return null;
  const published = publishedCounts(peer.histogram, k);
  // Every band under k: a chart of empty bands and a marker says nothing, and reads as broken.
  if (published.counts.every((n) => n === 0)) return null;
  return { ...histogramGeometry(published.counts, publishedScore(velocity)), emptiedNote: published.emptied ? `Bands of fewer than ${k} are left empty.` : null };
}

/** Says whose figures the report holds, so that no reader mistakes one person's view for the company's. */
function viewNote(input: CompanyReportInput): string {
  if (input.view === 'company') {
    return `These are ${input.company}’s figures: the answers of ${input.respondents} respondents combined, item by item. This is the company score wherever it appears; it grows in steps as more colleagues finish, so that no one person’s answers can be singled out.`;
  }
  if (!input.ownAnswers) return 'These figures come from one respondent’s answers.';
  const pending = input.companyPending;
  return pending
    ? `These figures are your own view: they come from your answers only. Your company’s figures, combining your colleagues’ answers, appear once ${pending.needed} more ${pending.needed === 1 ? 'colleague has' : 'colleagues have'} finished, so that nobody can work out anyone else’s answers.`
    : 'These figures are your own view of your company: they come from your answers only.';
}

/** The compounding paragraph's figures with the reader's decimal mark: 1.1 × 1.1 × 1.1 ÷ 0.9, about 47.9 %. */
function compoundingValues(style: NumberStyle): { formula: string; uplift: string } {
  const f = numberFormat(style);
  const l = TEN_PERCENT_EACH;
  const factors = [l.opportunities, l.dealValue, l.winRate].map((x) => f.oneDecimal(1 + x)).join(' × ');
  return { formula: `${factors} ÷ ${f.oneDecimal(1 + l.cycleDays)}`, uplift: `${f.oneDecimal((compoundedFactor(l) - 1) * 100)} %` };
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
    view: input.view === 'company' ? `the company’s figures, from ${input.respondents} respondents` : 'one person’s own view',
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
      // Drawn at the precision the text prints, so the markup carries nothing more exact.
      bar: scoreBar(score === null ? null : publishedScore(score), subPeer?.quartiles ?? null, BAR_WIDTH),
    };
  });
  const itemsById = new Map(instrument.company.sections.flatMap((s) => s.items).map((i) => [i.id, i]));
  const agg = input.aggregate;
  const source: AnswerSource =
    input.view === 'own' && input.ownAnswers ? { kind: 'own', answers: input.ownAnswers } : { kind: 'team', respondents: input.respondents };
  const ownVelocity = input.ownView?.velocity ?? null;
  return {
    meta: {
      company: input.company,
      date: input.date,
      dateText: longDate(input.date),
      study: input.study ?? null,
      numberStyle: input.numberStyle ?? EN_NUMBERS,
      view: input.view,
      viewLabel: input.view === 'company' ? `Company view · ${input.respondents} respondents` : input.ownAnswers ? 'Your view · your answers only' : 'One respondent’s view',
      respondents: input.respondents,
      instrument: `${instrument.id}, version ${instrument.version}`,
      peerLabel: peer?.label ?? null,
      peerSize: peer?.size ?? null,
      minGroup: input.minGroup,
      brand: input.brand ?? null,
    },
    cover: { tagline: fillCopy(copy.company.coverTagline, { company: input.company }) },
    summary: {
      intro: copy.company.summaryIntro,
      velocity: { score: velocity, category: category.label, summary: category.summary, gauge: gaugeGeometry(publishedScore(velocity), 200) },
      relative: peer?.relative ?? null,
      histogram: histogramOf(peer, velocity, input.minGroup),
      subIndices,
      reader:
        input.reader?.personal != null
          ? { score: input.reader.personal, category: personalCategory(instrument, input.reader.personal).label }
          : null,
      ownView: input.view === 'company' && ownVelocity !== null ? { score: ownVelocity, category: companyCategory(instrument, ownVelocity).label } : null,
      viewNote: viewNote(input),
    },
    executive: {
      intro: copy.company.executiveIntro,
      compounding: fillCopy(copy.company.compounding, compoundingValues(input.numberStyle ?? EN_NUMBERS)),
    },
    actions: {
      intro: input.audience === 'seller' ? `${copy.company.actionsIntro} ${copy.company.actionsSellerNote}` : copy.company.actionsIntro,
      items: firstActions(instrument, input.itemScores, input.scores, input.audience).map((a) => ({
        kind: a.kind,
        title: a.item.short,
        text: a.sentence,
        score: pct(a.score),
      })),
    },
    numbers: numbersPage(copy.company.numbersIntro, input.numbers, input.companyNumbers, input.numberStyle),
    detail: {
      intro: copy.company.detailIntro,
      sections: instrument.company.sections.map((section) => ({
        title: section.title,
        intro: section.intro,
        items: section.items.map((item) => detailItem(instrument, item, input.itemScores, source)),
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
              mean: pct(s.mean),
            })),
            roles: agg.contrasts.slice(0, 5).map((c) => ({
              short: itemsById.get(c.itemId)?.short ?? c.itemId,
              leaders: pct(c.leaders),
              sellers: pct(c.sellers),
              gap: pct(c.gap),
            })),
            rolesChart: agg.contrasts.length ? dumbbellGeometry(agg.contrasts.slice(0, 5).map((c) => ({ leaders: pct(c.leaders), sellers: pct(c.sellers) }))) : null,
          }
        : null,
    change: input.change ?? null,
    methodology: [...copy.company.methodology.map((p) => fillCopy(p, methodologyValues)), ...(input.change ? [input.change.method] : [])],
  };
}

export interface PersonalReportInput {
  instrument: Instrument;
  copy: ReportCopy;
  company: string;
  date: string;
  roleLabel: string;
  itemScores: ItemScores;
  /** The participant's answers, read back by their labels. */
  answers: Answers;
  scores: PersonalScores;
  /** Position among individuals: same role when that group is large enough, else the wider group (named). */
  position: { label: string; size: number; relative: number } | null;
  minGroup: number;
  /** The consultant's brand of the participant's study; null or absent when none. */
  brand?: ReportBrand | null;
  /** The name of the participant's study, for the cover; null or absent outside a study. */
  study?: string | null;
  /** The reader's number separators (reader-locale.ts); English when absent. */
  numberStyle?: NumberStyle;
  /** The name the participant gave for their own report ("Prepared for …"); null or absent when none. */
  preparedFor?: string | null;
  /** The reader's own change since their previous response (a retake); null or absent otherwise. */
  change?: ChangeBlock | null;
}

export interface PersonalReportModel {
  meta: { company: string; date: string; dateText: string; study: string | null; numberStyle: NumberStyle; role: string; instrument: string; minGroup: number; brand: ReportBrand | null; preparedFor: string | null };
  intro: string;
  index: { score: number; category: string; summary: string; gauge: Gauge };
  position: { label: string; size: number; relative: number } | null;
  balance: { approach: number | null; execution: number | null; text: string; bars: { approach: ScoreBar; execution: ScoreBar } };
  sections: { title: string; intro: string; score: number | null; items: DetailItem[] }[];
  suggestions: { intro: string; items: { title: string; text: string }[] };
  change: ChangeBlock | null;
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
    meta: { company: input.company, date: input.date, dateText: longDate(input.date), study: input.study ?? null, numberStyle: input.numberStyle ?? EN_NUMBERS, role: input.roleLabel, instrument: `${instrument.id}, version ${instrument.version}`, minGroup: input.minGroup, brand: input.brand ?? null, preparedFor: input.preparedFor ?? null },
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
        items: section.items.map((item) => detailItem(instrument, item, input.itemScores, { kind: 'own', answers: input.answers })),
      };
    }),
    suggestions: { intro: copy.personal.suggestionsIntro, items: suggestions },
    change: input.change ?? null,
    methodology: [
      ...copy.personal.methodology.map((p) =>
        fillCopy(p, { k: input.minGroup, group: input.position?.label ?? 'none yet', size: input.position?.size ?? 0, instrument: `${instrument.id}, version ${instrument.version}` }),
      ),
      ...(input.change ? [input.change.method] : []),
    ],
  };
}
