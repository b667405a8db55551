import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invitations, mailOutbox, type Consultant } from '../../db/schema.ts';
import * as pgSchema from '../../db/pg/schema.ts';
import { hashToken } from '../../src/server/auth/tokens.ts';
import { findParticipant, saveAnswers } from '../../src/server/repositories/participants.ts';
import { insertCompany, insertStudy, insertWave, updateStudy } from '../../src/server/repositories/studies.ts';
import {
  addressHash,
  changeReminderSchedule,
  freshPrivateLink,
  invitationCounts,
  invitationToken,
  inviteAddresses,
  openPersonalLink,
  queueDueReminders,
  recordStarted,
  remindNow,
  unsubscribe,
  unsubscribeCode,
  unsubscribeTarget,
} from '../../src/server/services/invitations.ts';
import { participantByToken, deleteParticipation, finishParticipation } from '../../src/server/services/participation.ts';
import { JOBS, runScheduledJobs } from '../../src/server/mail/scheduler.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-05-04T09:00:00Z');
const at = (days: number, hours = 0) => new Date(T0.getTime() + days * DAY + hours * 3600_000);

let t: TestStore;
let owner: Consultant;
let studyId: number;
let acme: number;
let globex: number;
beforeEach(async () => {
  t = await openTestStore();
  owner = await addConsultant(t.db, 'owner@example.com', 'pw');
  await t.raw.run("UPDATE consultants SET name = 'Dana Whitfield' WHERE id = ?", owner.id);
  owner = { ...owner, name: 'Dana Whitfield' };
  studyId = (await insertStudy(t.db, owner.id, 'Q2 pipeline study', 'study-token-0001')).id;
  acme = (await insertCompany(t.db, studyId, 'Acme', 'acme-token-00001')).id;
  globex = (await insertCompany(t.db, studyId, 'Globex', 'globex-token-0001')).id;
});
afterEach(() => t.cleanup());

/** The invitations and the outbox by id, typed and mapped by drizzle on either backend. */
async function rows() {
  if (t.db.backend === 'pg') return t.db.db.select().from(pgSchema.invitations).orderBy(pgSchema.invitations.id);
  return t.db.db.select().from(invitations).orderBy(invitations.id).all();
}
async function outbox() {
  if (t.db.backend === 'pg') return t.db.db.select().from(pgSchema.mailOutbox).orderBy(pgSchema.mailOutbox.id);
  return t.db.db.select().from(mailOutbox).orderBy(mailOutbox.id).all();
}
const invite = async (addresses: string[], companyId = acme, now = T0) => {
  const out = await inviteAddresses(t.db, instrument, owner, studyId, companyId, addresses, now);
  if (!out?.ok) throw new Error(`not invited: ${JSON.stringify(out)}`);
  return out.result;
};
const schedule = async (reminderDays: string, reminderMax: string) => expect(await changeReminderSchedule(t.db, owner, studyId, { reminderDays, reminderMax })).toEqual({ ok: true });

/** Starts a participant from an invitation, as the personal link's form does. */
async function start(invitationId: number, now = T0) {
  const p = await addParticipant(t.db, { studyId, companyId: acme });
  expect(await recordStarted(t.db, invitationId, p.id, now)).toBe(true);
  return p;
}

