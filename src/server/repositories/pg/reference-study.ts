import { eq, inArray } from 'drizzle-orm';
import { companies, consultants, participantNumbers, participants, scores, studies } from '../../../../db/pg/schema.ts';
import { pgWrite, type PgStore } from '../../data/store.ts';
import type { ReferenceStudy } from '../reference-study.ts';

/** The SQLite version says what it writes; here in one transaction. */
export async function insertReferenceStudy(db: PgStore, fixture: ReferenceStudy): Promise<{ ids: number[]; numbered: Set<number> }> {
  return pgWrite(db, async (h) => {
    const consultant = (await h.insert(consultants).values({ email: fixture.consultantEmail, passwordHash: 'x' }).returning())[0]!;
    const study = (
      await h
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
        .returning({ id: studies.id })
    )[0]!;
    const name = fixture.companyName;
    const company = (await h.insert(companies).values({ studyId: study.id, name, inviteToken: fixture.companyToken }).returning())[0]!;
    const numbered = new Set((await h.select({ id: participantNumbers.participantId }).from(participantNumbers)).map((r) => r.id));
    const ids = (await h.select({ id: participants.id }).from(participants).orderBy(participants.id)).map((r) => r.id).slice(fixture.respondents.from, fixture.respondents.to);
    if (ids.length > 0) {
      await h.update(participants).set({ companyId: company.id, studyId: study.id, companyName: name }).where(inArray(participants.id, ids));
      await h.update(scores).set({ companyId: company.id, studyId: study.id }).where(inArray(scores.participantId, ids));
    }
    for (const [i, id] of ids.entries()) {
      await h.update(participants).set({ role: i % 2 ? 'rep' : 'leader', completedAt: fixture.completedAt(i) }).where(eq(participants.id, id));
    }
    return { ids, numbered };
  });
}
