import { mailOutbox } from '../../../../db/pg/schema.ts';
import { pgWrite, type PgStore } from '../../data/store.ts';
import type { NewOutboxMail } from '../outbox-enqueue.ts';

/**
 * ON CONFLICT on the dedupe key: a second instance enqueueing the same
 * message at once waits for the first one's row, then does nothing (or
 * inserts, should the first roll back).
 */
export async function insertOutboxMail(db: PgStore, row: NewOutboxMail): Promise<boolean> {
  return pgWrite(db, async (h) => {
    const rows = await h.insert(mailOutbox).values(row).onConflictDoNothing({ target: mailOutbox.dedupeKey }).returning({ id: mailOutbox.id });
    return rows.length === 1;
  });
}
