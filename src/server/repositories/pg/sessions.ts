import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Consultant } from '../../../../db/schema.ts';
import { consultants, sessions } from '../../../../db/pg/schema.ts';
import { pgRead, pgWrite, type PgStore } from '../../data/store.ts';

export async function insertSession(db: PgStore, tokenHash: string, consultantId: number, expiresAt: Date): Promise<void> {
  await pgWrite(db, (h) => h.insert(sessions).values({ tokenHash, consultantId, expiresAt }));
}

export async function consultantOfSession(db: PgStore, tokenHash: string, now: Date): Promise<Consultant | undefined> {
  return pgRead(
    db,
    async (h) =>
      (
        await h
          .select({ consultant: consultants })
          .from(sessions)
          .innerJoin(consultants, eq(consultants.id, sessions.consultantId))
          .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), isNull(consultants.disabledAt)))
      )[0]?.consultant,
  );
}

export async function deleteSession(db: PgStore, tokenHash: string): Promise<void> {
  await pgWrite(db, (h) => h.delete(sessions).where(eq(sessions.tokenHash, tokenHash)));
}

export async function deleteExpiredSessions(db: PgStore, now: Date): Promise<void> {
  await pgWrite(db, (h) => h.delete(sessions).where(lt(sessions.expiresAt, now)));
}

export async function deleteSessionsOf(db: PgStore, consultantId: number): Promise<number> {
  return pgWrite(db, async (h) => (await h.delete(sessions).where(eq(sessions.consultantId, consultantId))).rowCount ?? 0);
}
