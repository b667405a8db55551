import type { Instrument } from '../../domain/instrument.ts';
import { profileSchema } from '../../domain/profile.ts';
import { db } from '../db.ts';
import { startParticipation, type Invitation } from '../services/participation.ts';

export type ProfileOutcome = { ok: true; location: string } | { ok: false; errors: Record<string, string>; values: Record<string, string> };

/** The profile form's POST: parse, start the participation, send the participant to the first section. */
export function handleProfile(instrument: Instrument, form: Record<string, string>, invitation: Invitation | null): ProfileOutcome {
  const fields = { ...form };
  // A company-specific invitation fixes the company; whatever was posted for it is ignored.
  if (invitation?.companyName) fields.company = invitation.companyName;
  const parsed = profileSchema(instrument).safeParse(fields);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] !== undefined ? String(issue.path[0]) : '';
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) errors[k] = `"${k}" is not a field of this form.`;
      } else errors[key] ??= issue.message;
    }
    return { ok: false, errors, values: form };
  }
  const { token } = startParticipation(db(), instrument, parsed.data, invitation);
  return { ok: true, location: `/r/${token}/1` };
}