describe('inviteAddresses', () => {
  it('stores one invitation per address with only hashes of the address key and token, and queues the invitation mail', async () => {
    expect(await invite(['ann@example.com', 'Bob@Example.com'])).toEqual({ invited: 2, alreadyInvited: 0, unsubscribed: 0 });
    const [ann, bob] = await rows();
    expect(ann).toMatchObject({ studyId, companyId: acme, email: 'ann@example.com', emailHash: await addressHash(t.db, 'ANN@example.com'), remindersQueued: 0 });
    expect(ann!.emailHash).not.toContain('ann');
    const token = await invitationToken(t.db, ann!.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ann!.tokenHash).toBe(hashToken(token));
    expect(ann!.queuedAt?.getTime()).toBe(T0.getTime());
    expect(ann!.lastQueuedAt?.getTime()).toBe(T0.getTime());
    expect(bob!.tokenHash).toBe(hashToken(await invitationToken(t.db, bob!.id)));

    const mail = await outbox();
    expect(mail.map((m) => [m.kind, m.dedupeKey, m.toAddress, m.invitationId])).toEqual([
      ['invitation', `invitation:${ann!.id}`, 'ann@example.com', ann!.id],
      ['invitation', `invitation:${bob!.id}`, 'Bob@Example.com', bob!.id],
    ]);
    expect(mail[0]!.subject).toBe('Dana Whitfield invites you to the sales benchmark for Acme');
    expect(mail[0]!.textBody).toContain(`/i/${token}`);
    const code = await unsubscribeCode(t.db, ann!.id);
    expect(code).toMatch(new RegExp(`^${ann!.id}-[A-Za-z0-9_-]{22}$`));
    expect(code).not.toContain(token);
    expect(mail[0]!.textBody).toContain(`/unsubscribe/${code}`);
    expect(mail[0]!.textBody).toMatch(/about \d+ minutes/);
    expect(mail[0]!.textBody).toContain('never shown with your name or e-mail address');
    expect(mail[0]!.textBody).toContain('We delete your address as soon as you finish or unsubscribe.');
    expect(mail[0]!.htmlBody).toContain(`href="http`);
    const headers = JSON.parse(mail[0]!.headers!) as Record<string, string>;
    expect(headers['List-Unsubscribe']).toMatch(new RegExp(`^<https?://[^>]+/unsubscribe/${code}>$`));
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });

  it('a large list (over several insert chunks) gets every row its own token and its own mail', async () => {
    const list = Array.from({ length: 450 }, (_, i) => `person${i}@example.com`);
    expect((await invite(list)).invited).toBe(450);
    const stored = await rows();
    const mail = new Map((await outbox()).map((m) => [m.invitationId, m]));
    expect(stored.map((r) => r.email)).toEqual(list);
    for (const r of stored) {
      expect(r.tokenHash).toBe(hashToken(await invitationToken(t.db, r.id)));
      expect(mail.get(r.id)?.toAddress).toBe(r.email);
      expect(mail.get(r.id)?.textBody).toContain(`/i/${await invitationToken(t.db, r.id)}`);
    }
  });

  it('names the study brand as the inviter when there is one', async () => {
    await t.raw.run("UPDATE studies SET brand_name = 'Northwind Advisory' WHERE id = ?", studyId);
    await invite(['ann@example.com']);
    expect((await outbox())[0]!.subject).toBe('Northwind Advisory invites you to the sales benchmark for Acme');
  });

  it('skips an address already invited to the company in this wave, but invites it to another company or a later wave', async () => {
    await invite(['ann@example.com']);
    expect(await invite(['ANN@example.com', 'bob@example.com'])).toEqual({ invited: 1, alreadyInvited: 1, unsubscribed: 0 });
    expect((await invite(['ann@example.com'], globex)).invited).toBe(1);
    await insertWave(t.db, studyId, (() => { let i = 0; return () => `wave-two-token-${i++}`.padEnd(16, 'x'); })());
    expect((await invite(['ann@example.com'])).invited).toBe(1);
    expect(await rows()).toHaveLength(4);
    expect(await outbox()).toHaveLength(4);
  });

  it('never invites an address that unsubscribed from the study again, in any company or wave', async () => {
    await invite(['ann@example.com']);
    expect(await unsubscribe(t.db, await unsubscribeCode(t.db, (await rows())[0]!.id), at(1))).toEqual({ studyName: 'Q2 pipeline study' });
    expect(await invite(['Ann@example.com'], globex)).toEqual({ invited: 0, alreadyInvited: 0, unsubscribed: 1 });
  });

  it('refuses another consultant’s study or company, and a closed study, storing nothing', async () => {
    const other = await addConsultant(t.db, 'other@example.com', 'pw');
    expect(await inviteAddresses(t.db, instrument, other, studyId, acme, ['a@example.com'], T0)).toBeNull();
    const otherStudy = (await insertStudy(t.db, other.id, 'Theirs', 'their-token-0001')).id;
    const theirCompany = (await insertCompany(t.db, otherStudy, 'Initech', 'initech-token-01')).id;
    expect(await inviteAddresses(t.db, instrument, owner, studyId, theirCompany, ['a@example.com'], T0)).toBeNull();
    await updateStudy(t.db, studyId, { status: 'closed' });
    expect(await inviteAddresses(t.db, instrument, owner, studyId, acme, ['a@example.com'], T0)).toMatchObject({ ok: false, error: expect.stringMatching(/closed/) });
    expect(await rows()).toEqual([]);
    expect(await outbox()).toEqual([]);
  });
});

