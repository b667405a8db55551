import { z } from 'zod';
import type { Db } from '../../../db/client.ts';
import type { Consultant } from '../../../db/schema.ts';
import { safeText } from '../../domain/safe-text.ts';
import { hashPassword } from '../auth/password.ts';
import { PasswordFieldSchema, passwordPolicy } from '../auth/password-policy.ts';
import {
  deleteConsultantRow,
  findConsultantByEmail,
  insertConsultant,
  listConsultants as listConsultantRows,
  studyCountOf,
  updateConsultant,
} from '../repositories/consultants.ts';
import { deleteSessionsOf } from '../repositories/sessions.ts';
import { deleteAttemptsOfAccount } from '../repositories/sign-in-attempts.ts';

const EmailSchema = z.email('is not an e-mail address').max(254).transform((e) => e.toLowerCase());

export const NewConsultantSchema = z
  .object({
    email: EmailSchema,
    name: safeText({ field: '', max: 120, tooLong: 'must be at most 120 characters' }).optional(),
    password: PasswordFieldSchema,
  })
  .superRefine(passwordPolicy);

export const PasswordResetSchema = z.object({ email: EmailSchema, password: PasswordFieldSchema }).superRefine(passwordPolicy);

export class ConsultantExistsError extends Error {}
export class ConsultantNotFoundError extends Error {}
export class ConsultantHasStudiesError extends Error {}

function existing(db: Db, rawEmail: string): Consultant {
  const email = rawEmail.trim().toLowerCase();
  const consultant = findConsultantByEmail(db, email);
  if (!consultant) throw new ConsultantNotFoundError(`there is no consultant with the e-mail ${email} (see \`user list\`)`);
  return consultant;
}

export async function createConsultant(db: Db, input: z.input<typeof NewConsultantSchema>) {
  const data = NewConsultantSchema.parse(input);
  if (findConsultantByEmail(db, data.email)) throw new ConsultantExistsError(`a consultant with the e-mail ${data.email} already exists`);
  const passwordHash = await hashPassword(data.password);
  return insertConsultant(db, { email: data.email, name: data.name, passwordHash });
}

export function listConsultants(db: Db, now = new Date()) {
  return listConsultantRows(db, now);
}

/**
 * Sets a new password (the same policy as a new account). Every session of
 * the account ends, and its failed sign-ins are forgotten, so the owner can
 * sign in with the new password at once.
 */
export async function resetPassword(db: Db, input: z.input<typeof PasswordResetSchema>): Promise<{ consultant: Consultant; endedSessions: number }> {
  const data = PasswordResetSchema.parse(input);
  const consultant = existing(db, data.email);
  const passwordHash = await hashPassword(data.password);
  const endedSessions = db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    updateConsultant(txDb, consultant.id, { passwordHash });
    deleteAttemptsOfAccount(txDb, consultant.email);
    return deleteSessionsOf(txDb, consultant.id);
  });
  return { consultant, endedSessions };
}

/**
 * Disables (the account cannot sign in and its sessions end at once) or
 * enables an account. Its studies, their links and participants are kept.
 * `changed` is false when the account already was in that state.
 */
export function setConsultantDisabled(
  db: Db,
  email: string,
  disabled: boolean,
  now = new Date(),
): { consultant: Consultant; changed: boolean; endedSessions: number } {
  const consultant = existing(db, email);
  const changed = (consultant.disabledAt !== null) !== disabled;
  const endedSessions = db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    if (changed) updateConsultant(txDb, consultant.id, { disabledAt: disabled ? now : null });
    return disabled ? deleteSessionsOf(txDb, consultant.id) : 0;
  });
  return { consultant, changed, endedSessions };
}

/**
 * Deletes an account that has no studies (its sessions go with it). One with
 * studies is refused rather than taking them along: a study's invite links,
 * companies and drill-downs would go, for participants who may still be
 * answering and clients who still expect the results. Disable it instead.
 */
export function deleteConsultant(db: Db, email: string): Consultant {
  const consultant = existing(db, email);
  db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const studies = studyCountOf(txDb, consultant.id);
    if (studies > 0) {
      throw new ConsultantHasStudiesError(
        `${consultant.email} still has ${studies} stud${studies === 1 ? 'y' : 'ies'}: disable the account instead (\`user disable --email ${consultant.email}\`), which ends its sessions and keeps the studies`,
      );
    }
    deleteConsultantRow(txDb, consultant.id);
  }, { behavior: 'immediate' });
  return consultant;
}
