import type { Participant } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import { transaction, type Store } from '../data/store.ts';
import { findParticipant, insertParticipant } from '../repositories/participants.ts';
import { findRetakeOf, studyNameAndStatus } from '../repositories/retakes.ts';
import { latestWaveOf } from '../repositories/studies.ts';
import { participantLock } from '../lock-keys.ts';

/**
 * What a finished participant's results page offers about the study's newer
 * round: to take it (`open`), or the news that they already started it from
 * this page (`started`), whose private link, shown then, continues it.
 */
export interface RetakeOffer {
  state: 'open' | 'started';
  round: number;
  studyName: string;
}

/**
 * The offer for this participant, or null: only a finished participant of an
 * open study whose latest round is newer than theirs is offered anything.
 * Once retaken, the offer is `started` for good, also when a still newer
 * round opens: the retake, not this response, is the one to take it from, so
 * one person never has two responses in one round.
 */
export async function retakeOffer(db: Store, participant: Participant): Promise<RetakeOffer | null> {
  if (participant.status !== 'completed' || participant.studyId === null || participant.waveId === null) return null;
  const study = await studyNameAndStatus(db, participant.studyId);
  if (!study || study.status !== 'open') return null;
  const latest = await latestWaveOf(db, participant.studyId);
  if (!latest || latest.id === participant.waveId) return null;
  // A response is retaken once: its retake, if any, is the later response whose previousId is this one.
  return { state: (await findRetakeOf(db, participant.id)) ? 'started' : 'open', round: latest.number, studyName: study.name };
}

export type RetakeOutcome =
  | { ok: true; participant: Participant; token: string }
  | { ok: false; refused: 'not-offered' | 'already-started' };

/**
 * Starts the retake: a new response in the study's latest round, for the
 * same company and profile, on the questionnaire in force, linked to the
 * earlier response by previousId. The returned token is the only copy of the
 * new private link. In one write transaction, so two presses (or two tabs)
 * start one retake: the offer is read again inside it.
 */
export async function startRetake(db: Store, instrument: Instrument, participantId: number, now = new Date()): Promise<RetakeOutcome> {
  return transaction(
    db,
    async (tx): Promise<RetakeOutcome> => {
      const earlier = await findParticipant(tx, participantId);
      const offer = earlier && (await retakeOffer(tx, earlier));
      if (!earlier || !offer) return { ok: false, refused: 'not-offered' };
      if (offer.state === 'started') return { ok: false, refused: 'already-started' };
      const token = newToken();
      const participant = await insertParticipant(tx, {
        studyId: earlier.studyId,
        waveId: (await latestWaveOf(tx, earlier.studyId!))!.id,
        companyId: earlier.companyId,
        previousId: earlier.id,
        role: earlier.role,
        companyName: earlier.companyName,
        industry: earlier.industry,
        employees: earlier.employees,
        salesTeam: earlier.salesTeam,
        region: earlier.region,
        motion: earlier.motion,
        displayName: earlier.displayName,
        instrumentId: instrument.id,
        instrumentVersion: instrument.version,
        resumeTokenHash: hashToken(token),
        createdAt: now,
        updatedAt: now,
      });
      return { ok: true, participant, token };
    },
    // The earlier response: its retake (the row whose previousId is it) is looked for and inserted only under its key,
    // so two presses start one retake; its deletion holds the same key. The study's status and latest round are read
    // as a start reads them (services/participation.ts startParticipation): no key guards them.
    { behavior: 'immediate', locks: [participantLock(participantId)] },
  );
}