describe('the personal link', () => {
  it('is unknown for a wrong token, records the first opening only, and moves from profile to started to completed', async () => {
    await invite(['ann@example.com']);
    const inv = (await rows())[0]!;
    const token = await invitationToken(t.db, inv.id);
    expect((await openPersonalLink(t.db, 'A'.repeat(22), at(1))).kind).toBe('unknown');
    expect((await openPersonalLink(t.db, 'short', at(1))).kind).toBe('unknown');
    const first = await openPersonalLink(t.db, token, at(1));
    expect(first).toMatchObject({ kind: 'profile', join: { studyId, companyId: acme, companyName: 'Acme', studyName: 'Q2 pipeline study' } });
    await openPersonalLink(t.db, token, at(2));
    expect((await rows())[0]!.openedAt?.getTime()).toBe(at(1).getTime());

    const p = await start(inv.id, at(2));
    expect(await recordStarted(t.db, inv.id, p.id, at(2))).toBe(false);
    expect((await openPersonalLink(t.db, token, at(3))).kind).toBe('started');
    await saveAnswers(t.db, p.id, completeAnswers());
    expect(await finishParticipation(t.db, instrument, p.id, at(3))).toEqual({ finished: true });
    expect((await openPersonalLink(t.db, token, at(4))).kind).toBe('completed');
    await updateStudy(t.db, studyId, { status: 'closed' });
    expect((await openPersonalLink(t.db, token, at(4))).kind).toBe('completed');
  });

  it('says closed for a closed study and old-wave once a new wave started, before anyone started', async () => {
    await invite(['ann@example.com']);
    const token = await invitationToken(t.db, (await rows())[0]!.id);
    await updateStudy(t.db, studyId, { status: 'closed' });
    expect((await openPersonalLink(t.db, token)).kind).toBe('closed');
    await updateStudy(t.db, studyId, { status: 'open' });
    await insertWave(t.db, studyId, (() => { let i = 0; return () => `wave-two-token-${i++}`.padEnd(16, 'x'); })());
    expect((await openPersonalLink(t.db, token)).kind).toBe('old-wave');
  });

  it('lets someone who started finish their round after a new one began: their link offers to continue, not “closed”', async () => {
    await invite(['ann@example.com']);
    const token = await invitationToken(t.db, (await rows())[0]!.id);
    await start((await rows())[0]!.id);
    await insertWave(t.db, studyId, (() => { let i = 0; return () => `wave-two-token-${i++}`.padEnd(16, 'x'); })());
    expect((await openPersonalLink(t.db, token)).kind).toBe('started');
  });

  it('issues a fresh private link for the participant, and the old one stops working', async () => {
    await invite(['ann@example.com']);
    const inv = (await rows())[0]!;
    const token = await invitationToken(t.db, inv.id);
    expect(await freshPrivateLink(t.db, token)).toBeNull();
    const p = await start(inv.id);
    const first = (await freshPrivateLink(t.db, token))!;
    expect(first.completed).toBe(false);
    expect((await participantByToken(t.db, first.token))?.id).toBe(p.id);
    const second = (await freshPrivateLink(t.db, token))!;
    expect((await participantByToken(t.db, second.token))?.id).toBe(p.id);
    expect(await participantByToken(t.db, first.token)).toBeNull();
  });
});

