import { eq } from 'drizzle-orm';
import type { Company } from '../../../../db/schema.ts';
import { companies, consultants, studies } from '../../../../db/pg/schema.ts';
import { pgRead, type PgStore } from '../../data/store.ts';

export async function studyAndConsultantName(db: PgStore, studyId: number): Promise<{ name: string; consultantName: string | null }> {
  return pgRead(
    db,
    async (h) =>
      (
        await h
          .select({ name: studies.name, consultantName: consultants.name })
          .from(studies)
          .innerJoin(consultants, eq(consultants.id, studies.consultantId))
          .where(eq(studies.id, studyId))
      )[0]!,
  );
}

export async function studyStatusAndName(db: PgStore, studyId: number): Promise<{ status: 'open' | 'closed'; name: string }> {
  return pgRead(db, async (h) => (await h.select({ status: studies.status, name: studies.name }).from(studies).where(eq(studies.id, studyId)))[0]!);
}

export async function findCompany(db: PgStore, companyId: number): Promise<Company | undefined> {
  return pgRead(db, async (h) => (await h.select().from(companies).where(eq(companies.id, companyId)))[0]);
}
