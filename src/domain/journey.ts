import { checkAnswer } from './answers.ts';
import type { CompanySection, Instrument, NumberField, PersonalSection } from './instrument.ts';
import type { YourNumbers } from './profile.ts';
import { allItems } from './scoring.ts';

/**
 * The participant's journey through the questionnaire: one page per company
 * section, then per personal section, then the optional "Your numbers".
 */
export type Page =
  | { kind: 'company'; number: number; section: CompanySection }
  | { kind: 'personal'; number: number; section: PersonalSection }
  | { kind: 'numbers'; number: number };

export function pagesOf(instrument: Instrument): Page[] {
  const pages: Page[] = [];
  for (const section of instrument.company.sections) pages.push({ kind: 'company', number: pages.length + 1, section });
  for (const section of instrument.personal.sections) pages.push({ kind: 'personal', number: pages.length + 1, section });
  pages.push({ kind: 'numbers', number: pages.length + 1 });
  return pages;
}

export function pageTitle(instrument: Instrument, page: Page): string {
  return page.kind === 'numbers' ? instrument.numbers.title : page.section.title;
}

export interface Progress {
  answered: number;
  total: number;
  /** Whole percent of scored items answered (not applicable counts as answered). */
  percent: number;
}

export function progressOf(instrument: Instrument, answers: Readonly<Record<string, string>>): Progress {
  const items = allItems(instrument);
  const answered = items.filter((i) => answers[i.id] !== undefined).length;
  return { answered, total: items.length, percent: Math.floor((100 * answered) / items.length) };
}

/** The first page with an unanswered item, or the numbers page when every item is answered. */
export function firstOpenPage(instrument: Instrument, answers: Readonly<Record<string, string>>): number {
  const pages = pagesOf(instrument);
  const open = pages.find((p) => p.kind !== 'numbers' && p.section.items.some((i) => answers[i.id] === undefined));
  return (open ?? pages.at(-1)!).number;
}

export interface PageReading<T> {
  /** The valid values, ready to store. */
  values: T;
  /** Field id to the message shown beside it. */
  errors: Record<string, string>;
  /**
   * True when some value could not have come from the form (an option the
   * item does not have, a number out of range, an unknown field): then
   * nothing of the page is stored.
   */
  invalid: boolean;
}

const CONTROL_FIELDS = new Set(['action']);

/**
 * Reads one section's form. Unanswered items are errors only when `requireAll`
 * (moving on with Next); Back and "Save and finish later" keep what is there.
 */
export function readSectionForm(
  instrument: Instrument,
  section: CompanySection | PersonalSection,
  form: Readonly<Record<string, string>>,
  requireAll: boolean,
): PageReading<Record<string, string>> {
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  let invalid = false;
  const ids = new Set(section.items.map((i) => i.id));
  for (const key of Object.keys(form)) {
    if (!ids.has(key) && !CONTROL_FIELDS.has(key)) {
      errors[key] = `"${key}" is not a question on this page.`;
      invalid = true;
    }
  }
  for (const item of section.items) {
    const raw = form[item.id]?.trim() ?? '';
    if (raw === '') {
      if (requireAll) errors[item.id] = item.kind === 'number' ? 'Enter a number to continue.' : 'Choose an answer to continue.';
      continue;
    }
    const checked = checkAnswer(instrument, item, raw);
    if (checked.ok) values[item.id] = checked.value;
    else {
      errors[item.id] = checked.message;
      invalid = true;
    }
  }
  return { values, errors, invalid };
}

function readNumberField(field: NumberField, raw: string): { value?: number | string; error?: string } {
  if (field.kind === 'currency') {
    return field.options.includes(raw) ? { value: raw } : { error: `Choose one of ${field.options.join(', ')}.` };
  }
  const normalised = raw.replace(/[\s,_]/g, '').replace(/%$/, '');
  const n = Number(normalised);
  if (!/^-?\d+(\.\d+)?$/.test(normalised) || !Number.isFinite(n)) return { error: 'Enter a number, for example 25 or 12.5.' };
  if (field.kind === 'integer' && !Number.isInteger(n)) return { error: 'Enter a whole number.' };
  if (n < field.min || n > field.max) {
    return { error: `Enter a number from ${field.min.toLocaleString('en-US')} to ${field.max.toLocaleString('en-US')}.` };
  }
  return { value: n };
}

/** Reads the optional "Your numbers" form: blank fields are left out, anything else must be in range. */
export function readNumbersForm(instrument: Instrument, form: Readonly<Record<string, string>>): PageReading<YourNumbers> {
  const values: Record<string, number | string> = {};
  const errors: Record<string, string> = {};
  let invalid = false;
  const fields = new Map(instrument.numbers.fields.map((f) => [f.id as string, f]));
  for (const key of Object.keys(form)) {
    if (!fields.has(key) && !CONTROL_FIELDS.has(key)) {
      errors[key] = `"${key}" is not a field on this page.`;
      invalid = true;
    }
  }
  for (const field of instrument.numbers.fields) {
    const raw = form[field.id]?.trim() ?? '';
    if (raw === '') continue;
    const read = readNumberField(field, raw);
    if (read.error) {
      errors[field.id] = read.error;
      invalid = true;
    } else values[field.id] = read.value!;
  }
  return { values: values as YourNumbers, errors, invalid };
}
