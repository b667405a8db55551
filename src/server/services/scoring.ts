import type { Participant } from '../../../db/schema.ts';
import { transaction, type Store } from '../data/store.ts';
import type { Instrument } from '../../domain/instrument.ts';
import type { Population } from '../../domain/population.ts';
import { scoreParticipant, type ParticipantScores } from '../../domain/scoring.ts';
import { findParticipant, loadAnswers, markCompleted } from '../repositories/participants.ts';
import { findScore, upsertScore } from '../repositories/scores.ts';
import { arrivalPopulation } from './genuine.ts';
import { recordPeerStats } from './peer-stats.ts';
import { recordCompleted } from './invitations.ts';
import { finishLocks } from '../lock-keys.ts';

export class NotScorableError extends Error {}

/** The score row of a participant: the indices beside the peer dimensions copied from the profile, and whose figures it enters. */
export function scoreRow(p: Participant, s: ParticipantScores, at: Date, population: Population) {
  if (s.company.velocity === null) throw new NotScorableError('no company item was answered, so there is nothing to score');
  return {
    participantId: p.id,
    value: s.company.value,
    number: s.company.number,
    winRate: s.company.winRate,
    cycle: s.company.cycle,
    velocity: s.company.velocity,
    approach: s.personal.approach,
    execution: s.personal.execution,
    personal: s.personal.personal,
    studyId: p.studyId,
    companyId: p.companyId,
    role: p.role,
    industry: p.industry,
    employees: p.employees,
    salesTeam: p.salesTeam,
    region: p.region,
    motion: p.motion,
    instrumentVersion: p.instrumentVersion,
    population,
    computedAt: at,
  };
}

/** Where a finish came from: the client's address decides whether an open-enrolment participant counts. */
export interface FinishSource {
  /** The client address (src/server/http/client-address.ts); unknown, an open-enrolment participant does not count. */
  clientAddress?: string | null;
}

/**
 * Scores a participant and stores the scores and the completed status in one
 * transaction. Finishing twice scores once: a completed participant keeps
 * the scores it already has. The score's population is decided here, once
 * (src/server/services/genuine.ts); a score written again keeps its own.
 */
export async function finishParticipant(db: Store, instrument: Instrument, participantId: number, at = new Date(), source: FinishSource = {}) {
  return transaction(
    db,
    async (tx) => {
      const p = await findParticipant(tx, participantId);
      if (!p) throw new NotScorableError(`participant ${participantId} does not exist`);
      const existing = await findScore(tx, participantId);
      if (p.status === 'completed' && existing) return existing;
      const scores = scoreParticipant(instrument, await loadAnswers(tx, participantId));
      const row = scoreRow(p, scores, at, existing?.population ?? (await arrivalPopulation(tx, p, source.clientAddress ?? null, at)));
      // A stale row from an earlier finish leaves the statistics before the new one enters them.
      // (The statistics are written through the transaction's store, so they commit or roll back with the score.)
      if (existing) await recordPeerStats(tx, existing, -1);
      await upsertScore(tx, row);
      await markCompleted(tx, participantId, at);
      await recordCompleted(tx, participantId, at);
      const stored = (await findScore(tx, participantId))!;
      await recordPeerStats(tx, stored, 1);
      return stored;
    },
    // The participant's rows, score and invitations (their saves, finishes and deletion hold the same key), and the
    // counted-network place arrivalPopulation may take: two finishes from one network must not both find it free.
    // The study's status is not read here; the peer statistics guard themselves (row upserts, the held-population
    // setting row locked). Inside finishParticipation this is a savepoint, which takes no keys: that one holds these.
    { behavior: 'immediate', locks: await finishLocks(db, participantId, source.clientAddress) },
  );
}
