import { and, desc, eq, getTableColumns } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { companies, participants, scores, studies, type Company, type Study } from '../../../db/schema.ts';

// Every study read leaves the logo's bytes out: they are read only where they are served or embedded (findLogo, brandOfStudy).
const { brandLogo: _logo, ...studyColumns } = getTableColumns(studies);

export function findStudyByInvite(db: Db, token: string): Study | undefined {
  return db.select(studyColumns).from(studies).where(eq(studies.inviteToken, token)).get();
}

export function findCompanyByInvite(db: Db, token: string): { company: Company; study: Study | undefined } | undefined {
  const company = db.select().from(companies).where(eq(companies.inviteToken, token)).get();
  if (!company) return undefined;
  const study = company.studyId === null ? undefined : db.select(studyColumns).from(studies).where(eq(studies.id, company.studyId)).get();
  return { company, study };
}

/** True when the study exists and is closed; a participant without a study is never in a closed one. */
export function studyIsClosed(db: Db, studyId: number | null): boolean {
  if (studyId === null) return false;
  return db.select({ status: studies.status }).from(studies).where(eq(studies.id, studyId)).get()?.status === 'closed';
}

export function studiesOf(db: Db, consultantId: number): Study[] {
  return db.select(studyColumns).from(studies).where(eq(studies.consultantId, consultantId)).orderBy(desc(studies.createdAt)).all();
}

/** A study only if it belongs to the consultant: anyone else's id reads as missing. */
export function studyOf(db: Db, consultantId: number, studyId: number): Study | undefined {
  return db.select(studyColumns).from(studies).where(and(eq(studies.id, studyId), eq(studies.consultantId, consultantId))).get();
}

export function insertStudy(db: Db, consultantId: number, name: string, inviteToken: string): Study {
  return db.insert(studies).values({ consultantId, name, inviteToken }).returning(studyColumns).get();
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

/** What a study's brand changes to: every field at once (null clears it); the logo as its stored PNG or null. */
export interface BrandChange {
  name: string | null;
  accent: string | null;
  /** Leave the logo as it is when undefined. */
  logo?: { png: Uint8Array; width: number; height: number; key: string } | null;
}

/** Writes a study's brand; true when the row changed (the caller has checked the study is the consultant's). */
export function updateStudyBrand(db: Db, studyId: number, change: BrandChange, at: Date): boolean {
  const logo =
    change.logo === undefined
      ? {}
      : change.logo === null
        ? { brandLogo: null, brandLogoWidth: null, brandLogoHeight: null, brandLogoKey: null }
        : { brandLogo: Buffer.from(change.logo.png), brandLogoWidth: change.logo.width, brandLogoHeight: change.logo.height, brandLogoKey: change.logo.key };
  const result = db
    .update(studies)
    .set({ brandName: change.name, brandAccent: change.accent, ...logo, brandUpdatedAt: at })
    .where(eq(studies.id, studyId))
    .run();
  return result.changes === 1;
}

/** A stored logo by its content key (/brand/<key>.png); any study's row with that key holds the same bytes. */
export function findLogo(db: Db, key: string): Uint8Array | undefined {
  const row = db.select({ png: studies.brandLogo }).from(studies).where(eq(studies.brandLogoKey, key)).limit(1).get();
  return row?.png ?? undefined;
}

/** A study's brand without its logo's bytes (pages link the logo by its key; reports read it with findLogo). */
export function brandOfStudy(db: Db, studyId: number) {
  return db
    .select({
      name: studies.brandName,
      accent: studies.brandAccent,
      width: studies.brandLogoWidth,
      height: studies.brandLogoHeight,
      key: studies.brandLogoKey,
    })
    .from(studies)
    .where(eq(studies.id, studyId))
    .get();
}

/** A study's name, for the covers of its reports; undefined for no study. */
export function studyName(db: Db, studyId: number | null): string | undefined {
  if (studyId === null) return undefined;
  return db.select({ name: studies.name }).from(studies).where(eq(studies.id, studyId)).get()?.name;
}
