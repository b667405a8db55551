import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagesOf } from '../../src/domain/journey.ts';
import { insertConsultant } from '../../src/server/repositories/consultants.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { postForm, storeFingerprint, tokenOf } from '../helpers/forms.ts';
import { completeAnswers, instrument, validProfile } from '../helpers/instrument.ts';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { insertStudy, insertCompany } from '../../src/server/repositories/studies.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

let store: TestStore;
const pages = pagesOf(instrument);
const answers = completeAnswers();
let site: RunningSite;

/** The fields of one questionnaire page, every question answered. */
function pageFields(number: number): Record<string, string> {
  const page = pages[number - 1]!;
  if (page.kind === 'numbers') return { opportunities: '40', dealValue: '25000', currency: 'USD', winRate: '25', cycleDays: '90' };
  return Object.fromEntries(page.section.items.map((i) => [i.id, answers[i.id]!]));
}

async function startParticipant(): Promise<string> {
  const res = await postForm(site.base, '/start', validProfile());
  expect(res.status).toBe(303);
  return tokenOf(res.headers.get('location'));
}

/** Posts the request and asserts it changed nothing in the database. */
async function expectNothingStored(send: () => Promise<Response>): Promise<Response> {
  const before = await storeFingerprint(store.raw);
  const res = await send();
  (res as Response & { html?: string }).html = await res.text();
  expect(await storeFingerprint(store.raw)).toBe(before);
  return res;
}
const htmlOf = (res: Response) => (res as Response & { html?: string }).html ?? '';

beforeAll(async () => {
  store = await openTestStore();
  const db = store.db;
  await seedParticipants(db, instrument, { count: 40, seed: 5, now: new Date('2026-06-01T00:00:00Z') });
  const consultant = await insertConsultant(db, { email: 'c@example.com', passwordHash: 'x' });
  const open = await insertStudy(db, consultant.id, 'Spring benchmark', 'open-study-token-1');
  await insertStudy(db, consultant.id, 'Old study', 'closed-study-token', 'closed');
  await insertCompany(db, open.id, 'Northwind Traders', 'northwind-company-1');
  site = await startSite(store.url);
}, SETUP_MS);

afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

describe('the profile form', () => {
  it('starts a participant and sends it to the first section', async () => {
    const res = await postForm(site.base, '/start', validProfile());
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/r\/[A-Za-z0-9_-]{22}\/1$/);
  });

  it('re-shows the form with a message per missing field and the answers kept, storing nothing', async () => {
    const partial: Record<string, string> = { ...validProfile(), company: 'Zoë "O’Brien" <script>alert(1)</script>' };
    delete partial.industry;
    const res = await expectNothingStored(() => postForm(site.base, '/start', partial));
    expect(res.status).toBe(422);
    const html = htmlOf(res);
    expect(html).toContain('id="error-summary"');
    expect(html).toContain('href="#profile-industry"');
    // Kept as the field's value, quoted so that it cannot leave the attribute or run.
    expect(html).toContain('value="Zoë &quot;O’Brien&quot; <script>alert(1)</script>"');
    expect(html.split('<script>alert(1)</script>')).toHaveLength(2);
  });

  it.each([
    ['an unknown field', { ...validProfile(), shoeSize: '44' }, 422],
    ['a role the instrument does not have', { ...validProfile(), role: 'astronaut' }, 422],
    ['a company name over the limit', { ...validProfile(), company: 'x'.repeat(121) }, 422],
  ])('refuses %s', async (_name, fields, status) => {
    const res = await expectNothingStored(() => postForm(site.base, '/start', fields));
    expect(res.status).toBe(status);
  });

  it('refuses a body over 64 KB with 413', async () => {
    const res = await expectNothingStored(() => postForm(site.base, '/start', { ...validProfile(), company: 'x'.repeat(70_000) }));
    expect(res.status).toBe(413);
  });

  it('refuses a JSON body with 415', async () => {
    const res = await expectNothingStored(() =>
      fetch(`${site.base}/start`, { method: 'POST', headers: { origin: site.base, 'content-type': 'application/json' }, body: '{}' }),
    );
    expect(res.status).toBe(415);
  });

  it('refuses a cross-origin post', async () => {
    const res = await expectNothingStored(() => postForm(site.base, '/start', validProfile(), { origin: 'https://evil.example' }));
    expect(res.status).toBe(403);
  });
});

describe('invite links', () => {
  it('attaches the participant to the study', async () => {
    const res = await postForm(site.base, '/join/open-study-token-1', validProfile());
    expect(res.status).toBe(303);
  });

  it('fixes the company of a company-specific link, whatever was posted', async () => {
    const page = await (await fetch(`${site.base}/join/northwind-company-1`)).text();
    expect(page).toContain('Northwind Traders');
    const res = await postForm(site.base, '/join/northwind-company-1', { ...validProfile(), company: 'Someone Else' });
    expect(res.status).toBe(303);
    const last = (await store.raw.get('SELECT company_name, company_id, study_id FROM participants ORDER BY id DESC LIMIT 1'))!;
    expect(last.company_name).toBe('Northwind Traders');
    expect(last.company_id).not.toBeNull();
    expect(last.study_id).not.toBeNull();
  });

  it('answers an unknown invite with 404 and a closed study with 410, storing nothing', async () => {
    expect((await expectNothingStored(() => postForm(site.base, '/join/no-such-invite-token', validProfile()))).status).toBe(404);
    expect((await expectNothingStored(() => postForm(site.base, '/join/closed-study-token', validProfile()))).status).toBe(410);
  });
});

