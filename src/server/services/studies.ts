import { z } from 'zod';
import type { Db } from '../../../db/client.ts';
import type { Consultant } from '../../../db/schema.ts';
import { newToken } from '../auth/tokens.ts';
import { insertCompany, insertStudy, studyOf, updateStudy } from '../repositories/studies.ts';

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

export type StudyAction = 'rename' | 'close' | 'reopen' | 'add-company';

/**
 * One change to one of the consultant's own studies, from the study page's
 * forms. Null when the study is not theirs (the page answers 404).
 */
export function changeStudy(db: Db, consultant: Consultant, studyId: number, form: Record<string, string>): Created<null> | null {
  if (!studyOf(db, consultant.id, studyId)) return null;
  switch (form.action) {
    case 'rename': {
      const name = NameSchema.safeParse(form.name ?? '');
      if (!name.success) return { ok: false, error: name.error.issues[0]!.message };
      updateStudy(db, studyId, { name: name.data });
      return { ok: true, value: null };
    }
    case 'close':
    case 'reopen':
      updateStudy(db, studyId, { status: form.action === 'close' ? 'closed' : 'open' });
      return { ok: true, value: null };
    case 'add-company': {
      const created = createCompanyLink(db, consultant, studyId, form.name);
      return created && (created.ok ? { ok: true, value: null } : created);
    }
    default:
      return { ok: false, error: 'Unknown action.' };
  }
}
