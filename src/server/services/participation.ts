import type { Db } from '../../../db/client.ts';
import type { Participant } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { readNumbersForm, readSectionForm, type Page } from '../../domain/journey.ts';
import type { Profile } from '../../domain/profile.ts';
import { hashToken, isTokenShaped, newToken } from '../auth/tokens.ts';
import {
  deleteParticipant,
  findParticipantByResumeHash,
  insertParticipant,
  saveAnswers,
  saveNumbers,
} from '../repositories/participants.ts';
import { findScore } from '../repositories/scores.ts';
import { findCompanyByInvite, findStudyByInvite } from '../repositories/studies.ts';
import { recordPeerStats } from './peer-stats.ts';

export interface Invitation {
  studyId: number | null;
  companyId: number | null;
  studyName: string | null;
  /** A company-specific link fixes the company name. */
  companyName: string | null;
}

export type InvitationLookup = { ok: true; invitation: Invitation } | { ok: false; reason: 'unknown' | 'closed' };

/** A /join/<token> link: a study's invite token or a company-specific one. */
export function lookupInvitation(db: Db, token: string): InvitationLookup {
  const study = findStudyByInvite(db, token);
  if (study) {
    if (study.status === 'closed') return { ok: false, reason: 'closed' };
    return { ok: true, invitation: { studyId: study.id, companyId: null, studyName: study.name, companyName: null } };
  }
  const found = findCompanyByInvite(db, token);
  if (found) {
    if (found.study?.status === 'closed') return { ok: false, reason: 'closed' };
    return {
      ok: true,
      invitation: { studyId: found.study?.id ?? null, companyId: found.company.id, studyName: found.study?.name ?? null, companyName: found.company.name },
    };
  }
  return { ok: false, reason: 'unknown' };
}

/** Creates the participant; the returned token is the only copy of the resume secret. */
export function startParticipation(db: Db, instrument: Instrument, profile: Profile, invitation: Invitation | null) {
  const token = newToken();
  const now = new Date();
  const participant = insertParticipant(db, {
    studyId: invitation?.studyId ?? null,
    companyId: invitation?.companyId ?? null,
    role: profile.role,
    companyName: invitation?.companyName ?? profile.company,
    industry: profile.industry,
    employees: profile.employees,
    salesTeam: profile.salesTeam,
    region: profile.region,
    motion: profile.motion,
    instrumentId: instrument.id,
    instrumentVersion: instrument.version,
    resumeTokenHash: hashToken(token),
    createdAt: now,
    updatedAt: now,
  });
  return { participant, token };
}

export function participantByToken(db: Db, token: string | undefined): Participant | null {
  if (!isTokenShaped(token)) return null;
  return findParticipantByResumeHash(db, hashToken(token)) ?? null;
}

export type SaveOutcome = { saved: true } | { saved: false; errors: Record<string, string> };

/**
 * Stores one page of the questionnaire. A page holding any value the form
 * could not have produced stores nothing; a page that is only incomplete
 * stores what it has and reports the rest when the participant moves on.
 */
export function savePage(db: Db, instrument: Instrument, participant: Participant, page: Page, form: Record<string, string>, requireAll: boolean): SaveOutcome {
  if (page.kind === 'numbers') {
    const read = readNumbersForm(instrument, form);
    if (read.invalid) return { saved: false, errors: read.errors };
    saveNumbers(db, participant.id, read.values);
    return { saved: true };
  }
  const read = readSectionForm(instrument, page.section, form, requireAll);
  if (read.invalid) return { saved: false, errors: read.errors };
  saveAnswers(db, participant.id, read.values);
  return Object.keys(read.errors).length ? { saved: false, errors: read.errors } : { saved: true };
}

/** Deletes a participant with everything of theirs, and takes their scores out of the peer statistics in the same transaction. */
export function deleteParticipation(db: Db, participant: Participant): void {
  db.transaction(
    (tx) => {
      const txDb = tx as unknown as Db;
      const score = findScore(txDb, participant.id);
      // Raw statements on the same connection: they run inside this transaction.
      if (score) recordPeerStats(db, score, -1);
      deleteParticipant(txDb, participant.id);
    },
    { behavior: 'immediate' },
  );
}