describe('questionnaire pages', () => {
  let token = '';
  beforeAll(async () => {
    token = await startParticipant();
  });

  it.each([
    ['an unknown item id', () => ({ ...pageFields(1), 'no-such-item': 'a' })],
    ['an option the item does not have', () => ({ ...pageFields(1), [Object.keys(pageFields(1))[0]!]: 'zz' })],
    ['an item of another page', () => ({ ...pageFields(1), ...pageFields(2) })],
  ])('stores nothing for %s and re-shows the page with the answers kept', async (_name, fields) => {
    const res = await expectNothingStored(() => postForm(site.base, `/r/${token}/1`, { ...fields(), action: 'next' }));
    expect(res.status).toBe(422);
    const html = htmlOf(res);
    expect(html).toContain('id="error-summary"');
    const [id, value] = Object.entries(pageFields(1))[1]!;
    expect(html).toMatch(new RegExp(`id="${id}--${value}"[^>]*checked`));
  });

  it('answers a forged token with 404, storing nothing', async () => {
    const res = await expectNothingStored(() => postForm(site.base, '/r/AAAAAAAAAAAAAAAAAAAAAA/1', { ...pageFields(1), action: 'next' }));
    expect(res.status).toBe(404);
    expect(htmlOf(res)).not.toContain('AAAAAAAAAAAAAAAAAAAAAA');
  });

  it('answers a page number that does not exist with 404', async () => {
    expect((await fetch(`${site.base}/r/${token}/99`)).status).toBe(404);
    expect((await fetch(`${site.base}/r/${token}/abc`)).status).toBe(404);
  });

  it('flags unanswered questions on Next but keeps the answers given', async () => {
    const [first] = Object.entries(pageFields(1));
    const res = await postForm(site.base, `/r/${token}/1`, { [first![0]]: first![1], action: 'next' });
    expect(res.status).toBe(422);
    const stored = await store.raw.all('SELECT item_id, value FROM answers WHERE participant_id = (SELECT max(id) FROM participants) ');
    expect(stored).toEqual([{ item_id: first![0], value: first![1] }]);
  });

  it('stores the same page posted twice once', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await postForm(site.base, `/r/${token}/1`, { ...pageFields(1), action: 'next' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/r/${token}/2`);
    }
    const n = (await store.raw.get<{ n: number }>('SELECT count(*) AS n FROM answers WHERE participant_id = (SELECT max(id) FROM participants)'))!.n;
    expect(n).toBe(Object.keys(pageFields(1)).length);
  });

  it('refuses a number out of range on the numbers page, storing nothing', async () => {
    const res = await expectNothingStored(() =>
      postForm(site.base, `/r/${token}/${pages.length}`, { ...pageFields(pages.length), winRate: '140', action: 'save' }),
    );
    expect(res.status).toBe(422);
    expect(htmlOf(res)).toContain('Enter a number from 0 to 100.');
  });

  it('sends Finish back to the first open page while questions are unanswered', async () => {
    const res = await postForm(site.base, `/r/${token}/${pages.length}`, { ...pageFields(pages.length), action: 'finish' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/r/${token}/2?incomplete=1`);
  });

  it('scores once when Finish is posted twice', async () => {
    for (let n = 2; n < pages.length; n++) {
      expect((await postForm(site.base, `/r/${token}/${n}`, { ...pageFields(n), action: 'next' })).status).toBe(303);
    }
    const first = await postForm(site.base, `/r/${token}/${pages.length}`, { ...pageFields(pages.length), action: 'finish' });
    expect(first.headers.get('location')).toBe(`/r/${token}/results`);
    const scored = await storeFingerprint(store.raw);
    const second = await postForm(site.base, `/r/${token}/${pages.length}`, { ...pageFields(pages.length), action: 'finish' });
    expect(second.status).toBe(303);
    expect(second.headers.get('location')).toBe(`/r/${token}/results`);
    expect(await storeFingerprint(store.raw)).toBe(scored);
    const results = await (await fetch(`${site.base}/r/${token}/results`)).text();
    expect(results).toContain('data-testid="velocity-index"');
  });
});

describe('delete my answers', () => {
  it('asks for confirmation, then removes the participant and retires the link', async () => {
    const token = await startParticipant();
    await postForm(site.base, `/r/${token}/1`, { ...pageFields(1), action: 'next' });
    const unconfirmed = await expectNothingStored(() => postForm(site.base, `/r/${token}/delete`, {}));
    expect(unconfirmed.status).toBe(422);
    const res = await postForm(site.base, `/r/${token}/delete`, { confirm: 'delete' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/deleted');
    expect((await fetch(`${site.base}/r/${token}/1`)).status).toBe(404);
    const orphans = (await store.raw.get<{ n: number }>('SELECT count(*) AS n FROM answers WHERE participant_id NOT IN (SELECT id FROM participants)'))!.n;
    expect(orphans).toBe(0);
  });
});
