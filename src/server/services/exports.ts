import { stringify } from 'csv-stringify/sync';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { answers, participants, scores } from '../../../db/schema.ts';
import { neutraliseCell } from '../../domain/csv-cells.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { allItems } from '../../domain/scoring.ts';

const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

function csv(header: string[], rows: (string | number | null)[][]): string {
  // csv-stringify quotes commas, quotes and line breaks; neutraliseCell handles formulas.
  return stringify([header, ...rows.map((r) => r.map(neutraliseCell))], { record_delimiter: 'windows' });
}

/** One row per participant of the study: profile, status and every score. */
export function scoresCsv(db: Db, studyId: number): string {
  const rows = db
    .select({ p: participants, s: scores })
    .from(participants)
    .leftJoin(scores, eq(scores.participantId, participants.id))
    .where(eq(participants.studyId, studyId))
    .orderBy(participants.id)
    .all();
  return csv(
    ['participant', 'company', 'role', 'industry', 'employees', 'sales_team', 'region', 'motion', 'status', 'velocity_index', 'value', 'number', 'win_rate', 'cycle', 'personal_index', 'approach', 'execution', 'completed_at'],
    rows.map(({ p, s }) => [
      p.id, p.companyName, p.role, p.industry, p.employees, p.salesTeam, p.region, p.motion, p.status,
      round(s?.velocity ?? null), round(s?.value ?? null), round(s?.number ?? null), round(s?.winRate ?? null), round(s?.cycle ?? null),
      round(s?.personal ?? null), round(s?.approach ?? null), round(s?.execution ?? null),
      p.completedAt ? p.completedAt.toISOString() : null,
    ]),
  );
}

/** One row per participant of the study, one column per item (option id, number or "na"). */
export function answersCsv(db: Db, instrument: Instrument, studyId: number): string {
  const people = db.select().from(participants).where(eq(participants.studyId, studyId)).orderBy(participants.id).all();
  const items = allItems(instrument).map((i) => i.id);
  const byParticipant = new Map<number, Map<string, string>>();
  if (people.length) {
    const rows = db.select().from(answers).where(inArray(answers.participantId, people.map((p) => p.id))).all();
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
