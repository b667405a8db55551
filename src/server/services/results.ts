import type { Db } from '../../../db/client.ts';
import type { Participant } from '../../../db/schema.ts';
import { SubIndexKeys, type Instrument } from '../../domain/instrument.ts';
import { describePeerGroup } from '../../domain/peers.ts';
import { choiceLabel } from '../../domain/profile.ts';
import { resultsModel, type ResultsModel } from '../../domain/results-model.ts';
import { scoreParticipant } from '../../domain/scoring.ts';
import { loadAnswers } from '../repositories/participants.ts';
import { findScore } from '../repositories/scores.ts';
import { groupQuartiles, peerPosition } from './peers.ts';

/** The results of a completed participant, placed in its peer group; null when it has no scores. */
export function participantResults(db: Db, instrument: Instrument, participant: Participant, minGroup: number): ResultsModel | null {
  const stored = findScore(db, participant.id);
  if (!stored) return null;
  const scores = scoreParticipant(instrument, loadAnswers(db, participant.id));
  const position = peerPosition(
    db,
    { participantId: participant.id, companyId: participant.companyId, velocity: stored.velocity, instrumentVersion: stored.instrumentVersion, industry: participant.industry, employees: participant.employees },
    minGroup,
  );
  const peer = position && {
    label: describePeerGroup(position.group, (dim, value) => choiceLabel(instrument, dim, value)),
    size: position.group.size,
    relative: position.relative,
    medians: Object.fromEntries(SubIndexKeys.map((k) => [k, groupQuartiles(db, position.where, minGroup, k, participant.id)?.median ?? null])) as Record<
      (typeof SubIndexKeys)[number],
      number | null
    >,
  };
  return resultsModel(instrument, scores, peer);
}
