import type { Participant } from '../../../db/schema.ts';
import type { Store } from '../data/store.ts';
import { SubIndexKeys, type Instrument } from '../../domain/instrument.ts';
import { describePeerGroup } from '../../domain/peers.ts';
import { choiceLabel, roleGroup } from '../../domain/profile.ts';
import { resultsModel, type ResultsModel } from '../../domain/results-model.ts';
import { findScore } from '../repositories/scores.ts';
import { companyView, ownScores } from './company-view.ts';
import { peerPosition, publishedMedian } from './peers.ts';

/**
 * The results of a completed participant, placed in its peer group; null when
 * it has no scores. The headline is the company's score once the company
 * figures may be shown to this participant, their own view until then.
 */
export async function participantResults(db: Store, instrument: Instrument, participant: Participant, minGroup: number): Promise<ResultsModel | null> {
  const stored = await findScore(db, participant.id);
  if (!stored) return null;
  const own = await ownScores(db, instrument, participant);
  const view = await companyView(db, instrument, participant.companyId, participant, minGroup);
  const company = view.aggregate && { respondents: view.published.length, nextUpdate: view.needed, itemScores: view.aggregate.itemScores, scores: view.aggregate.scores };
  const position = await peerPosition(
    db,
    {
      participantId: participant.id,
      companyId: participant.companyId,
      velocity: company?.scores.velocity ?? stored.velocity,
      instrumentVersion: stored.instrumentVersion,
      population: stored.population,
      industry: participant.industry,
      employees: participant.employees,
    },
    minGroup,
  );
  const medians = {} as Record<(typeof SubIndexKeys)[number], number | null>;
  if (position) for (const k of SubIndexKeys) medians[k] = await publishedMedian(position.figures, minGroup, k);
  const peer = position && {
    label: describePeerGroup(position.group, (dim, value) => choiceLabel(instrument, dim, value)),
    size: position.group.size,
    relative: stored.population === 'unverified' ? null : position.relative,
    medians,
  };
  return resultsModel(instrument, {
    own,
    company,
    companyPending: participant.companyId !== null && !company ? { needed: view.needed, respondents: view.respondents } : null,
    peer,
    audience: roleGroup(instrument, participant.role) === 'seller' ? 'seller' : 'leader',
    uncounted: stored.population === 'unverified',
  });
}
