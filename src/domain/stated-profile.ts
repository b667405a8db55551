import type { Instrument, ProfileFieldId } from './instrument.ts';

/** The profile fields a consultant may state for a whole company; the rest (role, and the name) are each person's own. */
export const STATED_FIELDS = ['industry', 'employees', 'salesTeam', 'region', 'motion'] as const satisfies readonly ProfileFieldId[];
export type StatedField = (typeof STATED_FIELDS)[number];

/** A stated value is kept only while it is an option of the instrument in force; anything else is left to the respondent. */
export type StatedValues = Partial<Record<StatedField, string | null | undefined>>;

/**
 * The fields a company link fixes, with their option ids: what the company's
 * consultant stated and the instrument still offers. The profile form shows
 * them as facts and asks only the rest; its handler uses them whatever was posted.
 */
export function lockedFields(instrument: Instrument, stated: StatedValues): Partial<Record<StatedField, string>> {
  const locked: Partial<Record<StatedField, string>> = {};
  for (const id of STATED_FIELDS) {
    const value = stated[id];
    const field = instrument.profile.find((f) => f.id === id);
    if (value && field?.kind === 'choice' && field.options.some((o) => o.id === value)) locked[id] = value;
  }
  return locked;
}
