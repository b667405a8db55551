import { and, asc, count, eq, isNotNull, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { NewScoreRow, ScoreRow } from '../../../../db/schema.ts';
import { scores } from '../../../../db/pg/schema.ts';
import type { Population, PeerPopulation } from '../../../domain/population.ts';
import { pgRead, pgWrite, type PgStore } from '../../data/store.ts';
import type { GroupWhere, ScoreColumn } from '../scores.ts';

export async function upsertScore(db: PgStore, row: NewScoreRow): Promise<void> {
  // SQLite's insert type leaves an integer primary key optional (it could be a rowid); a score's is always given.
  const values = row as typeof scores.$inferInsert;
  await pgWrite(db, (h) => h.insert(scores).values(values).onConflictDoUpdate({ target: scores.participantId, set: values }));
}

export async function findScore(db: PgStore, participantId: number): Promise<ScoreRow | undefined> {
  return pgRead(db, async (h) => (await h.select().from(scores).where(eq(scores.participantId, participantId)))[0]);
}

function groupWhere(where: GroupWhere, excludeParticipantId?: number): SQL | undefined {
  const conditions: SQL[] = [eq(scores.instrumentVersion, where.instrumentVersion), eq(scores.population, where.population)];
  if (where.role !== undefined) conditions.push(eq(scores.role, where.role));
  if (where.notCompany !== undefined) conditions.push(or(isNull(scores.companyId), ne(scores.companyId, where.notCompany))!);
  if (where.industry !== undefined) conditions.push(eq(scores.industry, where.industry));
  if (where.employees !== undefined) conditions.push(eq(scores.employees, where.employees));
  if (excludeParticipantId !== undefined) conditions.push(ne(scores.participantId, excludeParticipantId));
  return and(...conditions);
}

/** How many rows have `column` at most `value` (SQLite sums the comparison; a PostgreSQL boolean does not add up). */
const atMost = (column: SQL | (typeof scores)[ScoreColumn], value: number) => sql<number>`count(*) filter (where ${column} <= ${value})`.mapWith(Number);

export async function groupCounts(db: PgStore, where: GroupWhere, velocity: number, excludeParticipantId?: number): Promise<{ size: number; notBetter: number }> {
  const rows = await pgRead(db, (h) =>
    h
      .select({ size: count(), notBetter: atMost(scores.velocity, velocity) })
      .from(scores)
      .where(groupWhere(where, excludeParticipantId)),
  );
  return { size: rows[0]!.size, notBetter: rows[0]!.notBetter };
}

export async function countScored(db: PgStore, column: ScoreColumn, where: GroupWhere, excludeParticipantId?: number): Promise<number> {
  const rows = await pgRead(db, (h) =>
    h
      .select({ n: count() })
      .from(scores)
      .where(and(groupWhere(where, excludeParticipantId), isNotNull(scores[column]))),
  );
  return rows[0]!.n;
}

export async function scoreAtRank(db: PgStore, column: ScoreColumn, where: GroupWhere, offset: number, excludeParticipantId?: number): Promise<number | undefined> {
  const col = scores[column];
  const rows = await pgRead(db, (h) =>
    h
      .select({ v: col })
      .from(scores)
      .where(and(groupWhere(where, excludeParticipantId), isNotNull(col)))
      .orderBy(asc(col))
      .limit(1)
      .offset(offset),
  );
  return rows[0]?.v ?? undefined;
}

export async function scoresAtRanks(
  db: PgStore,
  column: ScoreColumn,
  where: GroupWhere,
  ranks: readonly number[],
  excludeParticipantId?: number,
): Promise<(number | undefined)[]> {
  if (ranks.length === 0) return [];
  const col = scores[column];
  const { rows } = await pgRead(db, (h) =>
    h.execute<{ v: number; r: string }>(sql`SELECT v, r FROM (
        SELECT ${col} AS v, row_number() OVER (ORDER BY ${col}) - 1 AS r FROM ${scores}
        WHERE ${and(groupWhere(where, excludeParticipantId), isNotNull(col))}
      ) numbered WHERE r = ANY(${`{${ranks.join(',')}}`}::int8[])`),
  );
  const at = new Map(rows.map((row) => [Number(row.r), row.v]));
  return ranks.map((rank) => at.get(rank));
}

export async function participantTotal(db: PgStore, instrumentVersion?: number, population?: Population): Promise<number> {
  const condition =
    instrumentVersion === undefined
      ? undefined
      : population === undefined
        ? eq(scores.instrumentVersion, instrumentVersion)
        : and(eq(scores.instrumentVersion, instrumentVersion), eq(scores.population, population));
  const rows = await pgRead(db, (h) => h.select({ n: count() }).from(scores).where(condition));
  return rows[0]!.n;
}

export async function hasPopulation(db: PgStore, instrumentVersion: number, population: Population, exceptParticipantId?: number): Promise<boolean> {
  const conditions = [eq(scores.instrumentVersion, instrumentVersion), eq(scores.population, population)];
  if (exceptParticipantId !== undefined) conditions.push(ne(scores.participantId, exceptParticipantId));
  const rows = await pgRead(db, (h) => h.select({ one: sql<number>`1` }).from(scores).where(and(...conditions)).limit(1));
  return rows.length > 0;
}

export async function finishedBefore(
  db: PgStore,
  instrumentVersion: number,
  population: PeerPopulation,
  before: Date,
): Promise<{ total: number; by: Record<'industry' | 'employees' | 'region', Map<string, number>> }> {
  const rows = await pgRead(db, (h) =>
    h
      .select({ industry: scores.industry, employees: scores.employees, region: scores.region, n: count() })
      .from(scores)
      .where(and(eq(scores.instrumentVersion, instrumentVersion), eq(scores.population, population), lt(scores.computedAt, before)))
      .groupBy(scores.industry, scores.employees, scores.region),
  );
  const by = { industry: new Map<string, number>(), employees: new Map<string, number>(), region: new Map<string, number>() };
  let total = 0;
  for (const r of rows) {
    total += r.n;
    for (const column of ['industry', 'employees', 'region'] as const) by[column].set(r[column], (by[column].get(r[column]) ?? 0) + r.n);
  }
  return { total, by };
}

export async function velocitiesOf(db: PgStore, where: GroupWhere): Promise<number[]> {
  const rows = await pgRead(db, (h) => h.select({ v: scores.velocity }).from(scores).where(groupWhere(where)).orderBy(scores.velocity));
  return rows.map((r) => r.v);
}

export async function countAtMost(
  db: PgStore,
  column: ScoreColumn,
  where: GroupWhere,
  value: number,
  excludeParticipantId?: number,
): Promise<{ size: number; notBetter: number }> {
  const col = scores[column];
  const rows = await pgRead(db, (h) =>
    h
      .select({ size: count(), notBetter: atMost(col, value) })
      .from(scores)
      .where(and(groupWhere(where, excludeParticipantId), isNotNull(col))),
  );
  return { size: rows[0]!.size, notBetter: rows[0]!.notBetter };
}

export async function velocityHistogram(db: PgStore, where: GroupWhere, excludeParticipantId?: number): Promise<number[]> {
  // trunc, as SQLite's cast to integer does (PostgreSQL's cast rounds).
  const bin = sql<number>`least(trunc(${scores.velocity} / 10)::integer, 9)`.mapWith(Number);
  const rows = await pgRead(db, (h) =>
    h
      .select({ bin, n: count() })
      .from(scores)
      .where(groupWhere(where, excludeParticipantId))
      .groupBy(sql`1`),
  );
  const bins = new Array<number>(10).fill(0);
  for (const r of rows) bins[r.bin] = r.n;
  return bins;
}

