import { randomInt } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { Participant } from '../../../db/schema.ts';
import { transaction, type Store } from '../data/store.ts';
import { answersOfStudy, participantsOfStudyById, scoresOfStudy } from '../repositories/study-exports.ts';
import { wavesOf } from '../repositories/studies.ts';
import { neutraliseCell } from '../../domain/csv-cells.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { allItems } from '../../domain/scoring.ts';
import { companyView, rowsThatMayBeGiven, type CompanyView } from './company-view.ts';
import { MEASURE_LABELS, type ComparisonModel } from '../../domain/comparison.ts';
import { MEASURES } from '../../domain/peer-stats.ts';


const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

function csv(header: string[], rows: (string | number | null)[][]): string {
  // csv-stringify quotes commas, quotes and line breaks; neutraliseCell handles formulas.
  return stringify([header, ...rows.map((r) => r.map(neutraliseCell))], { record_delimiter: 'windows' });
}


/** The note on a row whose data is withheld. */
export const withheldNote = (minGroup: number) => `withheld: fewer than ${minGroup + 1} respondents`;
/** The note on a row of a company whose figures are shown, but not yet over this respondent: they grow in steps of k. */
export const notYetNote = (minGroup: number) => `withheld: joins the company figures with the next ${minGroup} respondents`;

/**
 * The rows of an export, each either given or withheld. A row is given only
 * for a respondent of a company link whose company figures combine them
 * (rowsThatMayBeGiven): scores and answers, the company the consultant named
 * and the round, but no participant id, finishing time or profile, in an
 * order of its own each time, so that no row can be matched to the person
 * whose progress showed before, or singled out by a rare role or region.
 * Everyone else's row keeps who and how far (participant, company, status,
 * completed_at) and nothing else; participants without a company link form
 * no company figure and are never given.
 */
async function exportRows(db: Store, studyId: number, minGroup: number) {
  const people = await participantsOfStudyById(db, studyId);
  const published = await rowsThatMayBeGiven(db, studyId, minGroup);
  const mayGive = (p: Participant) => p.companyId !== null && published(p);
  const given = people.filter(mayGive);
  const shown = new Set(given.map((p) => `${p.companyId}:${p.waveId}`));
  const note = (p: Participant) => (p.status === 'completed' && shown.has(`${p.companyId}:${p.waveId}`) ? notYetNote(minGroup) : withheldNote(minGroup));
  return [...shuffled(given).map((p) => ({ p, given: true, note: '' })), ...people.filter((p) => !mayGive(p)).map((p) => ({ p, given: false, note: note(p) }))];
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
async function waveNumbers(db: Store, studyId: number): Promise<Map<number, number>> {
  return new Map((await wavesOf(db, studyId)).map((w) => [w.id, w.number]));
}

const waveOf = (waves: Map<number, number>, p: Participant) => (p.waveId === null ? null : (waves.get(p.waveId) ?? null));

/** Who and how far: what a withheld row keeps. */
function progressCells(p: Participant): (string | number | null)[] {
  return [p.id, p.companyName];
}

/**
 * One row per participant of the study: status and every score. A
 * participant's scores are their own view (own_view_…); the company columns
 * carry the company's figure — every respondent combined, the same one its
 * reports show. A row is given only for a respondent those figures combine
 * (exportRows); everyone else's row gives progress only, with the reason in
 * `withheld`.
 */
export async function scoresCsv(db: Store, instrument: Instrument, studyId: number, minGroup: number): Promise<string> {
  // One read transaction, so that the rows, scores and company figures are of one moment: no finish or deletion lands between the reads.
  // PostgreSQL: a REPEATABLE READ snapshot, which takes no keys and waits for no writer.
  return transaction(db, (tx) => scoresCsvIn(tx, instrument, studyId, minGroup), { behavior: 'deferred' });
}

async function scoresCsvIn(db: Store, instrument: Instrument, studyId: number, minGroup: number): Promise<string> {
  const rows = await exportRows(db, studyId, minGroup);
  const scoreOf = new Map((await scoresOfStudy(db, studyId)).map((s) => [s.participantId, s]));
  // A company's figure per wave: each row carries the figure of the wave it answered in.
  const companyFigures = new Map<string, CompanyView>();
  for (const { p, given } of rows) {
    if (!given || p.companyId === null) continue;
    const key = `${p.companyId}:${p.waveId}`;
    if (!companyFigures.has(key)) companyFigures.set(key, await companyView(db, instrument, p.companyId, null, minGroup, p.waveId));
  }
  const companyOf = (id: number | null, waveId: number | null) => (id === null ? null : companyFigures.get(`${id}:${waveId}`)!);
  const waves = await waveNumbers(db, studyId);
  return csv(
    [
      'participant', 'company', 'wave', 'status', 'withheld',
      'own_view_velocity_index', 'own_view_value', 'own_view_number', 'own_view_win_rate', 'own_view_cycle',
      'personal_index', 'approach', 'execution',
      'company_respondents', 'company_velocity_index', 'company_value', 'company_number', 'company_win_rate', 'company_cycle',
      'completed_at',
    ],
    rows.map(({ p, given, note }) => {
      if (!given) return [...progressCells(p), null, p.status, note, ...Array(14).fill(null), p.completedAt ? p.completedAt.toISOString() : null];
      const s = scoreOf.get(p.id);
      const view = companyOf(p.companyId, p.waveId);
      const c = view?.aggregate?.scores ?? null;
      return [
        null, p.companyName, waveOf(waves, p), p.status, null,
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
export async function answersCsv(db: Store, instrument: Instrument, studyId: number, minGroup: number): Promise<string> {
  // One read transaction, as in scoresCsv.
  // PostgreSQL: a snapshot as well, no keys.
  return transaction(db, (tx) => answersCsvIn(tx, instrument, studyId, minGroup), { behavior: 'deferred' });
}

async function answersCsvIn(db: Store, instrument: Instrument, studyId: number, minGroup: number): Promise<string> {
  const rows = await exportRows(db, studyId, minGroup);
  const items = allItems(instrument).map((i) => i.id);
  const byParticipant = new Map<number, Map<string, string>>();
  if (rows.some((r) => r.given)) {
    const answered = await answersOfStudy(db, studyId);
    for (const a of answered) {
      let m = byParticipant.get(a.participantId);
      if (!m) byParticipant.set(a.participantId, (m = new Map()));
      m.set(a.itemId, a.value);
    }
  }
  const waves = await waveNumbers(db, studyId);
  return csv(
    ['participant', 'company', 'wave', 'status', 'withheld', ...items],
    rows.map(({ p, given, note }) =>
      given
        ? [null, p.companyName, waveOf(waves, p), p.status, null, ...items.map((id) => byParticipant.get(p.id)?.get(id) ?? null)]
        : [...progressCells(p), null, p.status, note, ...items.map(() => null)],
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
