import type { Instrument } from '../../domain/instrument.ts';
import { transaction } from '../data/store.ts';
import { db } from '../db.ts';
import { participantByToken } from '../services/participation.ts';
import { openPersonalLink, recordStarted } from '../services/invitations.ts';
import { reportStorageFault } from '../storage-fault.ts';
import { handleProfile, type ProfileOutcome } from './profile.ts';

/** Thrown inside the transaction when storage refused the start, so that nothing of it commits. */
class NotSaved extends Error {}

export type InvitationStart = ProfileOutcome | { ok: false; refused: 'moved-on' };

/**
 * The personal link's profile form: starts the participant as a company link
 * would, and links them to the invitation, in one write transaction. When the
 * invitation was started meanwhile (the form posted twice) or can no longer
 * be started, nothing is stored and the page is shown again as it now is.
 * A storage fault (here or at the commit) stores nothing and is answered
 * like handleProfile's: the form again, with what was posted.
 */
export async function handleInvitationStart(instrument: Instrument, token: string, form: Record<string, string>, clientAddress?: string): Promise<InvitationStart> {
  try {
    return await startInTransaction(instrument, token, form, clientAddress);
  } catch (e) {
    if (e instanceof NotSaved || reportStorageFault(e, 'starting from a personal invitation')) return { ok: false, notSaved: true };
    throw e;
  }
}

async function startInTransaction(instrument: Instrument, token: string, form: Record<string, string>, clientAddress?: string): Promise<InvitationStart> {
  return transaction(
    db(),
    async (tx): Promise<InvitationStart> => {
      const link = await openPersonalLink(tx, token);
      if (link.kind !== 'profile') return { ok: false, refused: 'moved-on' };
      // handleProfile's own transaction nests here as a savepoint (it is given this transaction's store): the participant and the link to them commit together.
      const outcome = await handleProfile(instrument, form, link.join, clientAddress, tx);
      // SQLite may already have rolled the whole transaction back after a full disk: leave by throwing, never by committing.
      if ('notSaved' in outcome) throw new NotSaved();
      if (!outcome.ok) return outcome;
      const participant = await participantByToken(tx, /^\/r\/([^/]+)\//.exec(outcome.location)?.[1]);
      if (!participant || !(await recordStarted(tx, link.invitation.id, participant.id))) throw new Error('the participant just started could not be linked to the invitation');
      return outcome;
    },
    // No keys: the savepoints inside (the start, its rate window) take none, so this would have to name every
    // key they need, and the invitation is known only once its token is read; one start per invitation, not the
    // hot path (the study and company links start through startParticipation, which names its key).
    { behavior: 'immediate' },
  );
}
