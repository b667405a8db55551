import { and, desc, eq, getTableColumns, max } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { companies, participants, scores, studies, studyWaves, waveLinks, type Company, type Study, type StudyWave } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import { prepared } from './prepared.ts';
import * as pgStudies from './pg/studies.ts';

// Every study read leaves the logo's bytes out: they are read only where they are served or embedded (findLogo, brandOfStudy).
const { brandLogo: _logo, ...studyColumns } = getTableColumns(studies);

/** What an invite link (/join/<token>) leads to: a study's wave, and the company when the link is a company's. */
export interface InviteTarget {
  study: Study;
  wave: StudyWave;
  /** The study's latest wave number: only its links take new participants. */
  latestWave: number;
  company: Company | null;
}

export async function findInvite(db: Store, token: string): Promise<InviteTarget | undefined> {
  if (db.backend === 'pg') return pgStudies.findInvite(db, token);
  return onSqlite(db, (h) => {
    const link = h
      .select({ wave: studyWaves, study: studyColumns, companyId: waveLinks.companyId })
      .from(waveLinks)
      .innerJoin(studyWaves, eq(studyWaves.id, waveLinks.waveId))
      .innerJoin(studies, eq(studies.id, studyWaves.studyId))
      .where(eq(waveLinks.token, token))
      .get();
    if (!link) return undefined;
    const company = link.companyId === null ? null : (h.select().from(companies).where(eq(companies.id, link.companyId)).get() ?? null);
    return { study: link.study, wave: link.wave, latestWave: latestWaveOn(h, link.study.id)?.number ?? link.wave.number, company };
  });
}

/** latestWaveOf on the handle (or on a drizzle transaction of it), for this file's synchronous work. */
function latestWaveOn(h: Db, studyId: number): StudyWave | undefined {
  return h.select().from(studyWaves).where(eq(studyWaves.studyId, studyId)).orderBy(desc(studyWaves.number)).limit(1).get();
}

/** The study's newest wave (undefined only for a study row made outside insertStudy). */
export async function latestWaveOf(db: Store, studyId: number): Promise<StudyWave | undefined> {
  if (db.backend === 'pg') return pgStudies.latestWaveOf(db, studyId);
  return onSqlite(db, (h) => latestWaveOn(h, studyId));
}

export async function wavesOf(db: Store, studyId: number): Promise<StudyWave[]> {
  if (db.backend === 'pg') return pgStudies.wavesOf(db, studyId);
  return onSqlite(db, (h) => h.select().from(studyWaves).where(eq(studyWaves.studyId, studyId)).orderBy(studyWaves.number).all());
}

/** The invite links of one wave: the study's own (companyId null) and the companies'. */
export async function linksOfWave(db: Store, waveId: number): Promise<{ companyId: number | null; token: string }[]> {
  if (db.backend === 'pg') return pgStudies.linksOfWave(db, waveId);
  return onSqlite(db, (h) => h.select({ companyId: waveLinks.companyId, token: waveLinks.token }).from(waveLinks).where(eq(waveLinks.waveId, waveId)).all());
}

/*
 * insertWave, insertStudy and insertCompany write several rows in one
 * transaction of their own: drizzle's transaction over better-sqlite3's
 * transaction function, run as one piece of work on the connection
 * (onSqlite). Given a transaction's store, better-sqlite3 sees the
 * connection inside a transaction (`inTransaction`, SQLite's autocommit flag,
 * which the Store's own BEGIN clears too) and makes it a SAVEPOINT of that
 * transaction instead of a BEGIN ... COMMIT (better-sqlite3 13,
 * lib/methods/transaction.js; drizzle 0.45's `transaction` calls
 * `client.transaction(fn)[behavior]`); tests/server/store.test.ts shows it
 * rolled back with the outer transaction.
 */

/**
 * Starts the study's next wave: new links for the study and each of its
 * companies (tokens from `newToken`), in one transaction. The earlier
 * waves' links stop taking new participants.
 */
