import { mailOutbox } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgOutboxEnqueue from './pg/outbox-enqueue.ts';

/** A new outbox row as src/server/mail/outbox.ts enqueueMail writes it. */
export type NewOutboxMail = typeof mailOutbox.$inferInsert;

/** Inserts a message into the outbox; false when a message with its dedupe key is there already (nothing changes). */
export async function insertOutboxMail(db: Store, row: NewOutboxMail): Promise<boolean> {
  if (db.backend === 'pg') return pgOutboxEnqueue.insertOutboxMail(db, row);
  return onSqlite(db, (h) => {
    const rows = h.insert(mailOutbox).values(row).onConflictDoNothing({ target: mailOutbox.dedupeKey }).returning({ id: mailOutbox.id }).all();
    return rows.length === 1;
  });
}