describe('completion, deletion and unsubscribe', () => {
  it('completion sets completedAt, erases the address and drops a pending reminder', async () => {
    await schedule('3', '2');
    await invite(['ann@example.com']);
    const inv = (await rows())[0]!;
    const p = await start(inv.id, at(1));
    expect(await queueDueReminders(t.db, at(3))).toBe(1);
    expect((await outbox()).map((m) => m.kind)).toEqual(['invitation', 'reminder']);
    // The invitation was sent meanwhile; only the reminder is still pending.
    await t.raw.run("UPDATE mail_outbox SET state = 'sent' WHERE kind = 'invitation'");
    await saveAnswers(t.db, p.id, completeAnswers());
    await finishParticipation(t.db, instrument, p.id, at(4));
    expect((await rows())[0]).toMatchObject({ email: null, participantId: p.id });
    expect((await rows())[0]!.completedAt?.getTime()).toBe(at(4).getTime());
    expect((await outbox()).map((m) => m.kind)).toEqual(['invitation']);
    expect(await queueDueReminders(t.db, at(30))).toBe(0);
  });

  it('deleting one’s answers erases the address and stops reminders', async () => {
    await schedule('3', '2');
    await invite(['ann@example.com']);
    const p = await start((await rows())[0]!.id, at(1));
    await deleteParticipation(t.db, (await findParticipant(t.db, p.id))!);
    expect((await rows())[0]).toMatchObject({ email: null, participantId: null });
    expect(await outbox()).toEqual([]);
    expect(await queueDueReminders(t.db, at(30))).toBe(0);
  });

  it('unsubscribe stops every invitation of the address in the study, erases it and drops unsent mail, idempotently', async () => {
    await schedule('3', '2');
    await invite(['ann@example.com', 'bob@example.com']);
    await invite(['ann@example.com'], globex);
    const [annAcme, bob, annGlobex] = await rows();
    await t.raw.run("UPDATE mail_outbox SET state = 'sent' WHERE invitation_id = ?", annAcme!.id);
    expect(await unsubscribe(t.db, await unsubscribeCode(t.db, annAcme!.id), at(1))).not.toBeNull();
    expect(await unsubscribe(t.db, await unsubscribeCode(t.db, annAcme!.id), at(2))).not.toBeNull();
    const after = await rows();
    for (const r of [after[0]!, after[2]!]) {
      expect(r.email).toBeNull();
      expect(r.unsubscribedAt?.getTime()).toBe(at(1).getTime());
    }
    expect(after[1]).toMatchObject({ email: 'bob@example.com', unsubscribedAt: null });
    // The sent invitation stays on record; Globex's unsent one is gone.
    expect((await outbox()).map((m) => m.invitationId)).toEqual([annAcme!.id, bob!.id]);
    expect(annGlobex).toBeDefined();
    expect(await queueDueReminders(t.db, at(3))).toBe(1);
    expect((await outbox()).at(-1)).toMatchObject({ kind: 'reminder', toAddress: 'bob@example.com' });
    expect(await unsubscribe(t.db, 'B'.repeat(22))).toBeNull();
  });

  it('takes only the unsubscribe code: not the personal link’s token, nor a code forged for another id', async () => {
    await invite(['ann@example.com', 'bob@example.com']);
    const [ann, bob] = await rows();
    const annCode = await unsubscribeCode(t.db, ann!.id);
    const forged = `${bob!.id}-${annCode.split('-').slice(1).join('-')}`;
    for (const code of [await invitationToken(t.db, ann!.id), `${ann!.id}-${await invitationToken(t.db, ann!.id)}`, forged, `0${annCode}`, `${annCode}x`]) {
      expect(await unsubscribeTarget(t.db, code), code).toBeNull();
      expect(await unsubscribe(t.db, code, at(1)), code).toBeNull();
    }
    expect((await rows()).every((r) => r.unsubscribedAt === null)).toBe(true);
    expect(await unsubscribeTarget(t.db, annCode)).toEqual({ studyName: 'Q2 pipeline study', done: false });
  });
});

