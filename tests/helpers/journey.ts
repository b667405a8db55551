import { expect } from 'vitest';
import { pagesOf } from '../../src/domain/journey.ts';
import { postForm, tokenOf } from './forms.ts';
import { completeAnswers, instrument, validProfile } from './instrument.ts';

export const pages = pagesOf(instrument);
const answers = completeAnswers();

/** The fields of one questionnaire page, every question answered. */
export function pageFields(number: number): Record<string, string> {
  const page = pages[number - 1]!;
  if (page.kind === 'numbers') return { opportunities: '40', dealValue: '25000', currency: 'USD', winRate: '25', cycleDays: '90' };
  return Object.fromEntries(page.section.items.map((i) => [i.id, answers[i.id]!]));
}

/** Starts a participant through the profile form at `path` (/start or /join/<token>); returns the resume token. */
export async function startParticipant(base: string, path = '/start', profile: Record<string, string> = validProfile()): Promise<string> {
  const res = await postForm(base, path, profile);
  expect(res.status, await res.clone().text()).toBe(303);
  return tokenOf(res.headers.get('location'));
}

/** Answers every page but the last (the optional numbers page, whose button finishes). */
export async function answerAllButLast(base: string, token: string): Promise<void> {
  for (let n = 1; n < pages.length; n++) {
    expect((await postForm(base, `/r/${token}/${n}`, { ...pageFields(n), action: 'next' })).status).toBe(303);
  }
}

/** Starts, answers every page and finishes: a completed participant with results and reports. */
export async function completeParticipant(base: string, path = '/start'): Promise<string> {
  const token = await startParticipant(base, path);
  await answerAllButLast(base, token);
  const res = await postForm(base, `/r/${token}/${pages.length}`, { ...pageFields(pages.length), action: 'finish' });
  expect(res.headers.get('location')).toBe(`/r/${token}/results`);
  return token;
}
