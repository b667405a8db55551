import type { Participant } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { firstOpenPage, pagesOf, readNumbersForm, readSectionForm, type Page } from '../../domain/journey.ts';
import type { Profile } from '../../domain/profile.ts';
import { hashToken, isTokenShaped, newToken } from '../auth/tokens.ts';
import { transaction, type Store } from '../data/store.ts';
import {
  deleteParticipant,
  findParticipant,
  findParticipantByResumeHash,
  loadAnswers,
  insertParticipant,
  saveAnswers,
  saveNumbers,
} from '../repositories/participants.ts';
import { findScore } from '../repositories/scores.ts';
import { takeRateSlot } from '../repositories/rate-limits.ts';
import { findInvite, latestWaveOf, statedProfileOf, studyIsClosed, type StatedProfile } from '../repositories/studies.ts';
import { config } from '../config.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { holdCompanyFiguresBeforeDeletion } from './company-view.ts';
import { recordPeerStats } from './peer-stats.ts';
import { finishParticipant, type FinishSource } from './scoring.ts';
import { forgetParticipantAddress } from './invitations.ts';
import { companyLock, finishLocks, participantLock, rateLock } from '../lock-keys.ts';

export interface Invitation {
  studyId: number | null;
  /** The study wave the link belongs to. */
  waveId: number | null;
  companyId: number | null;
  studyName: string | null;
  /** A company-specific link fixes the company name. */
  companyName: string | null;
  /** What the company's consultant stated about it: pre-filled and locked on the profile form. */
  stated: StatedProfile;
}

/** `closed`: the study is closed; `old-wave`: the link is from a wave before the study's latest, which takes no new participants. */
export type InvitationLookup = { ok: true; invitation: Invitation } | { ok: false; reason: 'unknown' | 'closed' | 'old-wave' };

/** A /join/<token> link: a study's invite token or a company-specific one, of one wave. */
export async function lookupInvitation(db: Store, token: string): Promise<InvitationLookup> {
  const found = await findInvite(db, token);
  if (!found) return { ok: false, reason: 'unknown' };
  if (found.study.status === 'closed') return { ok: false, reason: 'closed' };
  if (found.wave.number !== found.latestWave) return { ok: false, reason: 'old-wave' };
  const c = found.company;
  return {
    ok: true,
    invitation: {
      studyId: found.study.id,
      waveId: found.wave.id,
      companyId: c?.id ?? null,
      studyName: found.study.name,
      companyName: c?.name ?? null,
      stated: c ? statedProfileOf(c) : {},
    },
  };
}

/** How many participants one client may start per window (see src/server/http/start-limit.ts). */
export interface StartLimit {
  /** Who is counted: the client's address, IPv6 by /64. */
  key: string;
  max: number;
  windowMs: number;
}

export type StartOutcome =
  | { ok: true; participant: Participant; token: string }
  | { ok: false; refused: 'closed' }
  | { ok: false; refused: 'limited'; retryAfterSeconds: number };

/**
 * Creates the participant; the returned token is the only copy of the
 * resume secret. In one write transaction: the invitation's study is read
 * again (it may have closed while the form was being posted), the client's
 * start is counted against `limit`, and the participant is stored, so that
 * neither a closed study nor a full window ever gets a participant.
 */
export async function startParticipation(
  db: Store,
  instrument: Instrument,
  profile: Profile & { displayName?: string | null },
  invitation: Invitation | null,
  limit?: StartLimit,
  now = new Date(),
): Promise<StartOutcome> {
  return transaction(
    db,
    async (tx): Promise<StartOutcome> => {
      if (invitation && (await studyIsClosed(tx, invitation.studyId))) return { ok: false as const, refused: 'closed' as const };
      // A new wave may have started while the form was being filled in: the old wave's link takes nobody new.
      if (invitation?.studyId && invitation.waveId !== null && (await latestWaveOf(tx, invitation.studyId))?.id !== invitation.waveId) {
        return { ok: false as const, refused: 'closed' as const };
      }
      if (limit) {
        const freeAt = await takeRateSlot(tx, { bucket: 'participant-start', ...limit }, now);
        if (freeAt) {
          return { ok: false as const, refused: 'limited' as const, retryAfterSeconds: Math.max(1, Math.ceil((freeAt.getTime() - now.getTime()) / 1000)) };
        }
      }
      const token = newToken();
      const participant = await insertParticipant(tx, {
        studyId: invitation?.studyId ?? null,
        waveId: invitation?.waveId ?? null,
        companyId: invitation?.companyId ?? null,
        role: profile.role,
        companyName: invitation?.companyName ?? profile.company,
        industry: profile.industry,
        employees: profile.employees,
        salesTeam: profile.salesTeam,
        region: profile.region,
        motion: profile.motion,
        displayName: profile.displayName ?? null,
        instrumentId: instrument.id,
        instrumentVersion: instrument.version,
        resumeTokenHash: hashToken(token),
        createdAt: now,
        updatedAt: now,
      });
      return { ok: true as const, participant, token };
    },
    // The client's start window: its count and its hit are one step under its key. No study key: nothing that changes
    // a study's status or waves takes one (closing is a write of its own, a new wave one of the repository's), and
    // neither reads what a start writes, so a start that read the study open is simply one made before the close;
    // a study key would only queue every start of a study behind one another.
    { behavior: 'immediate', locks: limit ? [rateLock('participant-start', limit.key)] : [] },
  );
}

