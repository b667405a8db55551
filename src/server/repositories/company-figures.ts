import { and, count, eq, sql } from 'drizzle-orm';
import { companies, participants } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgCompanyFigures from './pg/company-figures.ts';

/** Reads and writes behind a company's published figures (src/server/services/company-view.ts). */

/** The study a company belongs to; null for a company outside any study, or none. */
export async function studyIdOfCompany(db: Store, companyId: number): Promise<number | null> {
  if (db.backend === 'pg') return pgCompanyFigures.studyIdOfCompany(db, companyId);
  return onSqlite(db, (h) => h.select({ studyId: companies.studyId }).from(companies).where(eq(companies.id, companyId)).get()?.studyId ?? null);
}

/** The company's release floor (0 when it has none, or there is no such company). */
export async function releaseFloorOf(db: Store, companyId: number): Promise<number> {
  if (db.backend === 'pg') return pgCompanyFigures.releaseFloorOf(db, companyId);
  return onSqlite(db, (h) => h.select({ floor: companies.releaseFloor }).from(companies).where(eq(companies.id, companyId)).get()?.floor ?? 0);
}

/** Raises the company's release floor to `floor` (never lowers it). */
export async function raiseReleaseFloor(db: Store, companyId: number, floor: number): Promise<void> {
  if (db.backend === 'pg') return pgCompanyFigures.raiseReleaseFloor(db, companyId, floor);
  await onSqlite(db, (h) => {
    h.update(companies).set({ releaseFloor: sql`max(${companies.releaseFloor}, ${floor})` }).where(eq(companies.id, companyId)).run();
  });
}

/** Completed participants of a study per company and wave. */
export async function completedCountsOfStudy(db: Store, studyId: number): Promise<{ companyId: number | null; waveId: number | null; n: number }[]> {
  if (db.backend === 'pg') return pgCompanyFigures.completedCountsOfStudy(db, studyId);
  return onSqlite(db, (h) =>
    h
      .select({ companyId: participants.companyId, waveId: participants.waveId, n: count() })
      .from(participants)
      .where(and(eq(participants.studyId, studyId), eq(participants.status, 'completed')))
      .groupBy(participants.companyId, participants.waveId)
      .all(),
  );
}

/** A study's completed participants with their company, wave, finishing time and their company's release floor. */
export async function completedWithFloorsOfStudy(
  db: Store,
  studyId: number,
): Promise<{ id: number; companyId: number | null; waveId: number | null; completedAt: Date | null; floor: number | null }[]> {
  if (db.backend === 'pg') return pgCompanyFigures.completedWithFloorsOfStudy(db, studyId);
  return onSqlite(db, (h) =>
    h
      .select({ id: participants.id, companyId: participants.companyId, waveId: participants.waveId, completedAt: participants.completedAt, floor: companies.releaseFloor })
      .from(participants)
      .leftJoin(companies, eq(companies.id, participants.companyId))
      .where(and(eq(participants.studyId, studyId), eq(participants.status, 'completed')))
      .all(),
  );
}
