import { z } from 'zod';
import type { Db } from '../../../db/client.ts';
import type { Consultant } from '../../../db/schema.ts';
import { newToken } from '../auth/tokens.ts';
import { insertCompany, insertStudy, studyOf } from '../repositories/studies.ts';

export const NameSchema = z.string().trim().min(1, 'Enter a name.').max(120, 'Keep the name to 120 characters.');

export type Created<T> = { ok: true; value: T } | { ok: false; error: string };

export function createStudy(db: Db, consultant: Consultant, rawName: unknown): Created<{ id: number }> {
  const name = NameSchema.safeParse(rawName ?? '');
  if (!name.success) return { ok: false, error: name.error.issues[0]!.message };
  return { ok: true, value: insertStudy(db, consultant.id, name.data, newToken()) };
}

/** A company-specific invite link inside one of the consultant's own studies. */
export function createCompanyLink(db: Db, consultant: Consultant, studyId: number, rawName: unknown): Created<{ id: number }> | null {
  if (!studyOf(db, consultant.id, studyId)) return null;
  const name = NameSchema.safeParse(rawName ?? '');
  if (!name.success) return { ok: false, error: name.error.issues[0]!.message };
  return { ok: true, value: insertCompany(db, studyId, name.data, newToken()) };
}
