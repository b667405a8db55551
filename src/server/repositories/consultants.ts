import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { consultants, type Consultant } from '../../../db/schema.ts';

export function findConsultantByEmail(db: Db, email: string): Consultant | undefined {
  return db.select().from(consultants).where(eq(consultants.email, email)).get();
}

export function insertConsultant(db: Db, row: { email: string; name?: string; passwordHash: string }): Consultant {
  return db.insert(consultants).values(row).returning().get();
}
