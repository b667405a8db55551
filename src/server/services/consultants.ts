import { z } from 'zod';
import type { Db } from '../../../db/client.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/password.ts';
import { findConsultantByEmail, insertConsultant } from '../repositories/consultants.ts';

export const NewConsultantSchema = z.object({
  email: z.email('is not an e-mail address').max(254).transform((e) => e.toLowerCase()),
  name: z.string().trim().max(120).optional(),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(1024, 'must be at most 1024 characters'),
});

export class ConsultantExistsError extends Error {}

export async function createConsultant(db: Db, input: z.input<typeof NewConsultantSchema>) {
  const data = NewConsultantSchema.parse(input);
  if (findConsultantByEmail(db, data.email)) throw new ConsultantExistsError(`a consultant with the e-mail ${data.email} already exists`);
  const passwordHash = await hashPassword(data.password);
  return insertConsultant(db, { email: data.email, name: data.name, passwordHash });
}
