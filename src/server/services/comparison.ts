import { z } from 'zod';
import type { Db } from '../../../db/client.ts';
import type { Study } from '../../../db/schema.ts';
import { compareGroups, topPerformers, type ComparisonModel, type TopPerformers } from '../../domain/comparison.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { COMPARE_DIMENSIONS, createStatsAccumulator, MEASURES, type StatsSource } from '../../domain/peer-stats.ts';
import { profileChoices } from '../../domain/profile.ts';
import { companyItems, itemScore } from '../../domain/scoring.ts';
import { storedStatsSource } from '../repositories/peer-stats.ts';
import { studyOf } from '../repositories/studies.ts';

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
export function comparisonFor(db: Db, instrument: Instrument, consultantId: number, query: ComparisonQuery, minSize: number): Comparison | undefined {
  const study = query.study === undefined ? null : (studyOf(db, consultantId, query.study) ?? undefined);
  if (study === undefined) return undefined;
  const source = study ? cachedStudySource(db, instrument, study.id) : storedStatsSource(db);
  const model = compareGroups(source, query.dimension, profileChoices(instrument, query.dimension), minSize);
  const shownGroup = query.group === undefined ? undefined : model.groups.find((g) => g.key === query.group);
  const items = companyItems(instrument).map((i) => ({ id: i.id, text: i.text, section: sectionTitleOf(instrument, i.id) }));
  // A group below k is not shown anywhere, so its top performers are not either: that would describe it.
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
function cachedStudySource(db: Db, instrument: Instrument, studyId: number): StatsSource {
  const { n, ids } = db.$client.prepare('SELECT count(*) AS n, coalesce(sum(participant_id), 0) AS ids FROM scores WHERE study_id = ?').get(studyId) as {
    n: number;
    ids: number;
  };
  const key = `${instrument.id}@${instrument.version}:${studyId}:${n}:${ids}`;
  let source = studySources.get(key);
  if (!source) {
    source = studyStatsSource(db, instrument, studyId);
    studySources.set(key, source);
    if (studySources.size > STUDY_CACHE_LIMIT) studySources.delete(studySources.keys().next().value!);
  }
  return source;
}

/**
 * The same statistics as the stored ones, tallied over one study's completed
 * participants: two raw reads in participant order and each distinct answer
 * scored once, since a study can hold thousands.
 */
export function studyStatsSource(db: Db, instrument: Instrument, studyId: number): StatsSource {
  const items = companyItems(instrument);
  const acc = createStatsAccumulator(items.map((i) => i.id));
  const itemIndex = new Map(items.map((item, i) => [item.id, i]));
  const scoreOf = items.map((item) => {
    const known = new Map<string, number>();
    return (value: string) => {
      let s = known.get(value);
      if (s === undefined) known.set(value, (s = itemScore(instrument, item, value) ?? NaN));
      return s;
    };
  });
  const rows = db.$client
    .prepare(
      'SELECT participant_id, velocity, value, number, win_rate, cycle, industry, employees, sales_team, region, motion, role FROM scores WHERE study_id = ? ORDER BY participant_id',
    )
    .raw()
    .all(studyId) as [number, number, number | null, number | null, number | null, number | null, string, string, string, string, string, string][];
  // Scores first, so that the (study, participant) index hands participants over in order and no sort is needed.
  const answers = db.$client
    .prepare(
      `SELECT a.participant_id, a.item_id, a.value FROM scores s JOIN answers a ON a.participant_id = s.participant_id
       WHERE s.study_id = ? AND a.item_id IN (${items.map(() => '?').join(', ')}) ORDER BY s.participant_id`,
    )
    .raw()
    .iterate(studyId, ...items.map((i) => i.id)) as IterableIterator<[number, string, string]>;
  let next = answers.next();
  const measures = new Float64Array(MEASURES.length);
  const itemScores = new Float64Array(items.length);
  for (const [id, velocity, value, number, winRate, cycle, industry, employees, salesTeam, region, motion, role] of rows) {
    itemScores.fill(NaN);
    // Both reads are in participant order, so the answers are walked once alongside the scores.
    while (!next.done && next.value[0] < id) next = answers.next();
    while (!next.done && next.value[0] === id) {
      const at = itemIndex.get(next.value[1]);
      if (at !== undefined) itemScores[at] = scoreOf[at]!(next.value[2]);
      next = answers.next();
    }
    measures.set([velocity, value ?? NaN, number ?? NaN, winRate ?? NaN, cycle ?? NaN]);
    acc.addTo(acc.tallies({ industry, employees, salesTeam, region, motion, role }), measures, itemScores, 1);
  }
  return acc.source;
}
