import { z } from 'zod';

/**
 * Report text that is not per item: section introductions, what each
 * sub-index means and what its revenue-potential band says, methodology.
 * Lives in templates/reports/copy.yaml. Placeholders in braces, e.g.
 * {company}, are filled by fillCopy; an unknown placeholder stays visible.
 */
const Text = z.string().min(20, 'is too short to be useful');

const PotentialTexts = z.strictObject({
  Major: Text,
  Significant: Text,
  Moderate: Text,
  Minimal: Text,
});

const SubIndexCopy = z.strictObject({
  /** One sentence: what this factor of sales velocity is. */
  meaning: Text,
  /** Per revenue-potential band: what a score in this band means and where to look first. */
  potential: PotentialTexts,
});

export const ReportCopySchema = z.strictObject({
  company: z.strictObject({
    /** Cover line under the title. Placeholders: {company}. */
    coverTagline: Text,
    summaryIntro: Text,
    executiveIntro: Text,
    /** The compounding paragraph. Placeholders: {formula} (1.1 × 1.1 × 1.1 ÷ 0.9) and {uplift} (47.9 %), written the reader's way. */
    compounding: Text,
    actionsIntro: Text,
    /** Added to the actions introduction on a seller's copy: why the list holds only what a seller can do. */
    actionsSellerNote: Text,
    /** Placeholders: none. */
    numbersIntro: Text,
    detailIntro: Text,
    /** Placeholders: {respondents}. */
    disagreementIntro: Text,
    /** Paragraphs. Placeholders: {k}, {group}, {size}, {instrument}, {respondents}, {view}. */
    methodology: z.array(Text).min(2),
  }),
  subIndices: z.strictObject({ value: SubIndexCopy, number: SubIndexCopy, winRate: SubIndexCopy, cycle: SubIndexCopy }),
  personal: z.strictObject({
    intro: Text,
    /** Placeholders: {approach}, {execution}. */
    approachLeads: Text,
    executionLeads: Text,
    balanced: Text,
    suggestionsIntro: Text,
    /** Paragraphs. Placeholders: {k}, {group}, {size}, {instrument}. */
    methodology: z.array(Text).min(1),
  }),
});
export type ReportCopy = z.infer<typeof ReportCopySchema>;

/** Fills {name} placeholders; unknown names are left as they are, so a typo shows instead of vanishing. */
export function fillCopy(text: string, values: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