export async function participantByToken(db: Store, token: string | undefined): Promise<Participant | null> {
  if (!isTokenShaped(token)) return null;
  return (await findParticipantByResumeHash(db, hashToken(token))) ?? null;
}

/**
 * Why a write to a participant was refused: finished (a completed
 * participant's answers and scores never change), their study is closed,
 * or they were deleted meanwhile.
 */
export type Refusal = 'completed' | 'closed' | 'gone';

export type SaveOutcome = { saved: true } | { saved: false; errors: Record<string, string> } | { saved: false; refused: Refusal };

/** The participant as stored now, or why nothing may be written for them. Call inside the write transaction. */
async function writable(db: Store, participantId: number): Promise<{ ok: true; participant: Participant } | { ok: false; refused: Refusal }> {
  const current = await findParticipant(db, participantId);
  if (!current) return { ok: false, refused: 'gone' };
  if (current.status === 'completed') return { ok: false, refused: 'completed' };
  if (await studyIsClosed(db, current.studyId)) return { ok: false, refused: 'closed' };
  return { ok: true, participant: current };
}

/**
 * Stores one page of the questionnaire. A page holding any value the form
 * could not have produced stores nothing; a page that is only incomplete
 * stores what it has and reports the rest when the participant moves on.
 *
 * `participant` was read when the request arrived; the status is read again
 * in the same write transaction (BEGIN IMMEDIATE) as the save, so a slow
 * post that arrives after the participant finished, was deleted or had
 * their study closed stores nothing.
 */
export async function savePage(
  db: Store,
  instrument: Instrument,
  participant: Participant,
  page: Page,
  form: Record<string, string>,
  requireAll: boolean,
): Promise<SaveOutcome> {
  // The page, the autosave and "save and finish later" alike: the participant's status, answers and numbers are theirs
  // alone (their finish and deletion hold the same key; their study closing is read as above, in startParticipation).
  return transaction(db, (tx) => savePageIn(tx, instrument, participant.id, page, form, requireAll), { behavior: 'immediate', locks: [participantLock(participant.id)] });
}

/** The body of savePage, inside its write transaction: `db` is the transaction's store. */
async function savePageIn(db: Store, instrument: Instrument, participantId: number, page: Page, form: Record<string, string>, requireAll: boolean): Promise<SaveOutcome> {
  const state = await writable(db, participantId);
  if (!state.ok) return { saved: false, refused: state.refused };
  if (page.kind === 'numbers') {
    const read = readNumbersForm(instrument, form);
    if (read.invalid) return { saved: false, errors: read.errors };
    await saveNumbers(db, participantId, read.values);
    return { saved: true };
  }
  const read = readSectionForm(instrument, page.section, form, requireAll);
  if (read.invalid) return { saved: false, errors: read.errors };
  await saveAnswers(db, participantId, read.values);
  return Object.keys(read.errors).length ? { saved: false, errors: read.errors } : { saved: true };
}

export type FinishOutcome = { finished: true } | { finished: false; refused: Exclude<Refusal, 'completed'> } | { finished: false; openPage: number };

/**
 * Finishes the questionnaire: in one write transaction, the participant is
 * read again, checked (still in progress, study open, every page answered)
 * and scored. Finishing twice is one finish. `source` carries the client's
 * address, which decides whether an open-enrolment participant counts
 * towards the benchmark (src/domain/population.ts).
 */
export async function finishParticipation(db: Store, instrument: Instrument, participantId: number, at = new Date(), source: FinishSource = {}): Promise<FinishOutcome> {
  return transaction(
    db,
    async (tx): Promise<FinishOutcome> => {
      const state = await writable(tx, participantId);
      if (!state.ok) return state.refused === 'completed' ? { finished: true } : { finished: false, refused: state.refused };
      const open = firstOpenPage(instrument, await loadAnswers(tx, participantId));
      if (open !== pagesOf(instrument).length) return { finished: false, openPage: open };
      // Given this transaction's store, its own transaction runs as a savepoint inside this one.
      await finishParticipant(tx, instrument, participantId, at, source);
      return { finished: true };
    },
    // A savepoint takes no keys: this holds every key finishParticipant's would (see there). The peer statistics
    // guard themselves (row upserts, the held-population setting row locked), so no key of theirs here.
    { behavior: 'immediate', locks: await finishLocks(db, participantId, source.clientAddress) },
  );
}

/** Deletes a participant with everything of theirs, and takes their scores out of the peer statistics in the same transaction. */
export async function deleteParticipation(db: Store, participant: Participant, minGroup = config().PEER_MIN_GROUP): Promise<void> {
  await transaction(
    db,
    async (tx) => {
      await holdCompanyFiguresBeforeDeletion(tx, loadInstrument(participant.instrumentId), participant, minGroup);
      const score = await findScore(tx, participant.id);
      if (score) await recordPeerStats(tx, score, -1);
      await forgetParticipantAddress(tx, participant.id);
      await deleteParticipant(tx, participant.id);
    },
    // The participant's rows and invitations, and their company's release floor: it is read (who is published) and
    // raised here only, so two deletions in one company take turns and the second sees the floor the first set. A
    // finish in the company reads neither, so it needs no company key. The statistics guard themselves.
    { behavior: 'immediate', locks: [participantLock(participant.id), ...(participant.companyId === null ? [] : [companyLock(participant.companyId)])] },
  );
}
