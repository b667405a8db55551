import { randomInt } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { and, count, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { answers, participants, scores, studyWaves, type Participant } from '../../../db/schema.ts';
import { neutraliseCell } from '../../domain/csv-cells.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { allItems } from '../../domain/scoring.ts';
import { companyView, rowsThatMayBeGiven, type CompanyView } from './company-view.ts';
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


/** The note on a row whose data is withheld. */
export const withheldNote = (minGroup: number) => `withheld: fewer than ${minGroup + 1} respondents`;

/**
 * The rows of an export, each either given or withheld. In the whole study's
 * file a withheld row keeps who and how far (participant, company, status,
 * completed_at) and nothing else. One group's file holds the given rows only:
 * withheld people are not in the study's comparison either.
 */
function exportRows(db: Db, studyId: number, minGroup: number, group: GroupFilter | undefined) {
  const people = db.select().from(participants).where(inStudy(studyId, group)).orderBy(participants.id).all();
  const mayGive = rowsThatMayBeGiven(db, studyId, minGroup);
  // Given rows carry no participant id and no finishing time, in an order of their own each time: a row
  // must not be matched to the person whose progress (a withheld row, an invitation's status) showed before.
  const given = shuffled(people.filter(mayGive));
  const hidden = hiddenProfileCells(given, minGroup);
  const rows = [...given.map((p) => ({ p, given: true, hidden: hidden.get(p.id) ?? NONE })), ...people.filter((p) => !mayGive(p)).map((p) => ({ p, given: false, hidden: NONE }))];
  // One group's file is the comparison's group: withheld people are in neither, or their row, even as status
  // only, would say which group they belong to.
  return group ? rows.filter((r) => r.given) : rows;
}

const NONE: ReadonlySet<ProfileField> = new Set();
const PROFILE_FIELDS = ['role', 'industry', 'employees', 'salesTeam', 'region', 'motion'] as const;
type ProfileField = (typeof PROFILE_FIELDS)[number];

/**
 * The profile cells a given row leaves empty: a value fewer than k of its
 * company's given rows in that wave share (the one executive, the one seller
 * in another region) would say whose row it is.
 */
function hiddenProfileCells(given: Participant[], minGroup: number): Map<number, Set<ProfileField>> {
  const counts = new Map<string, number>();
  const key = (p: Participant, f: ProfileField) => `${p.companyId}:${p.waveId}:${f}:${p[f]}`;
  for (const p of given) for (const f of PROFILE_FIELDS) counts.set(key(p, f), (counts.get(key(p, f)) ?? 0) + 1);
  const hidden = new Map<number, Set<ProfileField>>();
  for (const p of given) {
    const rare = PROFILE_FIELDS.filter((f) => (counts.get(key(p, f)) ?? 0) < minGroup);
    if (rare.length) hidden.set(p.id, new Set(rare));
  }
  return hidden;
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The round (wave number) each participant answered in, by wave id. A withheld row leaves it empty, as it
 * leaves everything but who and how far: the round would say which group they wait in.
 */
function waveNumbers(db: Db, studyId: number): Map<number, number> {
  return new Map(db.select({ id: studyWaves.id, number: studyWaves.number }).from(studyWaves).where(eq(studyWaves.studyId, studyId)).all().map((w) => [w.id, w.number]));
}

const waveOf = (waves: Map<number, number>, p: Participant) => (p.waveId === null ? null : (waves.get(p.waveId) ?? null));

/** Who and how far: what a withheld row keeps. */
function progressCells(p: Participant, group: GroupFilter | undefined): (string | number | null)[] {
  return group ? [null, null] : [p.id, p.companyName];
}

/**
 * One row per participant of the study: profile, status and every score. A
 * participant's scores are their own view (own_view_…); the company columns
 * carry the company's figure — every respondent combined, the same one its
 * reports show. A row is given only for a respondent those figures combine
 * (rowsThatMayBeGiven), without participant id or finishing time, with any
 * profile value fewer than k of its company share left empty; everyone else's
 * row gives progress only, with the reason in `withheld`.
 */
export function scoresCsv(db: Db, instrument: Instrument, studyId: number, minGroup: number, group?: GroupFilter): string {
  const rows = exportRows(db, studyId, minGroup, group);
  const scoreOf = new Map(
    db
      .select({ s: scores })
      .from(scores)
      .innerJoin(participants, eq(participants.id, scores.participantId))
      .where(inStudy(studyId, group))
      .all()
      .map(({ s }) => [s.participantId, s]),
  );
  // A company's figure per wave: each row carries the figure of the wave it answered in.
  const companyFigures = new Map<string, CompanyView>();
  const companyOf = (id: number | null, waveId: number | null) => {
    if (id === null) return null;
    const key = `${id}:${waveId}`;
    if (!companyFigures.has(key)) companyFigures.set(key, companyView(db, instrument, id, null, minGroup, waveId));
    return companyFigures.get(key)!;
  };
  const note = withheldNote(minGroup);
  const waves = waveNumbers(db, studyId);
  return csv(
    [
      'participant', 'company', 'wave', 'role', 'industry', 'employees', 'sales_team', 'region', 'motion', 'status', 'withheld',
      'own_view_velocity_index', 'own_view_value', 'own_view_number', 'own_view_win_rate', 'own_view_cycle',
      'personal_index', 'approach', 'execution',
      'company_respondents', 'company_velocity_index', 'company_value', 'company_number', 'company_win_rate', 'company_cycle',
      'completed_at',
    ],
    rows.map(({ p, given, hidden }) => {
      if (!given) return [...progressCells(p, group), null, null, null, null, null, null, null, p.status, note, ...Array(14).fill(null), group || !p.completedAt ? null : p.completedAt.toISOString()];
      const cell = (f: ProfileField) => (hidden.has(f) ? null : p[f]);
      const s = scoreOf.get(p.id);
      const view = companyOf(p.companyId, p.waveId);
      const c = view?.aggregate?.scores ?? null;
      return [
        null, p.companyName, waveOf(waves, p), cell('role'), cell('industry'), cell('employees'), cell('salesTeam'), cell('region'), cell('motion'), p.status, null,
        round(s?.velocity ?? null), round(s?.value ?? null), round(s?.number ?? null), round(s?.winRate ?? null), round(s?.cycle ?? null),
        round(s?.personal ?? null), round(s?.approach ?? null), round(s?.execution ?? null),
        c ? view!.published.length : null, round(c?.velocity ?? null), round(c?.value ?? null), round(c?.number ?? null), round(c?.winRate ?? null), round(c?.cycle ?? null),
        null,
      ];
    }),
  );
}

/**
 * One row per participant of the study, one column per item (option id,
 * number or "na"); withheld rows as in `scoresCsv`.
 */
export function answersCsv(db: Db, instrument: Instrument, studyId: number, minGroup: number, group?: GroupFilter): string {
  const rows = exportRows(db, studyId, minGroup, group);
  const items = allItems(instrument).map((i) => i.id);
  const byParticipant = new Map<number, Map<string, string>>();
  if (rows.some((r) => r.given)) {
    // A join rather than a list of ids: a large study would exceed SQLite's limit on bound values.
    const answered = db
      .select({ participantId: answers.participantId, itemId: answers.itemId, value: answers.value })
      .from(answers)
      .innerJoin(participants, eq(participants.id, answers.participantId))
      .where(inStudy(studyId, group))
      .all();
    for (const a of answered) {
      let m = byParticipant.get(a.participantId);
      if (!m) byParticipant.set(a.participantId, (m = new Map()));
      m.set(a.itemId, a.value);
    }
  }
  const note = withheldNote(minGroup);
  const waves = waveNumbers(db, studyId);
  return csv(
    ['participant', 'company', 'wave', 'role', 'status', 'withheld', ...items],
    rows.map(({ p, given, hidden }) =>
      given
        ? [null, p.companyName, waveOf(waves, p), hidden.has('role') ? null : p.role, p.status, null, ...items.map((id) => byParticipant.get(p.id)?.get(id) ?? null)]
        : [...progressCells(p, group), null, null, p.status, note, ...items.map(() => null)],
    ),
  );
}

/**
 * The comparison table as CSV: the groups shown on the page and nothing
 * else, so a hidden group is as absent from the file as from the page, with
 * the same published figures: n, and the median and quartiles at whole points
 * where the group is large enough for them (never a minimum or maximum).
 */
export function comparisonCsv(model: ComparisonModel, groupLabelHeader: string): string {
  const header = [groupLabelHeader, 'key', 'participants'];
  for (const m of MEASURES) for (const q of ['n', 'q1', 'median', 'q3']) header.push(`${MEASURE_LABELS[m]} ${q}`);
  return csv(
    header,
    model.groups.map((g) => {
      const row: (string | number | null)[] = [g.label, g.key, g.n];
      for (const m of MEASURES) {
        const spread = g.measures[m];
        const q = spread?.quartiles ?? null;
        row.push(spread?.n ?? null, q?.q1 ?? null, q?.median ?? null, q?.q3 ?? null);
      }
      return row;
    }),
  );
}
