import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { lookupInvitation, startParticipation } from '../../src/server/services/participation.ts';
import { postForm, storeFingerprint } from '../helpers/forms.ts';
import { instrument, validProfile } from '../helpers/instrument.ts';
import { answerAllButLast, pageFields, pages, startParticipant } from '../helpers/journey.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { insertConsultant } from '../../src/server/repositories/consultants.ts';
import { insertStudy, insertCompany } from '../../src/server/repositories/studies.ts';
import { profileSchema } from '../../src/domain/profile.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/** Issue 11: a closed study still accepted finishes from participants who had started before it closed. */
let store: TestStore;
let site: RunningSite;

const setStatus = (status: 'open' | 'closed') => store.raw.run("UPDATE studies SET status = ? WHERE invite_token = 'closing-study-1'", status);

beforeAll(async () => {
  store = await openTestStore();
  const db = store.db;
  const consultant = await insertConsultant(db, { email: 'c@example.com', passwordHash: 'x' });
  const study = await insertStudy(db, consultant.id, 'Closing study', 'closing-study-1');
  await insertCompany(db, study.id, 'Closing Co', 'closing-company-1');
  site = await startSite(store.url);
}, SETUP_MS);
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

describe('a closed study (issue 11)', () => {
  it('accepts no finish and no saved page from a participant who joined while it was open: a clear page, nothing stored', async () => {
    await setStatus('open');
    const token = await startParticipant(site.base, '/join/closing-study-1');
    await answerAllButLast(site.base, token);
    await setStatus('closed');
    const before = await storeFingerprint(store.raw);
    const finish = await postForm(site.base, `/r/${token}/${pages.length}`, { ...pageFields(pages.length), action: 'finish' });
    expect(finish.status).toBe(410);
    expect(await finish.text()).toContain('This study is closed');
    const save = await postForm(site.base, `/r/${token}/1`, { ...pageFields(1), action: 'save' });
    expect(save.status).toBe(410);
    expect(await storeFingerprint(store.raw)).toBe(before);
    const page = await fetch(`${site.base}/r/${token}/1`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('data-testid="study-closed"');
    // Reopened, the same link carries on and finishes.
    await setStatus('open');
    const reopened = await postForm(site.base, `/r/${token}/${pages.length}`, { ...pageFields(pages.length), action: 'finish' });
    expect(reopened.headers.get('location')).toBe(`/r/${token}/results`);
  });

  it('takes no new participant through its study or company link', async () => {
    await setStatus('closed');
    const before = await storeFingerprint(store.raw);
    for (const link of ['/join/closing-study-1', '/join/closing-company-1']) {
      const res = await postForm(site.base, link, validProfile());
      expect(res.status, link).toBe(410);
      expect(await res.text()).toContain('This study is closed');
    }
    expect(await storeFingerprint(store.raw)).toBe(before);
  });

  it('stores no participant when the study closes while the profile form is on its way', async () => {
    const t = await openTestStore();
    try {
      const consultant = await insertConsultant(t.db, { email: 'c@example.com', passwordHash: 'x' });
      await insertStudy(t.db, consultant.id, 'Racing study', 'racing-study-1');
      const lookup = await lookupInvitation(t.db, 'racing-study-1');
      expect(lookup.ok).toBe(true);
      await t.raw.run("UPDATE studies SET status = 'closed'");
      const profile = profileSchema(instrument).parse(validProfile());
      const started = (await startParticipation(t.db, instrument, profile, lookup.ok ? lookup.invitation : null)) as { ok?: boolean; refused?: string };
      expect(started).toMatchObject({ ok: false, refused: 'closed' });
      expect(await t.raw.get('SELECT count(*) AS n FROM participants')).toEqual({ n: 0 });
    } finally {
      await t.cleanup();
    }
  });
});
