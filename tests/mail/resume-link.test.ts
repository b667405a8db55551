import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESUME_MAILS_PER_ADDRESS_PER_DAY, RESUME_MAILS_PER_NETWORK_PER_HOUR, queueResumeLink } from '../../src/server/mail/resume-link.ts';
import { addParticipant } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.cleanup());

const queued = async () => (await t.raw.get<{ n: number }>('SELECT count(*) AS n FROM mail_outbox'))!.n;
const LINK = 'http://127.0.0.1:4321/r/AAAAAAAAAAAAAAAAAAAAAA/1';
const NOW = new Date('2026-12-01T10:00:00Z');

describe('e-mail me my link: limits that hold against throwaway participants', () => {
  it('sends one address at most three links a day, however many participants ask', async () => {
    for (let i = 0; i < RESUME_MAILS_PER_ADDRESS_PER_DAY; i++) {
      expect((await queueResumeLink(t.db, await addParticipant(t.db), 'victim@example.net', LINK, NOW)).ok).toBe(true);
    }
    const refused = await queueResumeLink(t.db, await addParticipant(t.db), 'Victim@Example.net', LINK, NOW);
    expect(refused).toMatchObject({ ok: false, field: 'limit' });
    expect(!refused.ok && refused.error).toContain('in the last day');
    expect(await queued()).toBe(RESUME_MAILS_PER_ADDRESS_PER_DAY);
    // Another address is not held up, and a day later the first may have one again.
    expect((await queueResumeLink(t.db, await addParticipant(t.db), 'someone@example.net', LINK, NOW)).ok).toBe(true);
    expect((await queueResumeLink(t.db, await addParticipant(t.db), 'victim@example.net', LINK, new Date(NOW.getTime() + 86_400_001))).ok).toBe(true);
  });

  it('takes at most ten requests an hour from one network, and a refusal uses up no other limit', async () => {
    for (let i = 0; i < RESUME_MAILS_PER_NETWORK_PER_HOUR; i++) {
      expect((await queueResumeLink(t.db, await addParticipant(t.db), `person${i}@example.net`, LINK, NOW, 'network-a')).ok).toBe(true);
    }
    const p = await addParticipant(t.db);
    const refused = await queueResumeLink(t.db, p, 'fresh@example.net', LINK, NOW, 'network-a');
    expect(refused).toMatchObject({ ok: false, field: 'limit' });
    expect(!refused.ok && refused.error).toContain('your network');
    // The refused request took no slot of the address or the participant: from elsewhere it goes three times.
    for (let i = 0; i < 3; i++) expect((await queueResumeLink(t.db, p, 'fresh@example.net', LINK, NOW, 'network-b')).ok).toBe(true);
    expect(await queued()).toBe(RESUME_MAILS_PER_NETWORK_PER_HOUR + 3);
  });
});
