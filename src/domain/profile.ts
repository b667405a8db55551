import { z } from 'zod';
import type { Instrument, NumberFieldId, ProfileFieldId } from './instrument.ts';
import { safeText } from './safe-text.ts';

export type Profile = Record<ProfileFieldId, string>;
/** "Your numbers": every field optional; currency is a code, the rest numbers. */
export type YourNumbers = Partial<Record<Exclude<NumberFieldId, 'currency'>, number>> & { currency?: string };

/** The profile form's schema, built from the instrument so that the choices live only in the YAML. */
export function profileSchema(instrument: Instrument) {
  const shape: Record<string, z.ZodType<string>> = {};
  for (const field of instrument.profile) {
    const choose = `Choose one of the options for “${field.label}”.`;
    shape[field.id] =
      field.kind === 'choice'
        ? z.string({ error: choose }).refine((v) => field.options.some((o) => o.id === v), choose)
        : safeText({ field: `“${field.label}”`, max: field.maxLength, required: `Fill in “${field.label}”.` });
  }
  return z.strictObject(shape) as unknown as z.ZodType<Profile>;
}

/** "Your numbers" against the instrument's ranges; unknown fields are refused, not ignored. */
export function numbersSchema(instrument: Instrument) {
  const shape: Record<string, z.ZodType> = {};
  for (const field of instrument.numbers.fields) {
    shape[field.id] =
      field.kind === 'currency'
        ? z.enum(field.options as [string, ...string[]], { error: `Choose a currency: ${field.options.join(', ')}.` }).optional()
        : z
            .number({ error: `${field.label}: enter a number.` })
            .min(field.min, `${field.label}: enter ${field.min} or more.`)
            .max(field.max, `${field.label}: enter ${field.max} or less.`)
            .refine((v) => field.kind !== 'integer' || Number.isInteger(v), `${field.label}: enter a whole number.`)
            .optional();
  }
  return z.strictObject(shape) as unknown as z.ZodType<YourNumbers>;
}

/** Leaders or sellers, from the role option's group; unknown roles count as sellers. */
export function roleGroup(instrument: Instrument, role: string): 'leader' | 'seller' {
  const field = instrument.profile.find((f) => f.id === 'role');
  const option = field?.kind === 'choice' ? field.options.find((o) => o.id === role) : undefined;
  return option?.group ?? 'seller';
}

export function profileChoices(instrument: Instrument, id: ProfileFieldId): { id: string; label: string }[] {
  const field = instrument.profile.find((f) => f.id === id);
  return field?.kind === 'choice' ? field.options : [];
}

export function choiceLabel(instrument: Instrument, id: ProfileFieldId, value: string): string {
  return profileChoices(instrument, id).find((o) => o.id === value)?.label ?? value;
}
