import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Participant } from '../../../db/schema.ts';
import { transaction, type Store } from '../data/store.ts';
import { takeRateSlot } from '../repositories/rate-limits.ts';
import { brandOfStudy, studyName } from '../repositories/studies.ts';
import { addressHash } from '../services/invitations.ts';
import { enqueueMail } from './outbox.ts';
import { renderMail } from './render.ts';

/** A participant may have their link sent this often; more would let the form be used to send mail to strangers. */
export const RESUME_MAILS_PER_HOUR = 3;
/**
 * One address receives at most this many links a day, whoever asks, and one
 * network may ask this often an hour: new participants cost an attacker
 * little, so the per-participant limit alone would let them mail a victim
 * without end.
 */
export const RESUME_MAILS_PER_ADDRESS_PER_DAY = 3;
export const RESUME_MAILS_PER_NETWORK_PER_HOUR = 10;

class Refused extends Error {
  readonly outcome: ResumeMailOutcome;
  constructor(outcome: ResumeMailOutcome) {
    super('refused');
    this.outcome = outcome;
  }
}

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
 * typed. The address is kept nowhere else: not in the participant's row, in
 * the rate limits only as its keyed hash, and the outbox erases it once the
 * message is sent. Each request is a message of its own. `network` is the
 * keyed hash of the client's network (src/server/services/genuine.ts).
 */
export async function queueResumeLink(db: Store, participant: Participant, rawAddress: unknown, link: string, now: Date, network: string | null = null): Promise<ResumeMailOutcome> {
  const parsed = AddressSchema.safeParse(typeof rawAddress === 'string' ? rawAddress : '');
  if (!parsed.success) return { ok: false, field: 'email', error: parsed.error.issues[0]!.message };
  const address = parsed.data;
  const brand = participant.studyId === null ? undefined : await brandOfStudy(db, participant.studyId);
  const study = await studyName(db, participant.studyId);
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
  const limited = (retryAt: Date, error: string) => new Refused({ ok: false, field: 'limit', retryAt, error });
  try {
    // Awaited here, so that a refusal thrown inside the transaction (which rolls it back) is caught below.
    return await transaction(
      db,
      async (t) => {
        // Every limit is taken in one transaction; a refusal by any of them rolls back the others' slots.
        const own = await takeRateSlot(t, { bucket: 'resume-link-mail', key: String(participant.id), max: RESUME_MAILS_PER_HOUR, windowMs: 3_600_000 }, now);
        if (own) {
          throw limited(own, `The link has been sent ${RESUME_MAILS_PER_HOUR} times in the last hour, the most we send. You can ask again after ${TIME.format(own)}; until then, copy the link or bookmark this page.`);
        }
        const recipient = await takeRateSlot(t, { bucket: 'resume-link-to', key: await addressHash(t, address), max: RESUME_MAILS_PER_ADDRESS_PER_DAY, windowMs: 86_400_000 }, now);
        if (recipient) {
          throw limited(recipient, `That address has been sent ${RESUME_MAILS_PER_ADDRESS_PER_DAY} links in the last day, the most we send to one address. Copy the link or bookmark this page instead.`);
        }
        const fromNetwork = network === null ? null : await takeRateSlot(t, { bucket: 'resume-link-from', key: network, max: RESUME_MAILS_PER_NETWORK_PER_HOUR, windowMs: 3_600_000 }, now);
        if (fromNetwork) {
          throw limited(fromNetwork, `Too many links have been e-mailed from your network in the last hour. You can ask again after ${TIME.format(fromNetwork)}; until then, copy the link or bookmark this page.`);
        }
        await enqueueMail(t, { kind: 'resume-link', dedupeKey: `resume:${participant.id}:${randomUUID()}`, to: address, subject: mail.subject, text: mail.text, html: mail.html }, now);
        return { ok: true as const, address };
      },
      // No keys: three rate windows, one keyed by the address's hash, which is made inside (it may create the hash
      // key); asked for rarely, so it has the whole database to itself.
      { behavior: 'immediate' },
    );
  } catch (e) {
    if (e instanceof Refused) return e.outcome;
    throw e;
  }
}
