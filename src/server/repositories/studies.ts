import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { companies, participants, scores, studies, type Company, type Study } from '../../../db/schema.ts';

export function findStudyByInvite(db: Db, token: string): Study | undefined {
  return db.select().from(studies).where(eq(studies.inviteToken, token)).get();
}

export function findCompanyByInvite(db: Db, token: string): { company: Company; study: Study | undefined } | undefined {
  const company = db.select().from(companies).where(eq(companies.inviteToken, token)).get();
  if (!company) return undefined;
  const study = company.studyId === null ? undefined : db.select().from(studies).where(eq(studies.id, company.studyId)).get();
  return { company, study };
}

/** True when the study exists and is closed; a participant without a study is never in a closed one. */
export function studyIsClosed(db: Db, studyId: number | null): boolean {
  if (studyId === null) return false;
  return db.select({ status: studies.status }).from(studies).where(eq(studies.id, studyId)).get()?.status === 'closed';
}

export function studiesOf(db: Db, consultantId: number): Study[] {
  return db.select().from(studies).where(eq(studies.consultantId, consultantId)).orderBy(desc(studies.createdAt)).all();
}

/** A study only if it belongs to the consultant: anyone else's id reads as missing. */
export function studyOf(db: Db, consultantId: number, studyId: number): Study | undefined {
  return db.select().from(studies).where(and(eq(studies.id, studyId), eq(studies.consultantId, consultantId))).get();
}

export function insertStudy(db: Db, consultantId: number, name: string, inviteToken: string): Study {
  return db.insert(studies).values({ consultantId, name, inviteToken }).returning().get();
}

export function insertCompany(db: Db, studyId: number, name: string, inviteToken: string): Company {
  return db.insert(companies).values({ studyId, name, inviteToken }).returning().get();
}

export function companiesOf(db: Db, studyId: number): Company[] {
  return db.select().from(companies).where(eq(companies.studyId, studyId)).orderBy(companies.name).all();
}

/** Participants of a study with their scores, for the study page. */
export function participantsOfStudy(db: Db, studyId: number) {
  return db
    .select({
      id: participants.id,
      companyId: participants.companyId,
      companyName: participants.companyName,
      role: participants.role,
      status: participants.status,
      velocity: scores.velocity,
      personal: scores.personal,
    })
    .from(participants)
    .leftJoin(scores, eq(scores.participantId, participants.id))
    .where(eq(participants.studyId, studyId))
    .orderBy(participants.companyName, participants.id)
    .all();
}

export function updateStudy(db: Db, studyId: number, changes: { name?: string; status?: 'open' | 'closed' }): void {
  db.update(studies).set(changes).where(eq(studies.id, studyId)).run();
}

/** A company only if it belongs to the given study. */
export function companyInStudy(db: Db, studyId: number, companyId: number): Company | undefined {
  return db.select().from(companies).where(and(eq(companies.id, companyId), eq(companies.studyId, studyId))).get();
}
