import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { companies, studies, type Company, type Study } from '../../../db/schema.ts';

export function findStudyByInvite(db: Db, token: string): Study | undefined {
  return db.select().from(studies).where(eq(studies.inviteToken, token)).get();
}

export function findCompanyByInvite(db: Db, token: string): { company: Company; study: Study | undefined } | undefined {
  const company = db.select().from(companies).where(eq(companies.inviteToken, token)).get();
  if (!company) return undefined;
  const study = company.studyId === null ? undefined : db.select().from(studies).where(eq(studies.id, company.studyId)).get();
  return { company, study };
}