describe('reminders', () => {
  it('are off by default until a schedule is set', async () => {
    await t.raw.run('UPDATE studies SET reminder_days = NULL WHERE id = ?', studyId);
    await invite(['ann@example.com']);
    expect(await queueDueReminders(t.db, at(60))).toBe(0);
  });

  it('follow the schedule: every reminderDays after the last mail, at most reminderMax, then stop', async () => {
    await schedule('3', '2');
    await invite(['ann@example.com']);
    const id = (await rows())[0]!.id;
    expect(await queueDueReminders(t.db, at(2, 23))).toBe(0);
    expect(await queueDueReminders(t.db, at(3))).toBe(1);
    expect(await queueDueReminders(t.db, at(3))).toBe(0);
    expect(await queueDueReminders(t.db, at(5, 23))).toBe(0);
    expect(await queueDueReminders(t.db, at(6))).toBe(1);
    expect(await queueDueReminders(t.db, at(40))).toBe(0);
    const reminders = (await outbox()).filter((m) => m.kind === 'reminder');
    expect(reminders.map((m) => m.dedupeKey)).toEqual([`reminder:${id}:1`, `reminder:${id}:2`]);
    expect((await rows())[0]).toMatchObject({ remindersQueued: 2 });
    expect((await rows())[0]!.lastQueuedAt?.getTime()).toBe(at(6).getTime());
  });

  it('say how far the person got: not started, or started', async () => {
    await schedule('2', '1');
    await invite(['ann@example.com', 'bob@example.com']);
    await start((await rows())[1]!.id, at(1));
    expect(await queueDueReminders(t.db, at(2))).toBe(2);
    const [ann, bob] = (await outbox()).filter((m) => m.kind === 'reminder');
    expect(ann!.subject).toMatch(/^Reminder:/);
    expect(ann!.textBody).toContain('you haven’t started yet');
    expect(bob!.textBody).toContain('your answers so far are saved');
    expect(bob!.subject).not.toBe(ann!.subject);
    for (const m of [ann!, bob!]) expect(JSON.parse(m.headers!)['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });

  it('are queued by the mail loop’s scheduler', async () => {
    await schedule('3', '1');
    await invite(['ann@example.com']);
    expect(await runScheduledJobs(t.db, at(3), JOBS, () => undefined)).toEqual([]);
    expect((await outbox()).map((m) => m.kind)).toEqual(['invitation', 'reminder']);
  });

  it('only in open studies and the latest wave', async () => {
    await schedule('1', '3');
    await invite(['ann@example.com']);
    await updateStudy(t.db, studyId, { status: 'closed' });
    expect(await queueDueReminders(t.db, at(2))).toBe(0);
    await updateStudy(t.db, studyId, { status: 'open' });
    await insertWave(t.db, studyId, (() => { let i = 0; return () => `wave-two-token-${i++}`.padEnd(16, 'x'); })());
    expect(await queueDueReminders(t.db, at(2))).toBe(0);
  });

  it('the schedule form takes off or 1–30 days and 0–5 reminders, and refuses anything else without a change', async () => {
    for (const [days, max] of [['0', '2'], ['31', '2'], ['2.5', '2'], ['soon', '2'], ['3', '6'], ['3', '-1'], ['3', '']]) {
      const out = await changeReminderSchedule(t.db, owner, studyId, { reminderDays: days!, reminderMax: max! });
      expect(out, `${days}/${max}`).toMatchObject({ ok: false, error: expect.any(String) });
    }
    expect(await t.raw.get('SELECT reminder_days AS d, reminder_max AS m FROM studies')).toEqual({ d: null, m: 2 });
    await schedule('off', '0');
    await schedule('30', '5');
    expect(await t.raw.get('SELECT reminder_days AS d, reminder_max AS m FROM studies')).toEqual({ d: 30, m: 5 });
    expect(await changeReminderSchedule(t.db, await addConsultant(t.db, 'x@example.com', 'pw'), studyId, { reminderDays: '3', reminderMax: '1' })).toBeNull();
  });

  it('“remind now” reaches those not finished, counts toward the max and never mails one person twice in 24 hours', async () => {
    await schedule('off', '2');
    await invite(['ann@example.com', 'bob@example.com', 'cy@example.com']);
    const [, bob, cy] = await rows();
    const p = await start(bob!.id);
    await saveAnswers(t.db, p.id, completeAnswers());
    await finishParticipation(t.db, instrument, p.id, at(0, 1));
    await unsubscribe(t.db, await unsubscribeCode(t.db, cy!.id), at(0, 2));
    expect(await remindNow(t.db, instrument, owner, studyId, at(0, 23))).toBe(0);
    expect(await remindNow(t.db, instrument, owner, studyId, at(1))).toBe(1);
    expect(await remindNow(t.db, instrument, owner, studyId, at(1, 12))).toBe(0);
    expect(await remindNow(t.db, instrument, owner, studyId, at(2))).toBe(1);
    expect(await remindNow(t.db, instrument, owner, studyId, at(5))).toBe(0);
    expect((await outbox()).filter((m) => m.kind === 'reminder').map((m) => m.toAddress)).toEqual(['ann@example.com', 'ann@example.com']);
    expect(await remindNow(t.db, instrument, await addConsultant(t.db, 'x@example.com', 'pw'), studyId, at(9))).toBeNull();
  });
});

describe('invitationCounts', () => {
  it('counts per company of the wave', async () => {
    await invite(['ann@example.com', 'bob@example.com', 'cy@example.com']);
    await invite(['dee@example.com'], globex);
    const [ann, bob, cy] = await rows();
    await openPersonalLink(t.db, await invitationToken(t.db, ann!.id));
    await openPersonalLink(t.db, await invitationToken(t.db, bob!.id));
    const p = await start(bob!.id);
    await saveAnswers(t.db, p.id, completeAnswers());
    await finishParticipation(t.db, instrument, p.id);
    await unsubscribe(t.db, await unsubscribeCode(t.db, cy!.id));
    const counts = await invitationCounts(t.db, studyId, ann!.waveId);
    expect(counts.get(acme)).toEqual({ invited: 3, opened: 2, started: 1, completed: 1, unsubscribed: 1 });
    expect(counts.get(globex)).toEqual({ invited: 1, opened: 0, started: 0, completed: 0, unsubscribed: 0 });
  });
});
