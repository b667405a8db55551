import { stringify } from 'csv-stringify/sync';
import { and, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { answers, participants, scores } from '../../../db/schema.ts';
import { neutraliseCell } from '../../domain/csv-cells.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { allItems } from '../../domain/scoring.ts';
import { companyView, type CompanyView } from './company-view.ts';
import { MEASURE_LABELS, type ComparisonModel } from '../../domain/comparison.ts';
import { MEASURES, type CompareDimension } from '../../domain/peer-stats.ts';

/** One group of a study's participants: a dimension and its value. */
export interface GroupFilter {
  dimension: CompareDimension;
  key: string;
}

function inStudy(studyId: number, group?: GroupFilter): SQL {
  return group ? and(eq(participants.studyId, studyId), eq(participants[group.dimension], group.key))! : eq(participants.studyId, studyId);
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

function csv(header: string[], rows: (string | number | null)[][]): string {
  // csv-stringify quotes commas, quotes and line breaks; neutraliseCell handles formulas.
  return stringify([header, ...rows.map((r) => r.map(neutraliseCell))], { record_delimiter: 'windows' });
}

/**
 * One row per participant of the study: profile, status and every score. A
 * participant's scores are their own view (own_view_…); the company columns
 * carry the company's figure — every respondent combined, the same one its
 * reports show — once the company has at least k respondents.
 */
export function scoresCsv(db: Db, instrument: Instrument, studyId: number, minGroup: number, group?: GroupFilter): string {
  const rows = db
    .select({ p: participants, s: scores })
    .from(participants)
    .leftJoin(scores, eq(scores.participantId, participants.id))
    .where(inStudy(studyId, group))
    .orderBy(participants.id)
    .all();
  const companyFigures = new Map<number, CompanyView>();
  const companyOf = (id: number | null) => {
    if (id === null) return null;
    if (!companyFigures.has(id)) companyFigures.set(id, companyView(db, instrument, id, null, minGroup));
    return companyFigures.get(id)!;
  };
  return csv(
    [
      'participant', 'company', 'role', 'industry', 'employees', 'sales_team', 'region', 'motion', 'status',
      'own_view_velocity_index', 'own_view_value', 'own_view_number', 'own_view_win_rate', 'own_view_cycle',
      'personal_index', 'approach', 'execution',
      'company_respondents', 'company_velocity_index', 'company_value', 'company_number', 'company_win_rate', 'company_cycle',
      'completed_at',
    ],
    rows.map(({ p, s }) => {
      const view = companyOf(p.companyId);
      const c = view?.aggregate?.scores ?? null;
      return [
        p.id, p.companyName, p.role, p.industry, p.employees, p.salesTeam, p.region, p.motion, p.status,
        round(s?.velocity ?? null), round(s?.value ?? null), round(s?.number ?? null), round(s?.winRate ?? null), round(s?.cycle ?? null),
        round(s?.personal ?? null), round(s?.approach ?? null), round(s?.execution ?? null),
        c ? view!.respondents : null, round(c?.velocity ?? null), round(c?.value ?? null), round(c?.number ?? null), round(c?.winRate ?? null), round(c?.cycle ?? null),
        p.completedAt ? p.completedAt.toISOString() : null,
      ];
    }),
  );
}

/** One row per participant of the study, one column per item (option id, number or "na"). */
export function answersCsv(db: Db, instrument: Instrument, studyId: number, group?: GroupFilter): string {
  const people = db.select().from(participants).where(inStudy(studyId, group)).orderBy(participants.id).all();
  const items = allItems(instrument).map((i) => i.id);
  const byParticipant = new Map<number, Map<string, string>>();
  if (people.length) {
    // A join rather than a list of ids: a large study would exceed SQLite's limit on bound values.
    const rows = db
      .select({ participantId: answers.participantId, itemId: answers.itemId, value: answers.value })
      .from(answers)
      .innerJoin(participants, eq(participants.id, answers.participantId))
      .where(inStudy(studyId, group))
      .all();
    for (const a of rows) {
      let m = byParticipant.get(a.participantId);
      if (!m) byParticipant.set(a.participantId, (m = new Map()));
      m.set(a.itemId, a.value);
    }
  }
  return csv(
    ['participant', 'company', 'role', 'status', ...items],
    people.map((p) => [p.id, p.companyName, p.role, p.status, ...items.map((id) => byParticipant.get(p.id)?.get(id) ?? null)]),
  );
}

/**
 * The comparison table as CSV: the groups shown on the page and nothing
 * else, so a group below k is as absent from the file as from the page.
 */
export function comparisonCsv(model: ComparisonModel, groupLabelHeader: string): string {
  const header = [groupLabelHeader, 'key', 'participants'];
  for (const m of MEASURES) for (const q of ['n', 'min', 'q1', 'median', 'q3', 'max']) header.push(`${MEASURE_LABELS[m]} ${q}`);
  return csv(
    header,
    model.groups.map((g) => {
      const row: (string | number | null)[] = [g.label, g.key, g.n];
      for (const m of MEASURES) {
        const q = g.measures[m];
        row.push(q?.n ?? null, round(q?.min ?? null), round(q?.q1 ?? null), round(q?.median ?? null), round(q?.q3 ?? null), round(q?.max ?? null));
      }
      return row;
    }),
  );
}
