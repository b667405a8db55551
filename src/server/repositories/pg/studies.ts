import { and, desc, eq, getTableColumns, max, sql } from 'drizzle-orm';
import type { Company, Study, StudyWave } from '../../../../db/schema.ts';
import { companies, participants, scores, studies, studyWaves, waveLinks } from '../../../../db/pg/schema.ts';
import { pgRead, pgWrite, type PgHandle, type PgStore } from '../../data/store.ts';
import type { BrandChange, InviteTarget, StatedProfile } from '../studies.ts';
import { bytewise } from './collation.ts';

// Every study read leaves the logo's bytes out, as on SQLite.
const { brandLogo: _logo, ...studyColumns } = getTableColumns(studies);

export async function findInvite(db: PgStore, token: string): Promise<InviteTarget | undefined> {
  // One statement, so the link, its company and the latest wave are read together (SQLite reads them in one piece of work).
  const rows = await pgRead(db, (h) =>
    h
      .select({
        wave: studyWaves,
        study: studyColumns,
        company: companies,
        latestWave: sql<number | null>`(select max(x.number) from study_waves x where x.study_id = ${studies.id})`,
      })
      .from(waveLinks)
      .innerJoin(studyWaves, eq(studyWaves.id, waveLinks.waveId))
      .innerJoin(studies, eq(studies.id, studyWaves.studyId))
      .leftJoin(companies, eq(companies.id, waveLinks.companyId))
      .where(eq(waveLinks.token, token)),
  );
  const link = rows[0];
  if (!link) return undefined;
  return { study: link.study, wave: link.wave, latestWave: link.latestWave ?? link.wave.number, company: link.company };
}

async function latestWaveOn(h: PgHandle, studyId: number): Promise<StudyWave | undefined> {
  return (await h.select().from(studyWaves).where(eq(studyWaves.studyId, studyId)).orderBy(desc(studyWaves.number)).limit(1))[0];
}

export async function latestWaveOf(db: PgStore, studyId: number): Promise<StudyWave | undefined> {
  return pgRead(db, (h) => latestWaveOn(h, studyId));
}

export async function wavesOf(db: PgStore, studyId: number): Promise<StudyWave[]> {
  return pgRead(db, (h) => h.select().from(studyWaves).where(eq(studyWaves.studyId, studyId)).orderBy(studyWaves.number));
}

/** The invite links of one wave, the study's own first, as SQLite's (wave, company) index gives them. */
export async function linksOfWave(db: PgStore, waveId: number): Promise<{ companyId: number | null; token: string }[]> {
  return pgRead(db, (h) =>
    h
      .select({ companyId: waveLinks.companyId, token: waveLinks.token })
      .from(waveLinks)
      .where(eq(waveLinks.waveId, waveId))
      .orderBy(sql`${waveLinks.companyId} asc nulls first`, waveLinks.id),
  );
}

/**
 * Locks the study's row for the rest of the transaction: two writers adding
 * waves or companies to one study at once (two app servers) take turns, so
 * the next wave number is read after the other's wave is in, and a company
 * added meanwhile gets its link in the new wave. NO KEY UPDATE: inserts that
 * only reference the study (a participant joining) are not held up by it.
 */
async function lockStudy(h: PgHandle, studyId: number): Promise<void> {
  await h.select({ id: studies.id }).from(studies).where(eq(studies.id, studyId)).for('no key update');
}

/** Starts the study's next wave: new links for the study and each of its companies, in one transaction. */
export async function insertWave(db: PgStore, studyId: number, newToken: () => string): Promise<StudyWave> {
  return pgWrite(db, async (h) => {
    await lockStudy(h, studyId);
    const last = (await h.select({ n: max(studyWaves.number) }).from(studyWaves).where(eq(studyWaves.studyId, studyId)))[0]?.n ?? 0;
    const wave = (await h.insert(studyWaves).values({ studyId, number: last + 1 }).returning())[0]!;
    const companyIds = await h.select({ id: companies.id }).from(companies).where(eq(companies.studyId, studyId)).orderBy(companies.id);
    const links = [{ waveId: wave.id, companyId: null as number | null, token: newToken() }, ...companyIds.map((c) => ({ waveId: wave.id, companyId: c.id, token: newToken() }))];
    await h.insert(waveLinks).values(links);
    return wave;
  });
}

export async function studyIsClosed(db: PgStore, studyId: number | null): Promise<boolean> {
  if (studyId === null) return false;
  const rows = await pgRead(db, (h) => h.select({ status: studies.status }).from(studies).where(eq(studies.id, studyId)));
  return rows[0]?.status === 'closed';
}

