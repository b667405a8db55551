import { and, asc, count, eq, isNotNull, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { scores, type NewScoreRow, type ScoreRow } from '../../../db/schema.ts';
import type { PeerProfile } from '../../domain/peers.ts';
import type { PeerPopulation, Population } from '../../domain/population.ts';
import { onSqlite, type Store } from '../data/store.ts';
import { prepared, preparedQuery } from './prepared.ts';
import * as pgScores from './pg/scores.ts';

export async function upsertScore(db: Store, row: NewScoreRow): Promise<void> {
  if (db.backend === 'pg') return pgScores.upsertScore(db, row);
  await onSqlite(db, (h) => h.insert(scores).values(row).onConflictDoUpdate({ target: scores.participantId, set: row }).run());
}

export async function findScore(db: Store, participantId: number): Promise<ScoreRow | undefined> {
  if (db.backend === 'pg') return pgScores.findScore(db, participantId);
  return onSqlite(db, (h) =>
    preparedQuery(h, 'score-by-participant', (d) => d.select().from(scores).where(eq(scores.participantId, sql.placeholder('id'))).prepare()).get({
      id: participantId,
    }),
  );
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
export async function groupCounts(
  db: Store,
  where: GroupWhere,
  velocity: number,
  excludeParticipantId?: number,
): Promise<{ size: number; notBetter: number }> {
  if (db.backend === 'pg') return pgScores.groupCounts(db, where, velocity, excludeParticipantId);
  const row = await onSqlite(db, (h) =>
    h
      .select({ size: count(), notBetter: sql<number | null>`sum(${scores.velocity} <= ${velocity})` })
      .from(scores)
      .where(groupWhere(where, excludeParticipantId))
      .get()!,
  );
  return { size: row.size, notBetter: row.notBetter ?? 0 };
}

export type ScoreColumn = 'velocity' | 'value' | 'number' | 'winRate' | 'cycle' | 'approach' | 'execution' | 'personal';

/** Members of a group with a value in `column` (sub-indices can be empty when every item was not applicable). */
export async function countScored(db: Store, column: ScoreColumn, where: GroupWhere, excludeParticipantId?: number): Promise<number> {
  if (db.backend === 'pg') return pgScores.countScored(db, column, where, excludeParticipantId);
  return onSqlite(db, (h) => h.select({ n: count() }).from(scores).where(and(groupWhere(where, excludeParticipantId), isNotNull(scores[column]))).get()!.n);
}

/**
 * The value at 0-based rank `offset` of a group, in ascending order. On the
 * Velocity Index this walks the (dimensions…, velocity) index; other columns
 * sort the group, which is small once a peer group is chosen.
 */
export async function scoreAtRank(
  db: Store,
  column: ScoreColumn,
  where: GroupWhere,
  offset: number,
  excludeParticipantId?: number,
): Promise<number | undefined> {
  if (db.backend === 'pg') return pgScores.scoreAtRank(db, column, where, offset, excludeParticipantId);
  const col = scores[column];
  return onSqlite(
    db,
    (h) =>
      h
        .select({ v: col })
        .from(scores)
        .where(and(groupWhere(where, excludeParticipantId), isNotNull(col)))
        .orderBy(asc(col))
        .limit(1)
        .offset(offset)
        .get()?.v ?? undefined,
  );
}

/**
 * The values at several 0-based ranks of a group, ascending (undefined past
 * its end). PostgreSQL numbers the group's values in one pass, where an
 * OFFSET per rank walks the index from the start each time; SQLite walks its
 * index per rank in-process, as scoreAtRank does.
 */
export async function scoresAtRanks(
  db: Store,
  column: ScoreColumn,
  where: GroupWhere,
  ranks: readonly number[],
  excludeParticipantId?: number,
): Promise<(number | undefined)[]> {
  if (db.backend === 'pg') return pgScores.scoresAtRanks(db, column, where, ranks, excludeParticipantId);
  const values: (number | undefined)[] = [];
  for (const rank of ranks) values.push(await scoreAtRank(db, column, where, rank, excludeParticipantId));
  return values;
}

/** Completed participants: all of them, those of one instrument version, or of one version and population. */
export async function participantTotal(db: Store, instrumentVersion?: number, population?: Population): Promise<number> {
  if (db.backend === 'pg') return pgScores.participantTotal(db, instrumentVersion, population);
  return onSqlite(db, (h) => {
    const q = h.select({ n: count() }).from(scores);
    if (instrumentVersion === undefined) return q.get()!.n;
    return q
      .where(population === undefined ? eq(scores.instrumentVersion, instrumentVersion) : and(eq(scores.instrumentVersion, instrumentVersion), eq(scores.population, population)))
      .get()!.n;
  });
}

/** Whether a version's population has anyone, `exceptParticipantId` left out: one step down an index. */
export async function hasPopulation(db: Store, instrumentVersion: number, population: Population, exceptParticipantId?: number): Promise<boolean> {
  if (db.backend === 'pg') return pgScores.hasPopulation(db, instrumentVersion, population, exceptParticipantId);
  const conditions = [eq(scores.instrumentVersion, instrumentVersion), eq(scores.population, population)];
  if (exceptParticipantId !== undefined) conditions.push(ne(scores.participantId, exceptParticipantId));
  return onSqlite(db, (h) => h.select({ one: sql<number>`1` }).from(scores).where(and(...conditions)).limit(1).get() !== undefined);
}

/**
 * Completed participants of one population, by industry, employees band and
 * region at once, who finished before `before`; with their total.
 */
export async function finishedBefore(
  db: Store,
  instrumentVersion: number,
  population: PeerPopulation,
  before: Date,
): Promise<{ total: number; by: Record<'industry' | 'employees' | 'region', Map<string, number>> }> {
  if (db.backend === 'pg') return pgScores.finishedBefore(db, instrumentVersion, population, before);
  const rows = await onSqlite(db, (h) =>
    h
      .select({ industry: scores.industry, employees: scores.employees, region: scores.region, n: count() })
      .from(scores)
      .where(and(eq(scores.instrumentVersion, instrumentVersion), eq(scores.population, population), lt(scores.computedAt, before)))
      .groupBy(scores.industry, scores.employees, scores.region)
      .all(),
  );
  const by = { industry: new Map<string, number>(), employees: new Map<string, number>(), region: new Map<string, number>() };
  let total = 0;
  for (const r of rows) {
    total += r.n;
    for (const column of ['industry', 'employees', 'region'] as const) by[column].set(r[column], (by[column].get(r[column]) ?? 0) + r.n);
  }
  return { total, by };
}

/** Every Velocity Index of a group, for the brute-force baseline in benchmarks and tests. */
export async function velocitiesOf(db: Store, where: GroupWhere): Promise<number[]> {
  if (db.backend === 'pg') return pgScores.velocitiesOf(db, where);
  const rows = await onSqlite(db, (h) => h.select({ v: scores.velocity }).from(scores).where(groupWhere(where)).all());
  return rows.map((r) => r.v);
}

/** Members of a group with a value in `column` and how many of them have `value` or less, in one pass. */
export async function countAtMost(
  db: Store,
  column: ScoreColumn,
  where: GroupWhere,
  value: number,
  excludeParticipantId?: number,
): Promise<{ size: number; notBetter: number }> {
  if (db.backend === 'pg') return pgScores.countAtMost(db, column, where, value, excludeParticipantId);
  const col = scores[column];
  const row = await onSqlite(db, (h) =>
    h
      .select({ size: count(), notBetter: sql<number | null>`sum(${col} <= ${value})` })
      .from(scores)
      .where(and(groupWhere(where, excludeParticipantId), isNotNull(col)))
      .get()!,
  );
  return { size: row.size, notBetter: row.notBetter ?? 0 };
}

/** Velocity Index counts of a group in ten-point bands, 0-10 … 90-100 (100 falls in the top band). */
export async function velocityHistogram(db: Store, where: GroupWhere, excludeParticipantId?: number): Promise<number[]> {
  if (db.backend === 'pg') return pgScores.velocityHistogram(db, where, excludeParticipantId);
  const rows = await onSqlite(db, (h) =>
    h
      .select({ bin: sql<number>`min(cast(${scores.velocity} / 10 as integer), 9)`, n: count() })
      .from(scores)
      .where(groupWhere(where, excludeParticipantId))
      .groupBy(sql`1`)
      .all(),
  );
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
 * participant belongs to, and a participant never changes company). On the
 * SQLite handle: repositories/peer-lookup.ts reads them in one piece of work
 * with the counts they are taken out of.
 */
export function companyPeerScoresOn(h: Db, companyId: number): PeerScoreRow[] {
  return prepared(h, `SELECT ${PEER_SCORE_COLUMNS} FROM participants p JOIN scores s ON s.participant_id = p.id WHERE p.company_id = ? AND s.company_id = ?`).all(
    companyId,
    companyId,
  ) as PeerScoreRow[];
}

/** One participant's peer score, on the SQLite handle (see companyPeerScoresOn). */
export function peerScoreOfOn(h: Db, participantId: number): PeerScoreRow | undefined {
  return prepared(h, `SELECT ${PEER_SCORE_COLUMNS} FROM scores s WHERE s.participant_id = ?`).get(participantId) as PeerScoreRow | undefined;
}
