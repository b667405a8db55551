import { eq, inArray } from 'drizzle-orm';
import { companies, consultants, participants, scores, studies } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgReferenceStudy from './pg/reference-study.ts';

/** The fixed study of the reports' reference pages (scripts/reference-pages.ts), written into its seeded database. */
export interface ReferenceStudy {
  consultantEmail: string;
  studyName: string;
  studyToken: string;
  brand: { name: string; accent: string; logo: { png: Uint8Array; width: number; height: number; key: string } };
  companyName: string;
  companyToken: string;
  /** Which of the seeded participants (by id order) become the company's respondents. */
  respondents: { from: number; to: number };
  /** When the respondents finished: the i-th of them at this function's time. */
  completedAt: (i: number) => Date;
}

/**
 * Writes the reference study into a seeded database: a consultant, their
 * branded study, and one company whose respondents are seeded participants,
 * alternately leaders and sellers. Returns the respondents' ids (in id
 * order) and the ids of every participant with numbers.
 */
export async function insertReferenceStudy(db: Store, fixture: ReferenceStudy): Promise<{ ids: number[]; numbered: Set<number> }> {
  if (db.backend === 'pg') return pgReferenceStudy.insertReferenceStudy(db, fixture);
  return onSqlite(db, (h) => {
    const consultant = h.insert(consultants).values({ email: fixture.consultantEmail, passwordHash: 'x' }).returning().all()[0]!;
    const study = h
      .insert(studies)
      .values({
        consultantId: consultant.id,
        name: fixture.studyName,
        inviteToken: fixture.studyToken,
        brandName: fixture.brand.name,
        brandAccent: fixture.brand.accent,
        brandLogo: Buffer.from(fixture.brand.logo.png),
        brandLogoWidth: fixture.brand.logo.width,
        brandLogoHeight: fixture.brand.logo.height,
        brandLogoKey: fixture.brand.logo.key,
      })
      .returning()
      .all()[0]!;
    const name = fixture.companyName;
    const company = h.insert(companies).values({ studyId: study.id, name, inviteToken: fixture.companyToken }).returning().all()[0]!;
    const numbered = new Set((h.$client.prepare('SELECT participant_id AS id FROM participant_numbers').all() as { id: number }[]).map((r) => r.id));
    const ids = (h.$client.prepare('SELECT id FROM participants ORDER BY id').all() as { id: number }[]).map((r) => r.id).slice(fixture.respondents.from, fixture.respondents.to);
    h.update(participants).set({ companyId: company.id, studyId: study.id, companyName: name }).where(inArray(participants.id, ids)).run();
    h.update(scores).set({ companyId: company.id, studyId: study.id }).where(inArray(scores.participantId, ids)).run();
    ids.forEach((id, i) => h.update(participants).set({ role: i % 2 ? 'rep' : 'leader', completedAt: fixture.completedAt(i) }).where(eq(participants.id, id)).run());
    return { ids, numbered };
  });
}
