import { z } from 'zod';
import type { Consultant } from '../../../db/schema.ts';
import { safeText } from '../../domain/safe-text.ts';
import { transaction, type Store } from '../data/store.ts';
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

async function existing(db: Store, rawEmail: string): Promise<Consultant> {
  const email = rawEmail.trim().toLowerCase();
  const consultant = await findConsultantByEmail(db, email);
  if (!consultant) throw new ConsultantNotFoundError(`there is no consultant with the e-mail ${email} (see \`user list\`)`);
  return consultant;
}

export async function createConsultant(db: Store, input: z.input<typeof NewConsultantSchema>) {
  const data = NewConsultantSchema.parse(input);
  if (await findConsultantByEmail(db, data.email)) throw new ConsultantExistsError(`a consultant with the e-mail ${data.email} already exists`);
  const passwordHash = await hashPassword(data.password);
  return insertConsultant(db, { email: data.email, name: data.name, passwordHash });
}

export async function listConsultants(db: Store, now = new Date()) {
  return await listConsultantRows(db, now);
}

/**
 * Sets a new password (the same policy as a new account). Every session of
 * the account ends, and its failed sign-ins are forgotten, so the owner can
 * sign in with the new password at once.
 */
export async function resetPassword(db: Store, input: z.input<typeof PasswordResetSchema>): Promise<{ consultant: Consultant; endedSessions: number }> {
  const data = PasswordResetSchema.parse(input);
  const consultant = await existing(db, data.email);
  const passwordHash = await hashPassword(data.password);
  const endedSessions = await transaction(
    db,
    async (tx) => {
      await updateConsultant(tx, consultant.id, { passwordHash });
      await deleteAttemptsOfAccount(tx, consultant.email);
      return await deleteSessionsOf(tx, consultant.id);
    },
    // No keys: an account's password, sessions and failed sign-ins change together, with the whole database,
    // so no sign-in reservation of the account counts its attempts halfway (rare: a CLI command).
    { behavior: 'immediate' },
  );
  return { consultant, endedSessions };
}

/**
 * Disables (the account cannot sign in and its sessions end at once) or
 * enables an account. Its studies, their links and participants are kept.
 * `changed` is false when the account already was in that state.
 */
export async function setConsultantDisabled(
  db: Store,
  email: string,
  disabled: boolean,
  now = new Date(),
): Promise<{ consultant: Consultant; changed: boolean; endedSessions: number }> {
  const consultant = await existing(db, email);
  const changed = (consultant.disabledAt !== null) !== disabled;
  const endedSessions = await transaction(
    db,
    async (tx) => {
      if (changed) await updateConsultant(tx, consultant.id, { disabledAt: disabled ? now : null });
      return disabled ? await deleteSessionsOf(tx, consultant.id) : 0;
    },
    // No keys: the account and its sessions change with the whole database (rare: a CLI command).
    { behavior: 'immediate' },
  );
  return { consultant, changed, endedSessions };
}

/**
 * Deletes an account that has no studies (its sessions go with it). One with
 * studies is refused rather than taking them along: a study's invite links,
 * companies and drill-downs would go, for participants who may still be
 * answering and clients who still expect the results. Disable it instead.
 */
export async function deleteConsultant(db: Store, email: string): Promise<Consultant> {
  const consultant = await existing(db, email);
  await transaction(
    db,
    async (tx) => {
      const studies = await studyCountOf(tx, consultant.id);
      if (studies > 0) {
        throw new ConsultantHasStudiesError(
          `${consultant.email} still has ${studies} stud${studies === 1 ? 'y' : 'ies'}: disable the account instead (\`user disable --email ${consultant.email}\`), which ends its sessions and keeps the studies`,
        );
      }
      await deleteConsultantRow(tx, consultant.id);
    },
    // No keys: the count of the account's studies and the deletion must see no study created in between; the
    // whole database excludes it (rare: a CLI command).
    { behavior: 'immediate' },
  );
  return consultant;
}
