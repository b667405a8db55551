import { createHmac, createSecretKey, randomBytes, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { Consultant, InvitationRow, Participant } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { companyItems, personalItems } from '../../domain/scoring.ts';
import { hashToken, isTokenShaped, newToken } from '../auth/tokens.ts';
import { transaction, type Store } from '../data/store.ts';
import { invitationMail, reminderMail, unsubscribeHeaders, type InvitationMailFacts } from '../mail/invitation-mail.ts';
import { mailOrigin } from '../mail/enabled.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { findParticipant } from '../repositories/participants.ts';
import { findCompany, studyAndConsultantName, studyStatusAndName } from '../repositories/invitation-facts.ts';
import {
  countsOfWave,
  deletePendingMail,
  findInvitation,
  findInvitationByTokenHash,
  insertInvitations,
  invitationsOfAddress,
  invitationsOfParticipant,
  invitedHashes,
  reminderCandidates,
  replaceResumeTokenHash,
  setReminderSchedule,
  setTokenHashes,
  unsubscribedHashes,
  updateInvitation,
  type ReminderCandidate,
} from '../repositories/invitations.ts';
import { settingOrCreate } from '../repositories/settings.ts';
import { brandOfStudy, companyInStudy, latestWaveOf, statedProfileOf, studyOf } from '../repositories/studies.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { minutesFor } from './landing.ts';
import type { Invitation } from './participation.ts';

/** Settings rows holding the two keys: one for address hashes, one for the personal links. 32 random bytes each, made once per database. */
const ADDRESS_KEY = 'invitation-address-key';
const LINK_KEY = 'invitation-link-key';
const DAY_MS = 24 * 60 * 60 * 1000;

async function key(db: Store, name: string): Promise<KeyObject> {
  return createSecretKey(Buffer.from(await settingOrCreate(db, name, () => randomBytes(32).toString('hex')), 'hex'));
}

/**
 * An address as stored for comparison: HMAC-SHA-256 of the lower-cased
 * address under a key in this database's settings, so a hash kept after
 * the address is erased tells nobody the address.
 */
export async function addressHash(db: Store, address: string, k?: Keys): Promise<string> {
  k ??= await keys(db);
  return createHmac('sha256', k.address).update(address.trim().toLowerCase()).digest('hex');
}

/** The two keys, read once per operation (each read is a settings query). */
interface Keys {
  address: KeyObject;
  link: KeyObject;
}

async function keys(db: Store): Promise<Keys> {
  return { address: await key(db, ADDRESS_KEY), link: await key(db, LINK_KEY) };
}

const hmac128 = (k: KeyObject, text: string) => createHmac('sha256', k).update(text).digest().subarray(0, 16).toString('base64url');

/**
 * An invitation's personal token: 128 bits of HMAC over its id under a key
 * in settings. Derived rather than random, so a reminder can carry the same
 * link months later while only the token's SHA-256 is stored.
 */
export async function invitationToken(db: Store, invitationId: number, k?: Keys): Promise<string> {
  k ??= await keys(db);
  return hmac128(k.link, `invitation:${invitationId}`);
}

/**
 * The unsubscribe address's code, `<id>-<128-bit HMAC>`: a token of its own,
 * because the List-Unsubscribe header is read and fetched by mail providers,
 * and a personal link there would let them open the assessment or take over
 * the participant's private link. The id says which invitation to check.
 */
export async function unsubscribeCode(db: Store, invitationId: number, k?: Keys): Promise<string> {
  k ??= await keys(db);
  return `${invitationId}-${hmac128(k.link, `unsubscribe:${invitationId}`)}`;
}

/** The invitation id an unsubscribe code proves, or null. */
async function invitationOfCode(db: Store, code: string): Promise<number | null> {
  const m = /^([1-9]\d{0,11})-([A-Za-z0-9_-]{22})$/.exec(code);
  if (!m) return null;
  const id = Number(m[1]);
  const expected = Buffer.from(await unsubscribeCode(db, id));
  const given = Buffer.from(code);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}

export const personalLink = (token: string) => `${mailOrigin()}/i/${token}`;
export const unsubscribeLink = (code: string) => `${mailOrigin()}/unsubscribe/${code}`;

/** The assessment's length as the landing page states it. */
export function assessmentMinutes(instrument: Instrument): number {
  return minutesFor(companyItems(instrument).length + personalItems(instrument).length);
}

/** Facts every mail about one study needs, read once per study. */
async function studyFacts(db: Store, studyId: number) {
  const study = await studyAndConsultantName(db, studyId);
  const brand = await brandOfStudy(db, studyId);
  return { studyName: study.name, inviter: brand?.name || study.consultantName || null, accent: brand?.accent ?? undefined };
}

type StudyFacts = Awaited<ReturnType<typeof studyFacts>>;

async function mailFacts(db: Store, k: Keys, invitationId: number, companyName: string | null, minutes: number, facts: StudyFacts): Promise<InvitationMailFacts> {
  return {
    ...facts,
    companyName,
    link: personalLink(await invitationToken(db, invitationId, k)),
    unsubscribe: unsubscribeLink(await unsubscribeCode(db, invitationId, k)),
    minutes,
  };
}

export interface InviteResult {
  invited: number;
  alreadyInvited: number;
  unsubscribed: number;
}

export type InviteOutcome = { ok: true; result: InviteResult } | { ok: false; error: string };

/**
 * Invites addresses to one company of the consultant's study, in the study's
 * latest wave, in one write transaction: an invitation row and its mail in
 * the outbox per address. An address already invited to this company in
 * this wave, or one that unsubscribed from the study, is skipped and
 * counted. Null when the study or company is not the consultant's.
 */
export async function inviteAddresses(
  db: Store,
  instrument: Instrument,
  consultant: Consultant,
  studyId: number,
  companyId: number,
  addresses: string[],
  now = new Date(),
): Promise<InviteOutcome | null> {
  return transaction(
    db,
    async (t): Promise<InviteOutcome | null> => {
      const study = await studyOf(t, consultant.id, studyId);
      const company = study ? await companyInStudy(t, study.id, companyId) : undefined;
      if (!study || !company) return null;
      if (study.status === 'closed') return { ok: false, error: 'The study is closed, so nobody can join it: reopen it before inviting anyone.' };
      const wave = (await latestWaveOf(t, study.id))!;
      const invited = await invitedHashes(t, wave.id, company.id);
      const unsubscribed = await unsubscribedHashes(t, study.id);
      const facts = await studyFacts(t, study.id);
      const minutes = assessmentMinutes(instrument);
      const k = await keys(t);
      const result: InviteResult = { invited: 0, alreadyInvited: 0, unsubscribed: 0 };
      const fresh: { address: string; hash: string }[] = [];
      for (const address of addresses) {
        const hash = await addressHash(t, address, k);
        if (invited.has(hash)) result.alreadyInvited++;
        else if (unsubscribed.has(hash)) result.unsubscribed++;
        else {
          invited.add(hash);
          fresh.push({ address, hash });
        }
      }
      // The token derives from the id, which exists only after the insert: a unique placeholder first, the real hash right after.
      const ids = await insertInvitations(
        t,
        fresh.map((f) => ({ studyId: study.id, waveId: wave.id, companyId: company.id, email: f.address, emailHash: f.hash, tokenHash: `pending:${randomUUID()}`, createdAt: now, queuedAt: now, lastQueuedAt: now })),
      );
      const tokenHashes: { id: number; tokenHash: string }[] = [];
      for (const id of ids) tokenHashes.push({ id, tokenHash: hashToken(await invitationToken(t, id, k)) });
      await setTokenHashes(t, tokenHashes);
      for (const [i, { address }] of fresh.entries()) {
        const id = ids[i]!;
        const f = await mailFacts(t, k, id, company.name, minutes, facts);
        await enqueueMail(t, { kind: 'invitation', dedupeKey: `invitation:${id}`, to: address, ...invitationMail(f), headers: unsubscribeHeaders(f.unsubscribe), invitationId: id }, now);
      }
      result.invited = fresh.length;
      return { ok: true, result };
    },
    // No keys: a consultant's batch (rare, one click) reads the study's status, its invited and unsubscribed
    // addresses, and may create the link keys; it has the whole database to itself.
    { behavior: 'immediate' },
  );
}

/** What a personal link (/i/<token>) leads to. */
export type PersonalLink =
  | { kind: 'unknown' }
  | { kind: 'closed' | 'old-wave'; invitation: InvitationRow }
  | { kind: 'profile'; invitation: InvitationRow; join: Invitation }
  | { kind: 'started' | 'completed'; invitation: InvitationRow; participant: Participant };

/**
 * Resolves a personal link and records its first opening (the link itself is
 * the signal: no tracking pixels). A completed participant is always offered
 * their results, even once the study has closed or moved on to a new wave.
 */
export async function openPersonalLink(db: Store, token: string, now = new Date()): Promise<PersonalLink> {
  if (!isTokenShaped(token)) return { kind: 'unknown' };
  const invitation = await findInvitationByTokenHash(db, hashToken(token));
  if (!invitation) return { kind: 'unknown' };
  if (invitation.openedAt === null) {
    await updateInvitation(db, invitation.id, { openedAt: now });
    invitation.openedAt = now;
  }
  const participant = invitation.participantId === null ? undefined : await findParticipant(db, invitation.participantId);
  if (participant?.status === 'completed') return { kind: 'completed', invitation, participant };
  const study = await studyStatusAndName(db, invitation.studyId);
  if (study.status === 'closed') return { kind: 'closed', invitation };
  // Someone who started may finish their round even after a new one began (their private link takes answers too).
  if (participant) return { kind: 'started', invitation, participant };
  if ((await latestWaveOf(db, invitation.studyId))?.id !== invitation.waveId) return { kind: 'old-wave', invitation };
  const company = invitation.companyId === null ? undefined : await findCompany(db, invitation.companyId);
  return {
    kind: 'profile',
    invitation,
    join: {
      studyId: invitation.studyId,
      waveId: invitation.waveId,
      companyId: company?.id ?? null,
      studyName: study.name,
      companyName: company?.name ?? null,
      stated: company ? statedProfileOf(company) : {},
    },
  };
}

/**
 * Links the participant just started from an invitation to it. Call in the
 * transaction that started them; false when the invitation had a participant
 * already (a second post of the form), and the caller rolls back.
 */
export async function recordStarted(db: Store, invitationId: number, participantId: number, now = new Date()): Promise<boolean> {
  const current = await findInvitation(db, invitationId);
  if (!current || current.participantId !== null) return false;
  await updateInvitation(db, invitationId, { participantId, startedAt: now });
  return true;
}

/**
 * A new private link for the participant an invitation started: private
 * tokens are stored hashed, so the old one cannot be shown again; it is
 * replaced and stops working. Null when the invitation has no participant.
 */
export async function freshPrivateLink(db: Store, token: string, now = new Date()): Promise<{ token: string; completed: boolean } | null> {
  if (!isTokenShaped(token)) return null;
  return transaction(
    db,
    async (t) => {
      const invitation = await findInvitationByTokenHash(t, hashToken(token));
      const participant = invitation?.participantId ? await findParticipant(t, invitation.participantId) : undefined;
      if (!participant) return null;
      const fresh = newToken();
      await replaceResumeTokenHash(t, participant.id, hashToken(fresh), now);
      return { token: fresh, completed: participant.status === 'completed' };
    },
    // No keys: the participant is known only once the invitation is read (rare: a lost private link).
    { behavior: 'immediate' },
  );
}

/**
 * Completion hook, called in the finish transaction: the invitation is done,
 * its address is no longer needed and is erased, and any reminder still in
 * the outbox is dropped.
 */
export async function recordCompleted(db: Store, participantId: number, at: Date): Promise<void> {
  const rows = await invitationsOfParticipant(db, participantId);
  for (const r of rows) await updateInvitation(db, r.id, { completedAt: r.completedAt ?? at, email: null });
  await deletePendingMail(db, rows.map((r) => r.id));
}

/** Deletion hook, called before a participant is deleted: their invitation keeps no address and sends nothing more. */
export async function forgetParticipantAddress(db: Store, participantId: number): Promise<void> {
  const rows = await invitationsOfParticipant(db, participantId);
  for (const r of rows) await updateInvitation(db, r.id, { email: null });
  await deletePendingMail(db, rows.map((r) => r.id));
}

/**
 * Unsubscribes the address of an invitation from the whole study: every
 * invitation of the study to that address stops (including other companies
 * and later waves, which check the hash), its address is erased, and mail
 * not yet sent is dropped. Idempotent. Null for a code that proves nothing.
 */
export async function unsubscribe(db: Store, code: string, now = new Date()): Promise<{ studyName: string } | null> {
  return transaction(
    db,
    async (t) => {
      const id = await invitationOfCode(t, code);
      const invitation = id === null ? undefined : await findInvitation(t, id);
      if (!invitation) return null;
      const rows = await invitationsOfAddress(t, invitation.studyId, invitation.emailHash);
      for (const r of rows) await updateInvitation(t, r.id, { unsubscribedAt: r.unsubscribedAt ?? now, email: null });
      await deletePendingMail(t, rows.map((r) => r.id));
      return { studyName: (await studyFacts(t, invitation.studyId)).studyName };
    },
    // No keys: every invitation of the address in the study changes (rare).
    { behavior: 'immediate' },
  );
}

/** What the unsubscribe page shows for a code; null when the code proves nothing. */
export async function unsubscribeTarget(db: Store, code: string): Promise<{ studyName: string; done: boolean } | null> {
  const id = await invitationOfCode(db, code);
  const invitation = id === null ? undefined : await findInvitation(db, id);
  if (!invitation) return null;
  return { studyName: (await studyFacts(db, invitation.studyId)).studyName, done: invitation.unsubscribedAt !== null };
}

async function queueReminder(db: Store, k: Keys, minutes: number, c: ReminderCandidate, now: Date, facts: StudyFacts): Promise<void> {
  const n = c.invitation.remindersQueued + 1;
  const f = await mailFacts(db, k, c.invitation.id, c.companyName, minutes, facts);
  const mail = reminderMail(f, c.invitation.participantId !== null);
  await enqueueMail(db, { kind: 'reminder', dedupeKey: `reminder:${c.invitation.id}:${n}`, to: c.invitation.email!, ...mail, headers: unsubscribeHeaders(f.unsubscribe), invitationId: c.invitation.id }, now);
  await updateInvitation(db, c.invitation.id, { remindersQueued: n, lastQueuedAt: now });
}

async function queueAll(db: Store, instrument: Instrument, candidates: ReminderCandidate[], now: Date): Promise<number> {
  if (candidates.length === 0) return 0;
  const facts = new Map<number, StudyFacts>();
  const k = await keys(db);
  const minutes = assessmentMinutes(instrument);
  for (const c of candidates) {
    if (!facts.has(c.studyId)) facts.set(c.studyId, await studyFacts(db, c.studyId));
    await queueReminder(db, k, minutes, c, now, facts.get(c.studyId)!);
  }
  return candidates.length;
}

/**
 * The scheduler's call: queues every reminder that is due at `now` (open
 * studies, latest wave, not finished or unsubscribed, below the study's
 * maximum, reminderDays after the invitation or the last reminder), each
 * with its outbox row and the invitation's counters in one transaction.
 * Returns how many were queued.
 */
export async function queueDueReminders(db: Store, now = new Date(), instrument?: Instrument): Promise<number> {
  return transaction(
    db,
    async (t) => {
      const due = (await reminderCandidates(t)).filter(
        (c) => c.reminderDays !== null && c.invitation.lastQueuedAt !== null && c.invitation.lastQueuedAt.getTime() + c.reminderDays * DAY_MS <= now.getTime(),
      );
      return await queueAll(t, instrument ?? loadInstrument(), due, now);
    },
    // No keys: the scheduler's reminders of every study, once a tick per instance; with the whole database to
    // itself, a second instance's tick finds them queued (the dedupe keys would also drop a repeat).
    { behavior: 'immediate' },
  );
}

/** Those the "remind now" button would reach: not finished, below the maximum, and not mailed in the last 24 hours. */
export async function remindableNow(db: Store, studyId: number, now = new Date()): Promise<ReminderCandidate[]> {
  return await reminderCandidates(db, { studyId, lastQueuedAtOrBefore: new Date(now.getTime() - DAY_MS) });
}

/** The "remind now" button: a reminder to each remindable invitee of the consultant's study. Null when the study is not theirs. */
export async function remindNow(db: Store, instrument: Instrument, consultant: Consultant, studyId: number, now = new Date()): Promise<number | null> {
  return transaction(
    db,
    async (t) => {
      const study = await studyOf(t, consultant.id, studyId);
      if (!study) return null;
      return await queueAll(t, instrument, await remindableNow(t, study.id, now), now);
    },
    // No keys: the consultant's button, rare.
    { behavior: 'immediate' },
  );
}

const DAYS_ERROR = 'Choose how many days to wait between reminders (1 to 30), or no reminders.';
const ScheduleForm = z.object({
  reminderDays: z.union([
    z.literal('off'),
    z
      .string()
      .regex(/^\d{1,2}$/, DAYS_ERROR)
      .transform(Number)
      .refine((d) => d >= 1 && d <= 30, DAYS_ERROR),
  ], { error: DAYS_ERROR }),
  reminderMax: z.string({ error: 'Choose how many reminders at most (0 to 5).' }).regex(/^[0-5]$/, 'Choose how many reminders at most (0 to 5).').transform(Number),
});

/** Sets the study's reminder schedule from the consultant's form. Null when the study is not theirs. */
export async function changeReminderSchedule(
  db: Store,
  consultant: Consultant,
  studyId: number,
  form: Record<string, string>,
): Promise<{ ok: true } | { ok: false; error: string } | null> {
  const study = await studyOf(db, consultant.id, studyId);
  if (!study) return null;
  const parsed = ScheduleForm.safeParse({ reminderDays: form.reminderDays, reminderMax: form.reminderMax });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]!.message };
  const days = parsed.data.reminderDays === 'off' ? null : parsed.data.reminderDays;
  await setReminderSchedule(db, study.id, days, parsed.data.reminderMax);
  return { ok: true };
}

/** Per company of one wave: invited, opened, started, completed, unsubscribed (for the study dashboard). */
export interface InvitationCounts {
  invited: number;
  opened: number;
  started: number;
  completed: number;
  unsubscribed: number;
}

export async function invitationCounts(db: Store, studyId: number, waveId: number): Promise<Map<number, InvitationCounts>> {
  const out = new Map<number, InvitationCounts>();
  for (const { companyId, ...counts } of await countsOfWave(db, studyId, waveId)) if (companyId !== null) out.set(companyId, counts);
  return out;
}
