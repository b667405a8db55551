import type { Db } from '../../../db/client.ts';
import type { Participant } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { scoreParticipant, type ParticipantScores } from '../../domain/scoring.ts';
import { findParticipant, loadAnswers, markCompleted } from '../repositories/participants.ts';
import { findScore, upsertScore } from '../repositories/scores.ts';
import { recordPeerStats } from './peer-stats.ts';

export class NotScorableError extends Error {}

/** The score row of a participant: the indices beside the peer dimensions copied from the profile. */
export function scoreRow(p: Participant, s: ParticipantScores, at: Date) {
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
    computedAt: at,
  };
}

/**
 * Scores a participant and stores the scores and the completed status in one
 * transaction. Finishing twice scores once: a completed participant keeps
 * the scores it already has.
 */
export function finishParticipant(db: Db, instrument: Instrument, participantId: number, at = new Date()) {
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const p = findParticipant(txDb, participantId);
    if (!p) throw new NotScorableError(`participant ${participantId} does not exist`);
    const existing = findScore(txDb, participantId);
    if (p.status === 'completed' && existing) return existing;
    const scores = scoreParticipant(instrument, loadAnswers(txDb, participantId));
    const row = scoreRow(p, scores, at);
    // A stale row from an earlier finish leaves the statistics before the new one enters them.
    // (The statistics use raw statements on the same connection, so they run inside this transaction.)
    if (existing) recordPeerStats(db, existing, -1);
    upsertScore(txDb, row);
    markCompleted(txDb, participantId, at);
    const stored = findScore(txDb, participantId)!;
    recordPeerStats(db, stored, 1);
    return stored;
  }, { behavior: 'immediate' });
}
