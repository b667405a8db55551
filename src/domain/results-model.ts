import { firstActions, narrativeBand, type ActionKind } from './actions.ts';
import { SubIndexKeys, type Instrument, type SubIndexKey } from './instrument.ts';
import type { ParticipantScores } from './scoring.ts';
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
  /** Share (0-100) of the group that did not score better. */
  relative: number;
  /** Median of each sub-index within the group; null where the group has too few values. */
  medians: Record<SubIndexKey, number | null>;
}

export interface ResultsModel {
  velocity: { score: number; category: string; summary: string };
  peer: PeerFigures | null;
  subIndices: { key: SubIndexKey; label: string; score: number | null; peerMedian: number | null; potential: string | null }[];
  personal: { score: number; category: string; summary: string; approach: number | null; execution: number | null } | null;
  actions: { kind: ActionKind; title: string; text: string; score: number }[];
}

/** What the results page shows, as plain data. */
export function resultsModel(instrument: Instrument, s: ParticipantScores, peer: PeerFigures | null): ResultsModel {
  const velocity = s.company.velocity ?? 0;
  const vCat = companyCategory(instrument, velocity);
  const personal = s.personal.personal;
  const pCat = personal === null ? null : personalCategory(instrument, personal);
  return {
    velocity: { score: velocity, category: vCat.label, summary: vCat.summary },
    peer,
    subIndices: SubIndexKeys.map((key) => {
      const score = s.company[key];
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
        : { score: personal, category: pCat.label, summary: pCat.summary, approach: s.personal.approach, execution: s.personal.execution },
    actions: firstActions(instrument, s.itemScores).map((a) => ({
      kind: a.kind,
      title: a.item.short,
      text: a.item.narrative[narrativeBand(a.score)],
      score: Math.round(a.score * 100),
    })),
  };
}