export async function insertWave(db: Store, studyId: number, newToken: () => string): Promise<StudyWave> {
  if (db.backend === 'pg') return pgStudies.insertWave(db, studyId, newToken);
  return onSqlite(db, (h) =>
    h.transaction((tx) => {
      const t = tx as unknown as Db;
      const last = t.select({ n: max(studyWaves.number) }).from(studyWaves).where(eq(studyWaves.studyId, studyId)).get()?.n ?? 0;
      const wave = t.insert(studyWaves).values({ studyId, number: last + 1 }).returning().all()[0]!;
      t.insert(waveLinks).values({ waveId: wave.id, companyId: null, token: newToken() }).run();
      for (const c of t.select({ id: companies.id }).from(companies).where(eq(companies.studyId, studyId)).all()) {
        t.insert(waveLinks).values({ waveId: wave.id, companyId: c.id, token: newToken() }).run();
      }
      return wave;
    }),
  );
}

/** True when the study exists and is closed; a participant without a study is never in a closed one. */
export async function studyIsClosed(db: Store, studyId: number | null): Promise<boolean> {
  if (db.backend === 'pg') return pgStudies.studyIsClosed(db, studyId);
  if (studyId === null) return false;
  // Asked on every save of a participant's answers: prepared once.
  return onSqlite(db, (h) => (prepared(h, 'SELECT status FROM studies WHERE id = ?').get(studyId) as { status: string } | undefined)?.status === 'closed');
}

export async function studiesOf(db: Store, consultantId: number): Promise<Study[]> {
  if (db.backend === 'pg') return pgStudies.studiesOf(db, consultantId);
  return onSqlite(db, (h) => h.select(studyColumns).from(studies).where(eq(studies.consultantId, consultantId)).orderBy(desc(studies.createdAt)).all());
}

/** A study only if it belongs to the consultant: anyone else's id reads as missing. */
export async function studyOf(db: Store, consultantId: number, studyId: number): Promise<Study | undefined> {
  if (db.backend === 'pg') return pgStudies.studyOf(db, consultantId, studyId);
  return onSqlite(db, (h) => h.select(studyColumns).from(studies).where(and(eq(studies.id, studyId), eq(studies.consultantId, consultantId))).get());
}

/** A new study with its first wave, whose study link is `inviteToken`. */
export async function insertStudy(db: Store, consultantId: number, name: string, inviteToken: string, status: 'open' | 'closed' = 'open'): Promise<Study> {
  if (db.backend === 'pg') return pgStudies.insertStudy(db, consultantId, name, inviteToken, status);
  return onSqlite(db, (h) =>
    h.transaction((tx) => {
      const t = tx as unknown as Db;
      // .all()[0], not .get(): better-sqlite3's get() would not see a failed commit.
      const study = t.insert(studies).values({ consultantId, name, inviteToken, status }).returning(studyColumns).all()[0]!;
      const wave = t.insert(studyWaves).values({ studyId: study.id, number: 1 }).returning().all()[0]!;
      t.insert(waveLinks).values({ waveId: wave.id, companyId: null, token: inviteToken }).run();
      return study;
    }),
  );
}

/** What a consultant states about a company (profile option ids); a company link pre-fills and locks them. */
export interface StatedProfile {
  industry?: string | null;
  employees?: string | null;
  salesTeam?: string | null;
  region?: string | null;
  motion?: string | null;
}

/** What the consultant stated about a company, as a company link pre-fills and locks it. */
export function statedProfileOf(c: Company): StatedProfile {
  return { industry: c.industry, employees: c.employees, salesTeam: c.salesTeam, region: c.region, motion: c.motion };
}

/** A company of the study with its link in the study's latest wave (`inviteToken`). */
export async function insertCompany(db: Store, studyId: number, name: string, inviteToken: string, stated: StatedProfile = {}): Promise<Company> {
  if (db.backend === 'pg') return pgStudies.insertCompany(db, studyId, name, inviteToken, stated);
  return onSqlite(db, (h) =>
    h.transaction((tx) => {
      const t = tx as unknown as Db;
      const company = t.insert(companies).values({ studyId, name, inviteToken, ...stated }).returning().all()[0]!;
      const wave = latestWaveOn(t, studyId);
      if (wave) t.insert(waveLinks).values({ waveId: wave.id, companyId: company.id, token: inviteToken }).run();
      return company;
    }),
  );
}

export async function companiesOf(db: Store, studyId: number): Promise<Company[]> {
  if (db.backend === 'pg') return pgStudies.companiesOf(db, studyId);
  return onSqlite(db, (h) => h.select().from(companies).where(eq(companies.studyId, studyId)).orderBy(companies.name).all());
}

