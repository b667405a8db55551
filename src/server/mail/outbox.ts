import { randomUUID } from 'node:crypto';
import { config } from '../config.ts';
import type { Store } from '../data/store.ts';
import { insertOutboxMail } from '../repositories/outbox-enqueue.ts';

export type MailKind = 'invitation' | 'reminder' | 'resume-link' | 'weekly-summary';

/** One message to send, as the code that decides to send it writes it. */
export interface OutgoingMail {
  kind: MailKind;
  /** Unique per intended message ("invitation:12", "reminder:12:2"): deciding twice queues it once. */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
  invitationId?: number;
  consultantId?: number;
  /** Not before this moment (default: now). */
  notBefore?: Date;
}

/**
 * Puts a message in the outbox; call it inside the transaction that decides
 * to send it, so the decision and the message are stored together. False
 * when a message with this dedupe key was queued before (nothing changes).
 */
export async function enqueueMail(db: Store, mail: OutgoingMail, now = new Date()): Promise<boolean> {
  // The sender's domain names the Message-ID, as RFC 5322 suggests; it stays the same on every retry.
  const domain = /@([^>\s]+)>?\s*$/.exec(config().MAIL_FROM ?? '')?.[1] ?? 'velocity-index.invalid';
  return insertOutboxMail(db, {
    kind: mail.kind,
    dedupeKey: mail.dedupeKey,
    messageId: `<${randomUUID()}@${domain}>`,
    toAddress: mail.to,
    subject: mail.subject,
    textBody: mail.text,
    htmlBody: mail.html ?? null,
    headers: mail.headers ? JSON.stringify(mail.headers) : null,
    nextAttemptAt: mail.notBefore ?? now,
    invitationId: mail.invitationId ?? null,
    consultantId: mail.consultantId ?? null,
    createdAt: now,
  });
}
