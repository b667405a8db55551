import { z } from 'zod';
import type { Study } from '../../../db/schema.ts';
import { compareGroups, topPerformers, type ComparisonModel, type TopPerformers } from '../../domain/comparison.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { COMPARE_DIMENSIONS, createStatsAccumulator, MEASURES, type CompareDimension, type StatsSource } from '../../domain/peer-stats.ts';
import { profileChoices } from '../../domain/profile.ts';
import { companyItems } from '../../domain/scoring.ts';
import { transaction, type Store } from '../data/store.ts';
import { tallyStoredScores } from '../repositories/peer-stats-rebuild.ts';
import { completedOfStudyByRound, studyScoreSetOf } from '../repositories/study-comparison.ts';
import { storedStatsSource } from '../repositories/peer-stats.ts';
import { studyOf } from '../repositories/studies.ts';
import { rowsThatMayBeCompared } from './company-view.ts';
import { statsItemIds } from './peer-stats.ts';

/** What the comparison page and its export read from the address, so that a comparison can be shared as a link. */
export const ComparisonQuerySchema = z.object({
  dimension: z.enum(COMPARE_DIMENSIONS).default('industry'),
  measure: z.enum(MEASURES).default('velocity'),
  study: z.coerce.number().int().positive().optional(),
  /** One group of the dimension: its top performers are shown instead of the whole population's. */
  group: z.string().min(1).max(80).optional(),
});
export type ComparisonQuery = z.infer<typeof ComparisonQuerySchema>;

export type ParsedComparisonQuery = { ok: true; query: ComparisonQuery } | { ok: false; error: string };

const FIELD_NAMES: Record<string, string> = {
  dimension: `Compare by must be one of: ${COMPARE_DIMENSIONS.join(', ')}.`,
  measure: `Chart must be one of: ${MEASURES.join(', ')}.`,
  study: 'Study must be one of your studies.',
  group: 'Group must be a group of the chosen dimension.',
};

export function parseComparisonQuery(params: URLSearchParams): ParsedComparisonQuery {
  // Empty fields come from the form's "any" choices: they mean "not given".
  const raw = Object.fromEntries([...params.entries()].filter(([, v]) => v !== ''));
  const parsed = ComparisonQuerySchema.safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  const field = String(parsed.error.issues[0]?.path[0] ?? '');
  return { ok: false, error: FIELD_NAMES[field] ?? 'The comparison address is not valid.' };
}

export interface Comparison {
  query: ComparisonQuery;
  study: Study | null;
  model: ComparisonModel;
  top: TopPerformers;
  /** The group whose top performers are shown, when one was chosen and can be shown. */
  topGroupLabel: string | null;
}

/**
 * The comparison a consultant asked for: over everyone from the stored
 * statistics, or within one of their own studies from tallies made on the
 * spot. Undefined when the study is not theirs (the page answers 404).
 */
export async function comparisonFor(db: Store, instrument: Instrument, consultantId: number, query: ComparisonQuery, minSize: number): Promise<Comparison | undefined> {
  const study = query.study === undefined ? null : ((await studyOf(db, consultantId, query.study)) ?? undefined);
  if (study === undefined) return undefined;
  // Only the dimensions the page reads (the chosen one and everyone): on PostgreSQL every group's arrays take ~1 s at 1M.
  const source = study ? await cachedStudySource(db, instrument, study.id, minSize) : await storedStatsSource(db, [query.dimension, 'all']);
  const model = compareGroups(source, query.dimension, profileChoices(instrument, query.dimension), minSize);
  const shownGroup = query.group === undefined ? undefined : model.groups.find((g) => g.key === query.group);
  const items = companyItems(instrument).map((i) => ({ id: i.id, text: i.text, section: sectionTitleOf(instrument, i.id) }));
  // A hidden group (below k, or hidden with one) is not shown anywhere, so its top performers are not either: that would describe it.
  const top =
    query.group === undefined
      ? topPerformers(source, 'all', '', items, minSize)
      : shownGroup
        ? topPerformers(source, query.dimension, shownGroup.key, items, minSize)
        : ({ ok: false, n: 0, reason: 'too-small' } as const);
  return { query, study, model, top, topGroupLabel: shownGroup?.label ?? null };
}

function sectionTitleOf(instrument: Instrument, itemId: string): string {
  return instrument.company.sections.find((s) => s.items.some((i) => i.id === itemId))?.title ?? '';
}

const STUDY_CACHE_LIMIT = 4;
const studySources = new Map<string, StatsSource>();

/**
 * A study's tallies are kept while the study's completed participants stay
 * the same: scores never change after completion, so the set of ids (count
 * and sum, read from the covering index) says whether a tally is current.
 */
async function cachedStudySource(db: Store, instrument: Instrument, studyId: number, minSize: number): Promise<StatsSource> {
  // One read transaction: the tally kept under a key is of the participants the key was read from (no finish or deletion lands in between).
  return transaction(
    db,
    async (tx) => {
      const { n, ids } = await studyScoreSetOf(tx, studyId);
      const key = `${instrument.id}@${instrument.version}:${studyId}:${minSize}:${n}:${ids}`;
      let source = studySources.get(key);
      if (!source) {
        source = await studyStatsSource(tx, instrument, studyId, minSize);
        studySources.set(key, source);
        if (studySources.size > STUDY_CACHE_LIMIT) studySources.delete(studySources.keys().next().value!);
      }
      return source;
    },
    // PostgreSQL: a REPEATABLE READ snapshot, no keys; the cache key holds for every instance, as scores never change.
    { behavior: 'deferred' },
  );
}

/**
 * The same statistics as the stored ones, tallied over one study's completed
 * participants whose rows its exports give. A participant whose row is
 * withheld stays out of the comparison too: group sizes and top-performer
 * means less the rows the consultant holds would otherwise give the withheld
 * person's profile and answers.
 */
export async function studyStatsSource(db: Store, instrument: Instrument, studyId: number, minSize: number): Promise<StatsSource> {
  const acc = createStatsAccumulator(statsItemIds(instrument));
  const mayGive = await rowsThatMayBeCompared(db, studyId, minSize);
  // One person, one member: each company (and the study's participants without one) counts in its latest round
  // with given rows only. Across rounds the same people answer again, so three people who answered twice would
  // pass for six; and a round's rows leave together, never one retaker's at a time.
  const people = (await completedOfStudyByRound(db, studyId)).filter(mayGive);
  const latest = new Map<number | null, number>();
  for (const p of people) latest.set(p.companyId, Math.max(latest.get(p.companyId) ?? 0, p.round ?? 0));
  const given = new Set(people.filter((p) => (p.round ?? 0) === latest.get(p.companyId)).map((p) => p.id));
  await tallyStoredScores(db, instrument, acc, studyId, 'benchmark', (id) => given.has(id));
  return acc.source;
}
