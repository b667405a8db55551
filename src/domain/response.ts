import { z } from 'zod';
import { checkAnswer } from './answers.ts';
import type { Instrument, Item } from './instrument.ts';
import { numbersSchema, profileSchema, type Profile, type YourNumbers } from './profile.ts';
import { companyItems, personalItems } from './scoring.ts';

/** A whole response, as a file or an API body: profile, answers keyed by item id, optional numbers. */
export interface Response {
  profile: Profile;
  answers: Record<string, string>;
  numbers: YourNumbers | null;
}

export type ResponseResult = { ok: true; response: Response } | { ok: false; errors: string[] };

const Envelope = z.strictObject({
  profile: z.record(z.string(), z.unknown()),
  answers: z.record(z.string(), z.union([z.string(), z.number()])),
  numbers: z.record(z.string(), z.unknown()).optional(),
});

export function itemsById(instrument: Instrument): Map<string, Item> {
  return new Map<string, Item>([...companyItems(instrument), ...personalItems(instrument)].map((i) => [i.id, i]));
}

/** Checks a response against the instrument; every problem is reported, each naming its field or item. */
export function parseResponse(instrument: Instrument, data: unknown): ResponseResult {
  const envelope = Envelope.safeParse(data);
  if (!envelope.success) {
    return {
      ok: false,
      errors: envelope.error.issues.map((i) => `${i.path.join('.') || 'response'}: ${i.message}`),
    };
  }
  const errors: string[] = [];
  const profile = profileSchema(instrument).safeParse(envelope.data.profile);
  if (!profile.success) errors.push(...profile.error.issues.map((i) => `profile.${i.path.join('.')}: ${i.message}`));

  const items = itemsById(instrument);
  // Keys are read from the raw input: a record schema drops "__proto__", and an unknown id must be refused, not lost.
  const rawAnswers = (data as { answers: Record<string, unknown> }).answers;
  for (const id of Object.keys(rawAnswers)) {
    if (!items.has(id)) errors.push(`answers.${id}: there is no item "${id}" in ${instrument.id}`);
  }
  const answers: Record<string, string> = {};
  for (const [id, raw] of Object.entries(envelope.data.answers)) {
    const item = items.get(id);
    if (!item) continue;
    const checked = checkAnswer(instrument, item, String(raw));
    if (checked.ok) answers[id] = checked.value;
    else errors.push(`answers.${id}: ${checked.message}`);
  }

  let numbers: YourNumbers | null = null;
  if (envelope.data.numbers) {
    const parsed = numbersSchema(instrument).safeParse(envelope.data.numbers);
    if (parsed.success) numbers = parsed.data;
    else errors.push(...parsed.error.issues.map((i) => `numbers.${i.path.join('.')}: ${i.message}`));
  }
  if (errors.length || !profile.success) return { ok: false, errors };
  return { ok: true, response: { profile: profile.data, answers, numbers } };
}