export async function studiesOf(db: PgStore, consultantId: number): Promise<Study[]> {
  return pgRead(db, (h) =>
    h
      .select(studyColumns)
      .from(studies)
      .where(eq(studies.consultantId, consultantId))
      .orderBy(desc(studies.createdAt), desc(studies.id)),
  );
}

export async function studyOf(db: PgStore, consultantId: number, studyId: number): Promise<Study | undefined> {
  return pgRead(db, async (h) => (await h.select(studyColumns).from(studies).where(and(eq(studies.id, studyId), eq(studies.consultantId, consultantId))))[0]);
}

export async function insertStudy(db: PgStore, consultantId: number, name: string, inviteToken: string, status: 'open' | 'closed' = 'open'): Promise<Study> {
  return pgWrite(db, async (h) => {
    const study = (await h.insert(studies).values({ consultantId, name, inviteToken, status }).returning(studyColumns))[0]!;
    const wave = (await h.insert(studyWaves).values({ studyId: study.id, number: 1 }).returning())[0]!;
    await h.insert(waveLinks).values({ waveId: wave.id, companyId: null, token: inviteToken });
    return study;
  });
}

export async function insertCompany(db: PgStore, studyId: number, name: string, inviteToken: string, stated: StatedProfile = {}): Promise<Company> {
  return pgWrite(db, async (h) => {
    await lockStudy(h, studyId);
    const company = (await h.insert(companies).values({ studyId, name, inviteToken, ...stated }).returning())[0]!;
    const wave = await latestWaveOn(h, studyId);
    if (wave) await h.insert(waveLinks).values({ waveId: wave.id, companyId: company.id, token: inviteToken });
    return company;
  });
}

/** A study's companies by name, in SQLite's (bytewise) order. */
export async function companiesOf(db: PgStore, studyId: number): Promise<Company[]> {
  return pgRead(db, (h) => h.select().from(companies).where(eq(companies.studyId, studyId)).orderBy(bytewise(companies.name), companies.id));
}

export async function participantsOfStudy(db: PgStore, studyId: number) {
  return pgRead(db, (h) =>
    h
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
      .orderBy(bytewise(participants.companyName), participants.id),
  );
}

export async function updateStudy(db: PgStore, studyId: number, changes: { name?: string; status?: 'open' | 'closed' }): Promise<void> {
  await pgWrite(db, (h) => h.update(studies).set(changes).where(eq(studies.id, studyId)));
}

export async function companyInStudy(db: PgStore, studyId: number, companyId: number): Promise<Company | undefined> {
  return pgRead(db, async (h) => (await h.select().from(companies).where(and(eq(companies.id, companyId), eq(companies.studyId, studyId))))[0]);
}

export async function updateStudyBrand(db: PgStore, studyId: number, change: BrandChange, at: Date): Promise<boolean> {
  const logo =
    change.logo === undefined
      ? {}
      : change.logo === null
        ? { brandLogo: null, brandLogoWidth: null, brandLogoHeight: null, brandLogoKey: null }
        : { brandLogo: Buffer.from(change.logo.png), brandLogoWidth: change.logo.width, brandLogoHeight: change.logo.height, brandLogoKey: change.logo.key };
  const changed = await pgWrite(db, (h) =>
    h
      .update(studies)
      .set({ brandName: change.name, brandAccent: change.accent, ...logo, brandUpdatedAt: at })
      .where(eq(studies.id, studyId))
      .returning({ id: studies.id }),
  );
  return changed.length === 1;
}

export async function findLogo(db: PgStore, key: string): Promise<Uint8Array | undefined> {
  const rows = await pgRead(db, (h) => h.select({ png: studies.brandLogo }).from(studies).where(eq(studies.brandLogoKey, key)).limit(1));
  return rows[0]?.png ?? undefined;
}

export async function brandOfStudy(db: PgStore, studyId: number) {
  const rows = await pgRead(db, (h) =>
    h
      .select({
        name: studies.brandName,
        accent: studies.brandAccent,
        width: studies.brandLogoWidth,
        height: studies.brandLogoHeight,
        key: studies.brandLogoKey,
      })
      .from(studies)
      .where(eq(studies.id, studyId)),
  );
  return rows[0];
}

export async function studyName(db: PgStore, studyId: number | null): Promise<string | undefined> {
  if (studyId === null) return undefined;
  const rows = await pgRead(db, (h) => h.select({ name: studies.name }).from(studies).where(eq(studies.id, studyId)));
  return rows[0]?.name;
}

export async function updateCompany(db: PgStore, studyId: number, companyId: number, change: { name: string } & Required<StatedProfile>): Promise<boolean> {
  const changed = await pgWrite(db, (h) =>
    h
      .update(companies)
      .set(change)
      .where(and(eq(companies.id, companyId), eq(companies.studyId, studyId)))
      .returning({ id: companies.id }),
  );
  return changed.length === 1;
}
