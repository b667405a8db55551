import { eq } from 'drizzle-orm';
import { companies, consultants, studies, type Company } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgInvitationFacts from './pg/invitation-facts.ts';

/** Reads of a study and company behind invitation mail and personal links (src/server/services/invitations.ts). */

/** A study's name and its consultant's name (the study must exist). */
export async function studyAndConsultantName(db: Store, studyId: number): Promise<{ name: string; consultantName: string | null }> {
  if (db.backend === 'pg') return pgInvitationFacts.studyAndConsultantName(db, studyId);
  return onSqlite(
    db,
    (h) =>
      h
        .select({ name: studies.name, consultantName: consultants.name })
        .from(studies)
        .innerJoin(consultants, eq(consultants.id, studies.consultantId))
        .where(eq(studies.id, studyId))
        .get()!,
  );
}

/** A study's status and name (the study must exist). */
export async function studyStatusAndName(db: Store, studyId: number): Promise<{ status: 'open' | 'closed'; name: string }> {
  if (db.backend === 'pg') return pgInvitationFacts.studyStatusAndName(db, studyId);
  return onSqlite(db, (h) => h.select({ status: studies.status, name: studies.name }).from(studies).where(eq(studies.id, studyId)).get()!);
}

export async function findCompany(db: Store, companyId: number): Promise<Company | undefined> {
  if (db.backend === 'pg') return pgInvitationFacts.findCompany(db, companyId);
  return onSqlite(db, (h) => h.select().from(companies).where(eq(companies.id, companyId)).get());
}
