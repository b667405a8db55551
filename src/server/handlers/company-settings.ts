import { z } from 'zod';
import type { Instrument } from '../../domain/instrument.ts';
import { STATED_FIELDS, type StatedField } from '../../domain/stated-profile.ts';
import { db } from '../db.ts';
import { updateCompany, type StatedProfile } from '../repositories/studies.ts';
import { NameSchema } from '../services/studies.ts';

export type CompanySettingsOutcome =
  | { ok: true }
  | { ok: false; errors: Record<string, string>; values: Record<string, string> };

/** "" in a select means "not stated": each respondent answers that question themselves. */
function statedSchema(instrument: Instrument, id: StatedField) {
  const field = instrument.profile.find((f) => f.id === id);
  const options = field?.kind === 'choice' ? field.options.map((o) => o.id) : [];
  const message = `Choose one of the options for “${field?.label ?? id}”, or “Not stated”.`;
  return z
    .string({ error: message })
    .refine((v) => v === '' || options.includes(v), message)
    .transform((v) => (v === '' ? null : v));
}

export function companySettingsSchema(instrument: Instrument) {
  return z.strictObject({
    name: NameSchema,
    ...Object.fromEntries(STATED_FIELDS.map((id) => [id, statedSchema(instrument, id)])),
  }) as unknown as z.ZodType<{ name: string } & Required<StatedProfile>>;
}

/**
 * The company settings form's POST, for a company the caller has already
 * found among the consultant's own: every field checked against the
 * instrument's profile options, then all saved at once, or nothing.
 */
export async function handleCompanySettings(instrument: Instrument, studyId: number, companyId: number, form: Record<string, string>): Promise<CompanySettingsOutcome> {
  const parsed = companySettingsSchema(instrument).safeParse(form);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) errors[k] = `"${k}" is not a field of this form.`;
      } else errors[String(issue.path[0] ?? '')] ??= issue.message;
    }
    return { ok: false, errors, values: form };
  }
  await updateCompany(db(), studyId, companyId, parsed.data);
  return { ok: true };
}
