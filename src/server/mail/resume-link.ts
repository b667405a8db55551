import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../../db/client.ts';
import type { Participant } from '../../../db/schema.ts';
import { takeRateSlot } from '../repositories/rate-limits.ts';
import { brandOfStudy, studyName } from '../repositories/studies.ts';
import { enqueueMail } from './outbox.ts';
import { renderMail } from './render.ts';

/** A participant may have their link sent this often; more would let the form be used to send mail to strangers. */
export const RESUME_MAILS_PER_HOUR = 3;

const AddressSchema = z
  .string()
  .trim()
  .min(1, 'Enter the e-mail address to send the link to.')
  .max(254, 'That address is longer than any e-mail address can be.')
  .pipe(z.email('Enter an e-mail address such as name@example.com.'));

export type ResumeMailOutcome =
  | { ok: true; address: string }
  | { ok: false; field: 'email'; error: string }
  | { ok: false; field: 'limit'; error: string; retryAt: Date };

const TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' });

/**
 * Puts the participant's private link in the outbox for the address they
 * typed. The address is kept nowhere else: not in the participant's row, not
 * in the rate limit (which counts per participant), and the outbox erases it
 * once the message is sent. Each request is a message of its own.
 */
export function queueResumeLink(db: Db, participant: Participant, rawAddress: unknown, link: string, now: Date): ResumeMailOutcome {
  const parsed = AddressSchema.safeParse(typeof rawAddress === 'string' ? rawAddress : '');
  if (!parsed.success) return { ok: false, field: 'email', error: parsed.error.issues[0]!.message };
  const address = parsed.data;
  const brand = participant.studyId === null ? undefined : brandOfStudy(db, participant.studyId);
  const study = studyName(db, participant.studyId);
  const from = brand?.name ?? null;
  const mail = renderMail({
    subject: from ? `Your link to the ${from} sales assessment` : 'Your link to the Velocity Index assessment',
    preheader: 'Open it on any device to carry on where you left off.',
    heading: 'Carry on where you left off',
    paragraphs: [
      `You asked for the private link to your sales assessment${study ? ` in “${study}”` : ''}. It opens your answers on any device, at the question you reached.`,
    ],
    button: { label: 'Continue the assessment', href: link },
    after: ['Keep this e-mail to yourself and do not forward it: anyone who has the link can read and change your answers.'],
    footer: [
      from ? `Sent by Velocity Index on behalf of ${from}, because someone entered this address on the assessment page.` : 'Sent by Velocity Index because someone entered this address on the assessment page.',
      'If that was not you, delete this e-mail; nothing else will follow.',
    ],
    accent: brand?.accent ?? undefined,
  });
  return db.transaction(
    (tx) => {
      const t = tx as unknown as Db;
      const retryAt = takeRateSlot(t, { bucket: 'resume-link-mail', key: String(participant.id), max: RESUME_MAILS_PER_HOUR, windowMs: 3_600_000 }, now);
      if (retryAt) {
        return {
          ok: false as const,
          field: 'limit' as const,
          retryAt,
          error: `The link has been sent ${RESUME_MAILS_PER_HOUR} times in the last hour, the most we send. You can ask again after ${TIME.format(retryAt)}; until then, copy the link or bookmark this page.`,
        };
      }
      enqueueMail(t, { kind: 'resume-link', dedupeKey: `resume:${participant.id}:${randomUUID()}`, to: address, subject: mail.subject, text: mail.text, html: mail.html }, now);
      return { ok: true as const, address };
    },
    { behavior: 'immediate' },
  );
}
