import { and, count, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { invitations, participants } from '../../../db/schema.ts';

/** Counts keyed by company id; the study's own link (no company) under null. */
export type CountsByCompany = Map<number | null, number>;

/**
 * Invitations sent per company in one wave. A stand-in until the invitations
 * service's invitationCounts(db, studyId, waveId) is merged; the dashboard
 * reads only this shape.
 */
export function invitedByCompany(db: Db, studyId: number, waveId: number): CountsByCompany {
  const rows = db
    .select({ companyId: invitations.companyId, n: count() })
    .from(invitations)
    .where(and(eq(invitations.studyId, studyId), eq(invitations.waveId, waveId)))
    .groupBy(invitations.companyId)
    .all();
  return new Map(rows.map((r) => [r.companyId, r.n]));
}

/** Who started and who finished in one wave, per company: progress only, nobody's answers or scores. */
export function progressOfWave(db: Db, studyId: number, waveId: number): { started: CountsByCompany; completed: CountsByCompany } {
  const rows = db
    .select({ companyId: participants.companyId, status: participants.status, n: count() })
    .from(participants)
    .where(and(eq(participants.studyId, studyId), eq(participants.waveId, waveId)))
    .groupBy(participants.companyId, participants.status)
    .all();
  const started: CountsByCompany = new Map();
  const completed: CountsByCompany = new Map();
  for (const r of rows) {
    started.set(r.companyId, (started.get(r.companyId) ?? 0) + r.n);
    if (r.status === 'completed') completed.set(r.companyId, (completed.get(r.companyId) ?? 0) + r.n);
  }
  return { started, completed };
}

/** When each completion of the wave happened, for the completion-over-time chart. */
export function completionTimesOfWave(db: Db, studyId: number, waveId: number): Date[] {
  return db
    .select({ at: participants.completedAt })
    .from(participants)
    .where(and(eq(participants.studyId, studyId), eq(participants.waveId, waveId), eq(participants.status, 'completed'), isNotNull(participants.completedAt)))
    .all()
    .map((r) => r.at!);
}
