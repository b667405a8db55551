import { and, asc, count, eq, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { scores, type NewScoreRow, type ScoreRow } from '../../../db/schema.ts';
import type { PeerProfile } from '../../domain/peers.ts';

export function upsertScore(db: Db, row: NewScoreRow): void {
  db.insert(scores).values(row).onConflictDoUpdate({ target: scores.participantId, set: row }).run();
}

export function findScore(db: Db, participantId: number): ScoreRow | undefined {
  return db.select().from(scores).where(eq(scores.participantId, participantId)).get();
}

function groupWhere(where: Partial<PeerProfile>, excludeParticipantId?: number): SQL | undefined {
  const conditions: SQL[] = [];
  if (where.industry !== undefined) conditions.push(eq(scores.industry, where.industry));
  if (where.employees !== undefined) conditions.push(eq(scores.employees, where.employees));
  if (excludeParticipantId !== undefined) conditions.push(ne(scores.participantId, excludeParticipantId));
  return conditions.length ? and(...conditions) : undefined;
}

/** Members of a peer group, leaving out the subject. */
export function groupSize(db: Db, where: Partial<PeerProfile>, excludeParticipantId?: number): number {
  return db.select({ n: count() }).from(scores).where(groupWhere(where, excludeParticipantId)).get()!.n;
}

/**
 * Members whose Velocity Index is not better than `velocity`: one ranged count
 * on the (dimensions…, velocity) index.
 */
export function countNotBetter(
  db: Db,
  where: Partial<PeerProfile>,
  velocity: number,
  excludeParticipantId?: number,
): number {
  const cond = and(groupWhere(where, excludeParticipantId), lte(scores.velocity, velocity));
  return db.select({ n: count() }).from(scores).where(cond).get()!.n;
}

/** The Velocity Index at 0-based rank `offset` within a group, in ascending order. */
export function velocityAtRank(db: Db, where: Partial<PeerProfile>, offset: number): number | undefined {
  return db
    .select({ v: scores.velocity })
    .from(scores)
    .where(groupWhere(where))
    .orderBy(asc(scores.velocity))
    .limit(1)
    .offset(offset)
    .get()?.v;
}

export function participantTotal(db: Db): number {
  return db.select({ n: count() }).from(scores).get()!.n;
}

/** Completed participants per value of one peer dimension, largest first. */
export function sizesBy(db: Db, column: 'industry' | 'employees' | 'role' | 'region' | 'motion' | 'salesTeam'): { key: string; n: number }[] {
  const col = scores[column];
  return db
    .select({ key: col, n: count() })
    .from(scores)
    .groupBy(col)
    .orderBy(sql`count(*) desc`)
    .all();
}

/** Every Velocity Index of a group, for the brute-force baseline in benchmarks and tests. */
export function velocitiesOf(db: Db, where: Partial<PeerProfile>): number[] {
  return db.select({ v: scores.velocity }).from(scores).where(groupWhere(where)).all().map((r) => r.v);
}
