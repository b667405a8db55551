import { and, count, eq, sql } from 'drizzle-orm';
import { companies, participants } from '../../../../db/pg/schema.ts';
import { pgRead, pgWrite, type PgStore } from '../../data/store.ts';

export async function studyIdOfCompany(db: PgStore, companyId: number): Promise<number | null> {
  const rows = await pgRead(db, (h) => h.select({ studyId: companies.studyId }).from(companies).where(eq(companies.id, companyId)));
  return rows[0]?.studyId ?? null;
}

export async function releaseFloorOf(db: PgStore, companyId: number): Promise<number> {
  const rows = await pgRead(db, (h) => h.select({ floor: companies.releaseFloor }).from(companies).where(eq(companies.id, companyId)));
  return rows[0]?.floor ?? 0;
}

/** Raises the company's release floor to `floor` (never lowers it): in one statement, so two raising at once keep the higher. */
export async function raiseReleaseFloor(db: PgStore, companyId: number, floor: number): Promise<void> {
  await pgWrite(db, (h) =>
    h
      .update(companies)
      .set({ releaseFloor: sql`greatest(${companies.releaseFloor}, ${floor}::integer)` })
      .where(eq(companies.id, companyId)),
  );
}

/** Completed participants of a study per company and wave, in SQLite's grouping order (nulls first). */
export async function completedCountsOfStudy(db: PgStore, studyId: number): Promise<{ companyId: number | null; waveId: number | null; n: number }[]> {
  return pgRead(db, (h) =>
    h
      .select({ companyId: participants.companyId, waveId: participants.waveId, n: count() })
      .from(participants)
      .where(and(eq(participants.studyId, studyId), eq(participants.status, 'completed')))
      .groupBy(participants.companyId, participants.waveId)
      .orderBy(sql`${participants.companyId} asc nulls first`, sql`${participants.waveId} asc nulls first`),
  );
}

export async function completedWithFloorsOfStudy(
  db: PgStore,
  studyId: number,
): Promise<{ id: number; companyId: number | null; waveId: number | null; completedAt: Date | null; floor: number | null }[]> {
  return pgRead(db, (h) =>
    h
      .select({ id: participants.id, companyId: participants.companyId, waveId: participants.waveId, completedAt: participants.completedAt, floor: companies.releaseFloor })
      .from(participants)
      .leftJoin(companies, eq(companies.id, participants.companyId))
      .where(and(eq(participants.studyId, studyId), eq(participants.status, 'completed')))
      .orderBy(participants.id),
  );
}
