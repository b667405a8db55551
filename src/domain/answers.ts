import type { Instrument, Item, Option } from './instrument.ts';

/**
 * An answer as stored: an option id, a decimal number for number items, or
 * NOT_APPLICABLE. Keeping one string form lets one table hold every kind.
 */
export type AnswerValue = string;
export type Answers = Readonly<Record<string, AnswerValue>>;
export const NOT_APPLICABLE = 'na';

export type AnswerCheck = { ok: true; value: AnswerValue } | { ok: false; message: string };

export function optionsOf(instrument: Instrument, item: Item): readonly Option[] {
  if (item.kind === 'choice') return item.options;
  if (item.kind === 'number') return [];
  return instrument.scales[item.kind];
}

export function allowsNotApplicable(item: Item): boolean {
  return item.notApplicable ?? item.kind === 'agreement';
}

/** Checks one raw answer against its item; the message is fit to show beside the field. */
export function checkAnswer(instrument: Instrument, item: Item, raw: string): AnswerCheck {
  const value = raw.trim();
  if (value === '') return { ok: false, message: 'Choose an answer.' };
  if (value === NOT_APPLICABLE) {
    return allowsNotApplicable(item)
      ? { ok: true, value }
      : { ok: false, message: '"Not applicable" is not an answer to this question.' };
  }
  if (item.kind === 'number') {
    const n = Number(value);
    if (!/^-?\d+(\.\d+)?$/.test(value) || !Number.isFinite(n)) {
      return { ok: false, message: 'Enter a number, for example 12 or 3.5.' };
    }
    if (item.integer && !Number.isInteger(n)) return { ok: false, message: 'Enter a whole number.' };
    if (n < item.min || n > item.max) {
      return { ok: false, message: `Enter a number from ${item.min} to ${item.max}.` };
    }
    return { ok: true, value: String(n) };
  }
  if (!optionsOf(instrument, item).some((o) => o.id === value)) {
    return { ok: false, message: 'Choose one of the answers listed.' };
  }
  return { ok: true, value };
}
