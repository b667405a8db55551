import type { Instrument } from '../../domain/instrument.ts';
import { addressKey } from '../auth/sign-in-limits.ts';
import { profileSchema } from '../../domain/profile.ts';
import { safeText } from '../../domain/safe-text.ts';
import { lockedFields } from '../../domain/stated-profile.ts';
import { config } from '../config.ts';
import type { Store } from '../data/store.ts';
import { db } from '../db.ts';
import { startParticipation, type Invitation, type StartLimit } from '../services/participation.ts';
import { reportStorageFault, STORAGE_RETRY_AFTER_SECONDS } from '../storage-fault.ts';

export type ProfileOutcome =
  | { ok: true; location: string }
  | { ok: false; errors: Record<string, string>; values: Record<string, string> }
  | { ok: false; refused: 'closed' }
  | { ok: false; refused: 'limited'; retryAfterSeconds: number }
  /** A storage fault refused the start: nothing was stored. */
  | { ok: false; notSaved: true };

const HOUR_MS = 60 * 60 * 1000;

/** PARTICIPANT_STARTS_PER_HOUR per client address (IPv6 by /64), or no limit when it is 0 or the address is unknown. */
function startLimit(address: string | undefined): StartLimit | undefined {
  const max = config().PARTICIPANT_STARTS_PER_HOUR;
  if (max === 0 || !address) return undefined;
  return { key: addressKey(address), max, windowMs: HOUR_MS };
}

/** The optional name on the profile form: for the participant's own results and report only. */
export const DISPLAY_NAME_FIELD = 'displayName';
const DisplayNameSchema = safeText({ field: 'Your name', max: 80, tooLong: 'Keep your name to 80 characters.' });

/**
 * The profile form's POST: parse, start the participation, send the participant to the first section.
 * `store` is the transaction's store when the start is part of a larger one (handleInvitationStart); the process's database otherwise.
 */
export async function handleProfile(instrument: Instrument, form: Record<string, string>, invitation: Invitation | null, clientAddress?: string, store?: Store): Promise<ProfileOutcome> {
  const { [DISPLAY_NAME_FIELD]: rawName, ...fields } = form;
  // A company-specific invitation fixes the company and what its consultant stated; whatever was posted for them is ignored.
  if (invitation?.companyName) fields.company = invitation.companyName;
  if (invitation) Object.assign(fields, lockedFields(instrument, invitation.stated));
  const parsed = profileSchema(instrument).safeParse(fields);
  const name = DisplayNameSchema.safeParse(rawName ?? '');
  if (!parsed.success || !name.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error?.issues ?? []) {
      const key = issue.path[0] !== undefined ? String(issue.path[0]) : '';
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) errors[k] = `"${k}" is not a field of this form.`;
      } else errors[key] ??= issue.message;
    }
    if (!name.success) errors[DISPLAY_NAME_FIELD] = name.error.issues[0]!.message;
    return { ok: false, errors, values: form };
  }
  const profile = { ...parsed.data, displayName: name.data === '' ? null : name.data };
  let started: Awaited<ReturnType<typeof startParticipation>>;
  try {
    started = await startParticipation(store ?? db(), instrument, profile, invitation, startLimit(clientAddress));
  } catch (e) {
    if (reportStorageFault(e, 'starting a participation')) return { ok: false, notSaved: true };
    throw e;
  }
  if (!started.ok) return started;
  return { ok: true, location: `/r/${started.token}/1` };
}

/** What the profile form shows again after a post that started no participation. */
export interface ProfileFormState {
  errors: Record<string, string>;
  values: Record<string, string>;
  retryAfterSeconds: number | null;
  /** The study closed while the form was on its way. */
  closed: boolean;
  /** A storage fault refused the start: the form is shown again with what was posted. */
  notSaved: boolean;
}

/**
 * The state the profile form is shown again in, for /start and /join alike,
 * setting the answer's status (422 for bad fields, 429 with Retry-After over
 * the start limit, 503 with Retry-After when storage refused the start) on
 * the page's response.
 */
export function refusedProfileState(
  outcome: Exclude<ProfileOutcome, { ok: true }>,
  form: Record<string, string>,
  response: { status?: number; headers: Headers },
): ProfileFormState {
  if ('errors' in outcome) {
    response.status = 422;
    return { errors: outcome.errors, values: outcome.values, retryAfterSeconds: null, closed: false, notSaved: false };
  }
  if ('notSaved' in outcome) {
    response.status = 503;
    response.headers.set('Retry-After', String(STORAGE_RETRY_AFTER_SECONDS));
    return { errors: {}, values: form, retryAfterSeconds: null, closed: false, notSaved: true };
  }
  if (outcome.refused === 'limited') {
    response.status = 429;
    response.headers.set('Retry-After', String(outcome.retryAfterSeconds));
    return { errors: {}, values: form, retryAfterSeconds: outcome.retryAfterSeconds, closed: false, notSaved: false };
  }
  return { errors: {}, values: {}, retryAfterSeconds: null, closed: true, notSaved: false };
}