/** Participants of a study with their scores, for the study page. */
export async function participantsOfStudy(db: Store, studyId: number) {
  if (db.backend === 'pg') return pgStudies.participantsOfStudy(db, studyId);
  return onSqlite(db, (h) =>
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
      .orderBy(participants.companyName, participants.id)
      .all(),
  );
}

export async function updateStudy(db: Store, studyId: number, changes: { name?: string; status?: 'open' | 'closed' }): Promise<void> {
  if (db.backend === 'pg') return pgStudies.updateStudy(db, studyId, changes);
  await onSqlite(db, (h) => h.update(studies).set(changes).where(eq(studies.id, studyId)).run());
}

/** A company only if it belongs to the given study. */
export async function companyInStudy(db: Store, studyId: number, companyId: number): Promise<Company | undefined> {
  if (db.backend === 'pg') return pgStudies.companyInStudy(db, studyId, companyId);
  return onSqlite(db, (h) => h.select().from(companies).where(and(eq(companies.id, companyId), eq(companies.studyId, studyId))).get());
}

/** What a study's brand changes to: every field at once (null clears it); the logo as its stored PNG or null. */
export interface BrandChange {
  name: string | null;
  accent: string | null;
  /** Leave the logo as it is when undefined. */
  logo?: { png: Uint8Array; width: number; height: number; key: string } | null;
}

/** Writes a study's brand; true when the row changed (the caller has checked the study is the consultant's). */
export async function updateStudyBrand(db: Store, studyId: number, change: BrandChange, at: Date): Promise<boolean> {
  if (db.backend === 'pg') return pgStudies.updateStudyBrand(db, studyId, change, at);
  const logo =
    change.logo === undefined
      ? {}
      : change.logo === null
        ? { brandLogo: null, brandLogoWidth: null, brandLogoHeight: null, brandLogoKey: null }
        : { brandLogo: Buffer.from(change.logo.png), brandLogoWidth: change.logo.width, brandLogoHeight: change.logo.height, brandLogoKey: change.logo.key };
  const result = await onSqlite(db, (h) =>
    h
      .update(studies)
      .set({ brandName: change.name, brandAccent: change.accent, ...logo, brandUpdatedAt: at })
      .where(eq(studies.id, studyId))
      .run(),
  );
  return result.changes === 1;
}

/** A stored logo by its content key (/brand/<key>.png); any study's row with that key holds the same bytes. */
export async function findLogo(db: Store, key: string): Promise<Uint8Array | undefined> {
  if (db.backend === 'pg') return pgStudies.findLogo(db, key);
  const row = await onSqlite(db, (h) => h.select({ png: studies.brandLogo }).from(studies).where(eq(studies.brandLogoKey, key)).limit(1).get());
  return row?.png ?? undefined;
}

/** A study's brand without its logo's bytes (pages link the logo by its key; reports read it with findLogo). */
export async function brandOfStudy(db: Store, studyId: number) {
  if (db.backend === 'pg') return pgStudies.brandOfStudy(db, studyId);
  return onSqlite(db, (h) =>
    h
      .select({
        name: studies.brandName,
        accent: studies.brandAccent,
        width: studies.brandLogoWidth,
        height: studies.brandLogoHeight,
        key: studies.brandLogoKey,
      })
      .from(studies)
      .where(eq(studies.id, studyId))
      .get(),
  );
}

/** A study's name, for the covers of its reports; undefined for no study. */
export async function studyName(db: Store, studyId: number | null): Promise<string | undefined> {
  if (db.backend === 'pg') return pgStudies.studyName(db, studyId);
  if (studyId === null) return undefined;
  return onSqlite(db, (h) => h.select({ name: studies.name }).from(studies).where(eq(studies.id, studyId)).get()?.name);
}

/** A company's name and what its consultant states about it (null: each respondent answers); the caller has checked the study is the consultant's. */
export async function updateCompany(db: Store, studyId: number, companyId: number, change: { name: string } & Required<StatedProfile>): Promise<boolean> {
  if (db.backend === 'pg') return pgStudies.updateCompany(db, studyId, companyId, change);
  const result = await onSqlite(db, (h) => h.update(companies).set(change).where(and(eq(companies.id, companyId), eq(companies.studyId, studyId))).run());
  return result.changes === 1;
}
