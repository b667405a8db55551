/**
 * The consultant's weekly summary, as content: what happened in each open
 * study over the last seven days. Progress only, counted over whole studies;
 * a company is named once its own figures can be shown (k + 1 finished
 * respondents, publishedMembers), which the consultant's study page shows
 * anyway, so the mail says nothing the consultant could not already see.
 */

import { publishedMembers } from './anonymity.ts';

export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export interface SummaryCompanyInput {
  name: string;
  /** When each of its respondents in the current wave finished (on the current instrument version). */
  completedAt: readonly Date[];
  /** The company's release floor after a deletion (0 when none). */
  floor: number;
}

export interface SummaryStudyInput {
  name: string;
  /** Absolute address of the study's page. */
  href: string;
  invited: number;
  started: number;
  /** When each participant who finished finished. */
  completedAt: readonly Date[];
  companies: readonly SummaryCompanyInput[];
}

export interface SummaryStudy {
  name: string;
  href: string;
  invited: number;
  started: number;
  completed: number;
  completedThisWeek: number;
  /** Companies whose own figures appeared this week, by name in alphabetical order. */
  newlyVisible: string[];
}

export interface WeeklySummary {
  /** ISO week of `now`, e.g. "2031-W10": one summary per consultant and week. */
  week: string;
  subject: string;
  preheader: string;
  heading: string;
  intro: string;
  studies: SummaryStudy[];
  /** True when nothing moved in any study this week. */
  quiet: boolean;
}

/** ISO 8601 week of a moment in UTC: "2031-W10". The week belongs to the year of its Thursday. */
export function isoWeek(at: Date): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** True when the company's own figures could not be shown a week ago and can be now. */
export function becameVisible(company: SummaryCompanyInput, k: number, now: Date): boolean {
  const since = now.getTime() - WEEK_MS;
  const before = company.completedAt.filter((d) => d.getTime() <= since).length;
  return publishedMembers(before, k, company.floor) === 0 && publishedMembers(company.completedAt.length, k, company.floor) > 0;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function weeklySummary(input: { consultantName: string | null; studies: readonly SummaryStudyInput[]; k: number; now: Date }): WeeklySummary {
  const since = input.now.getTime() - WEEK_MS;
  const studies = input.studies.map((s) => ({
    name: s.name,
    href: s.href,
    invited: s.invited,
    started: s.started,
    completed: s.completedAt.length,
    // The week is (now − 7 days, now]: a finish at the very moment of the last summary was counted in that one.
    completedThisWeek: s.completedAt.filter((d) => d.getTime() > since).length,
    newlyVisible: s.companies
      .filter((c) => becameVisible(c, input.k, input.now))
      .map((c) => c.name)
      .sort((a, b) => a.localeCompare(b)),
  }));
  const finished = studies.reduce((n, s) => n + s.completedThisWeek, 0);
  const visible = studies.reduce((n, s) => n + s.newlyVisible.length, 0);
  const quiet = finished === 0 && visible === 0;
  const headline = quiet
    ? 'No new responses'
    : [finished > 0 ? plural(finished, 'new response', 'new responses') : null, visible > 0 ? plural(visible, 'company report ready', 'company reports ready') : null].filter(Boolean).join(', ');
  const greeting = input.consultantName ? `Hello ${input.consultantName},` : 'Hello,';
  return {
    week: isoWeek(input.now),
    subject: `Your studies this week: ${headline.charAt(0).toLowerCase()}${headline.slice(1)}`,
    preheader: `${plural(studies.length, 'open study', 'open studies')}; ${headline.charAt(0).toLowerCase()}${headline.slice(1)}.`,
    heading: 'Your weekly study summary',
    intro: quiet
      ? `${greeting} nobody finished the questionnaire in your open studies over the last seven days. A short personal nudge to the people you invited usually does more than a second reminder.`
      : `${greeting} here is how your open studies moved over the last seven days. A company's own figures appear once enough of its people have finished, so that no one's answers can be singled out.`,
    studies,
    quiet,
  };
}
