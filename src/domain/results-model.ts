import { firstActions, type ActionKind, type Audience } from './actions.ts';
import { SubIndexKeys, type Instrument, type SubIndexKey } from './instrument.ts';
import type { CompanyScores, ItemScores, ParticipantScores } from './scoring.ts';
import { companyCategory, personalCategory, revenuePotential } from './scoring.ts';

export const SUB_INDEX_LABELS: Record<SubIndexKey, string> = {
  value: 'Deal Value',
  number: 'Number of opportunities',
  winRate: 'Win Rate',
  cycle: 'Sales Cycle',
};

export interface PeerFigures {
  /** The group in words and its size (the subject left out). */
  label: string;
  size: number;
  /**
   * Share (0-100) of the group that did not score better; null for a reader who does not count in the
   * benchmark, since many such readers, each placed exactly, would map out the group member by member.
   */
  relative: number | null;
  /** Median of each sub-index within the group; null where the group has too few values. */
  medians: Record<SubIndexKey, number | null>;
}

/**
 * Whose figures the headline is. `company`: every respondent of the company
 * (the company score, the same wherever it appears); `own`: the reader's own
 * answers — their view, shown alone until the company figures may be shown.
 */
export type ViewKind = 'company' | 'own';

/** The company figures as the results page receives them: the aggregate once the anonymity rule allows it. */
export interface CompanyFigures {
  respondents: number;
  /** More respondents to finish before the company figures next update (they grow in steps of k). */
  nextUpdate: number;
  itemScores: ItemScores;
  scores: CompanyScores;
}

export interface ResultsModel {
  view: ViewKind;
  /** Respondents behind the headline figures (1 for one's own view). */
  respondents: number;
  velocity: { score: number; category: string; summary: string };
  /** When the headline is the company's: how many more respondents before it next updates. */
  nextUpdate: number | null;
  /** The reader's own view beside the company's, when the headline is the company's. */
  ownView: { score: number; category: string } | null;
  /** More colleagues needed before the company figures appear; null when shown or when the participant has no company link. */
  companyPending: { needed: number; respondents: number } | null;
  peer: PeerFigures | null;
  /** The participant is compared with the benchmark but does not count in it (an open-enrolment participant beyond their network's one a month). */
  uncounted: boolean;
  subIndices: { key: SubIndexKey; label: string; score: number | null; peerMedian: number | null; potential: string | null }[];
  personal: { score: number; category: string; summary: string; approach: number | null; execution: number | null } | null;
  audience: Audience;
  actions: { kind: ActionKind; title: string; text: string; score: number }[];
}

export interface ResultsInput {
  own: ParticipantScores;
  /** The company's figures when the reader may see them. */
  company: CompanyFigures | null;
  companyPending: { needed: number; respondents: number } | null;
  /** Peer figures for the headline scores. */
  peer: PeerFigures | null;
  audience: Audience;
  uncounted: boolean;
}

/** What the results page shows, as plain data. */
export function resultsModel(instrument: Instrument, input: ResultsInput): ResultsModel {
  const { own, company, peer } = input;
  const headline = company ? company.scores : own.company;
  const itemScores = company ? company.itemScores : own.itemScores;
  const velocity = headline.velocity ?? 0;
  const vCat = companyCategory(instrument, velocity);
  const ownVelocity = own.company.velocity ?? 0;
  const personal = own.personal.personal;
  const pCat = personal === null ? null : personalCategory(instrument, personal);
  return {
    view: company ? 'company' : 'own',
    respondents: company ? company.respondents : 1,
    nextUpdate: company ? company.nextUpdate : null,
    velocity: { score: velocity, category: vCat.label, summary: vCat.summary },
    ownView: company ? { score: ownVelocity, category: companyCategory(instrument, ownVelocity).label } : null,
    companyPending: input.companyPending,
    peer,
    uncounted: input.uncounted,
    subIndices: SubIndexKeys.map((key) => {
      const score = headline[key];
      return {
        key,
        label: SUB_INDEX_LABELS[key],
        score,
        peerMedian: peer?.medians[key] ?? null,
        potential: score === null ? null : revenuePotential(instrument, score).label,
      };
    }),
    personal:
      personal === null || !pCat
        ? null
        : { score: personal, category: pCat.label, summary: pCat.summary, approach: own.personal.approach, execution: own.personal.execution },
    audience: input.audience,
    actions: firstActions(instrument, itemScores, headline, input.audience).map((a) => ({
      kind: a.kind,
      title: a.item.short,
      text: a.sentence,
      score: Math.round(a.score * 100),
    })),
  };
}
