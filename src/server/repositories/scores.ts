import { and, asc, count, eq, isNotNull, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { scores, type NewScoreRow, type ScoreRow } from '../../../db/schema.ts';
import type { PeerProfile } from '../../domain/peers.ts';
import type { PeerPopulation, Population } from '../../domain/population.ts';
import { prepared, preparedQuery } from './prepared.ts';

export function upsertScore(db: Db, row: NewScoreRow): void {
  db.insert(scores).values(row).onConflictDoUpdate({ target: scores.participantId, set: row }).run();
}

export function findScore(db: Db, participantId: number): ScoreRow | undefined {
  return preparedQuery(db, 'score-by-participant', (d) => d.select().from(scores).where(eq(scores.participantId, sql.placeholder('id'))).prepare()).get({
    id: participantId,
  });
}

/** A group of scores: peer dimensions, or a role for comparing individuals. */
export type GroupWhere = Partial<PeerProfile> & {
  /** Scores of one instrument version: peer figures never mix versions. */
  instrumentVersion: number;
  /** Scores of one population (src/domain/population.ts): a real reader's peers are the benchmark, the demo's are demo data. */
  population: PeerPopulation;
  role?: string;
  /** Leave out every participant of this company: a company is never its own peer. */
  notCompany?: number;
};

function groupWhere(where: GroupWhere, excludeParticipantId?: number): SQL | undefined {
  const conditions: SQL[] = [eq(scores.instrumentVersion, where.instrumentVersion), eq(scores.population, where.population)];
  if (where.role !== undefined) conditions.push(eq(scores.role, where.role));
  if (where.notCompany !== undefined) conditions.push(or(isNull(scores.companyId), ne(scores.companyId, where.notCompany))!);
  if (where.industry !== undefined) conditions.push(eq(scores.industry, where.industry));
  if (where.employees !== undefined) conditions.push(eq(scores.employees, where.employees));
  if (excludeParticipantId !== undefined) conditions.push(ne(scores.participantId, excludeParticipantId));
  return and(...conditions);
}

/**
 * A group's size and how many of it score `velocity` or less, in one walk of
 * the (dimensions…, velocity) index; the subject is left out.
 */
export function groupCounts(
  db: Db,
  where: GroupWhere,
  velocity: number,
  excludeParticipantId?: number,
): { size: number; notBetter: number } {
  const row = db
    .select({ size: count(), notBetter: sql<number | null>`sum(${scores.velocity} <= ${velocity})` })
    .from(scores)
    .where(groupWhere(where, excludeParticipantId))
    .get()!;
  return { size: row.size, notBetter: row.notBetter ?? 0 };
}

export type ScoreColumn = 'velocity' | 'value' | 'number' | 'winRate' | 'cycle' | 'approach' | 'execution' | 'personal';

/** Members of a group with a value in `column` (sub-indices can be empty when every item was not applicable). */
export function countScored(db: Db, column: ScoreColumn, where: GroupWhere, excludeParticipantId?: number): number {
  return db.select({ n: count() }).from(scores).where(and(groupWhere(where, excludeParticipantId), isNotNull(scores[column]))).get()!.n;
}

/**
 * The value at 0-based rank `offset` of a group, in ascending order. On the
 * Velocity Index this walks the (dimensions…, velocity) index; other columns
 * sort the group, which is small once a peer group is chosen.
 */
export function scoreAtRank(
  db: Db,
  column: ScoreColumn,
  where: GroupWhere,
  offset: number,
  excludeParticipantId?: number,
): number | undefined {
  const col = scores[column];
  return db
    .select({ v: col })
    .from(scores)
    .where(and(groupWhere(where, excludeParticipantId), isNotNull(col)))
    .orderBy(asc(col))
    .limit(1)
    .offset(offset)
    .get()?.v ?? undefined;
}

/** Completed participants: all of them, those of one instrument version, or of one version and population. */
export function participantTotal(db: Db, instrumentVersion?: number, population?: Population): number {
  const q = db.select({ n: count() }).from(scores);
  if (instrumentVersion === undefined) return q.get()!.n;
  return q
    .where(population === undefined ? eq(scores.instrumentVersion, instrumentVersion) : and(eq(scores.instrumentVersion, instrumentVersion), eq(scores.population, population)))
    .get()!.n;
}

/** Whether a version's population has anyone, `exceptParticipantId` left out: one step down an index. */
export function hasPopulation(db: Db, instrumentVersion: number, population: Population, exceptParticipantId?: number): boolean {
  const conditions = [eq(scores.instrumentVersion, instrumentVersion), eq(scores.population, population)];
  if (exceptParticipantId !== undefined) conditions.push(ne(scores.participantId, exceptParticipantId));
  return db.select({ one: sql<number>`1` }).from(scores).where(and(...conditions)).limit(1).get() !== undefined;
}

/**
 * Completed participants of one population, by industry, employees band and
 * region at once, who finished before `before`; with their total.
 */
export function finishedBefore(
  db: Db,
  instrumentVersion: number,
  population: PeerPopulation,
  before: Date,
): { total: number; by: Record<'industry' | 'employees' | 'region', Map<string, number>> } {
  const rows = db
    .select({ industry: scores.industry, employees: scores.employees, region: scores.region, n: count() })
    .from(scores)
    .where(and(eq(scores.instrumentVersion, instrumentVersion), eq(scores.population, population), lt(scores.computedAt, before)))
    .groupBy(scores.industry, scores.employees, scores.region)
    .all();
  const by = { industry: new Map<string, number>(), employees: new Map<string, number>(), region: new Map<string, number>() };
  let total = 0;
  for (const r of rows) {
    total += r.n;
    for (const column of ['industry', 'employees', 'region'] as const) by[column].set(r[column], (by[column].get(r[column]) ?? 0) + r.n);
  }
  return { total, by };
}

/** Every Velocity Index of a group, for the brute-force baseline in benchmarks and tests. */
export function velocitiesOf(db: Db, where: GroupWhere): number[] {
  return db.select({ v: scores.velocity }).from(scores).where(groupWhere(where)).all().map((r) => r.v);
}

/** Members of a group with a value in `column` and how many of them have `value` or less, in one pass. */
export function countAtMost(
  db: Db,
  column: ScoreColumn,
  where: GroupWhere,
  value: number,
  excludeParticipantId?: number,
): { size: number; notBetter: number } {
  const col = scores[column];
  const row = db
    .select({ size: count(), notBetter: sql<number | null>`sum(${col} <= ${value})` })
    .from(scores)
    .where(and(groupWhere(where, excludeParticipantId), isNotNull(col)))
    .get()!;
  return { size: row.size, notBetter: row.notBetter ?? 0 };
}

/** Velocity Index counts of a group in ten-point bands, 0-10 … 90-100 (100 falls in the top band). */
export function velocityHistogram(db: Db, where: GroupWhere, excludeParticipantId?: number): number[] {
  const rows = db
    .select({ bin: sql<number>`min(cast(${scores.velocity} / 10 as integer), 9)`, n: count() })
    .from(scores)
    .where(groupWhere(where, excludeParticipantId))
    .groupBy(sql`1`)
    .all();
  const bins = new Array<number>(10).fill(0);
  for (const r of rows) bins[r.bin] = r.n;
  return bins;
}

/** A score as peer figures need it, to take out of kept counts. */
export interface PeerScoreRow {
  participantId: number;
  instrumentVersion: number;
  population: Population;
  industry: string;
  employees: string;
  velocity: number;
  value: number | null;
  number: number | null;
  winRate: number | null;
  cycle: number | null;
}

const PEER_SCORE_COLUMNS =
  's.participant_id AS participantId, s.instrument_version AS instrumentVersion, s.population, s.industry, s.employees, s.velocity, s.value, s.number, s.win_rate AS winRate, s.cycle';

/**
 * The scores of a company's participants: a handful of rows, found through
 * the participants' company index (the scores keep the company their
 * participant belongs to, and a participant never changes company).
 */
export function companyPeerScores(db: Db, companyId: number): PeerScoreRow[] {
  return prepared(
    db,
    `SELECT ${PEER_SCORE_COLUMNS} FROM participants p JOIN scores s ON s.participant_id = p.id WHERE p.company_id = ? AND s.company_id = ?`,
  ).all(companyId, companyId) as PeerScoreRow[];
}

export function peerScoreOf(db: Db, participantId: number): PeerScoreRow | undefined {
  return prepared(db, `SELECT ${PEER_SCORE_COLUMNS} FROM scores s WHERE s.participant_id = ?`).get(participantId) as PeerScoreRow | undefined;
}
