import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { optionsOf } from '../../src/domain/answers.ts';
import type { Item } from '../../src/domain/instrument.ts';
import { itemScore } from '../../src/domain/scoring.ts';
import { hashToken, newToken } from '../../src/server/auth/tokens.ts';
import type { Store } from '../../src/server/data/store.ts';
import { insertParticipant, saveAnswers } from '../../src/server/repositories/participants.ts';
import { insertCompany, insertStudy, insertWave, latestWaveOf } from '../../src/server/repositories/studies.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { postForm } from '../helpers/forms.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { projectRoot } from '../../src/server/paths.ts';
import { SETUP_MS } from '../helpers/limits.ts';

const K = 5;
const PASSWORD = 'correct horse battery staple';
let store: TestStore;
let site: RunningSite;
let studyId: number;
let closedStudyId: number;
let companyId: number;
const tokens = { first: '', second: '', alone: '', closed: '' };
const ids = { first: 0 };

function optionAt(item: Item, at: number): string {
  const sorted = [...optionsOf(instrument, item)].sort((a, b) => itemScore(instrument, item, a.id)! - itemScore(instrument, item, b.id)!);
  return sorted[Math.round(at * (sorted.length - 1))]!.id;
}

/** A participant with its private token; finished at `level` on every scale unless `level` is null. */
async function participant(db: Store, where: { studyId: number | null; companyId: number | null }, level: number | null, role = 'manager') {
  const token = newToken();
  const p = await insertParticipant(db, {
    studyId: where.studyId,
    companyId: where.companyId,
    waveId: where.studyId === null ? null : (await latestWaveOf(db, where.studyId))!.id,
    role,
    companyName: 'Acme',
    industry: 'software-saas',
    employees: '50-249',
    salesTeam: '6-20',
    region: 'europe',
    motion: 'inside',
    instrumentId: instrument.id,
    instrumentVersion: instrument.version,
    resumeTokenHash: hashToken(token),
    updatedAt: new Date(),
  });
  if (level !== null) await answer(db, p.id, level);
  return { id: p.id, token };
}

async function answer(db: Store, id: number, level: number) {
  await saveAnswers(db, id, completeAnswers(instrument, (item) => (item.kind === 'number' ? undefined : optionAt(item, level))));
  await finishParticipant(db, instrument, id);
}

beforeAll(async () => {
  store = await openTestStore();
  const db = store.db;
  const consultant = await addConsultant(db, 'c@example.com', PASSWORD);
  studyId = (await insertStudy(db, consultant.id, 'Spring pipeline review', 'waves-study-1')).id;
  companyId = (await insertCompany(db, studyId, 'Acme', 'waves-acme-1')).id;
  const first = await participant(db, { studyId, companyId }, 0.25);
  tokens.first = first.token;
  ids.first = first.id;
  tokens.second = (await participant(db, { studyId, companyId }, 0.25, 'rep')).token;
  for (let i = 0; i < K - 1; i++) await participant(db, { studyId, companyId }, i % 2 ? 0 : 0.25, i % 2 ? 'rep' : 'manager');
  tokens.alone = (await participant(db, { studyId: null, companyId: null }, 0.5)).token;
  closedStudyId = (await insertStudy(db, consultant.id, 'Closed study', 'waves-closed-1')).id;
  tokens.closed = (await participant(db, { studyId: closedStudyId, companyId: null }, 0.5)).token;
  await insertWave(db, studyId, newToken);
  await insertWave(db, closedStudyId, newToken);
  await store.raw.run("UPDATE studies SET status = 'closed' WHERE id = ?", closedStudyId);
  site = await startSite(store.url);
}, SETUP_MS);
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

const rows = <T>(sql: string, ...params: unknown[]) => store.raw.all<T>(sql, ...params);
const get = (path: string) => fetch(`${site.base}${path}`, { redirect: 'manual' });
const press = (token: string) =>
  fetch(`${site.base}/r/${token}/retake`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });

let retakeToken = '';

describe('retaking a newer round', () => {
  it('offers the open round on the results page of a finished participant', async () => {
    const html = await (await get(`/r/${tokens.first}/results`)).text();
    expect(html).toContain('data-testid="retake-offer"');
    expect(html).toContain('Round 2 of Spring pipeline review is open — take it again');
    expect(html).toContain(`action="/r/${tokens.first}/retake"`);
    // Before any second round is compared there is no change section.
    expect(html).not.toContain('data-testid="round-change"');
  });

  it('starts a new response in round 2 with a new private link, linked to the earlier one', async () => {
    const res = await press(tokens.first);
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    const match = /^\/r\/([A-Za-z0-9_-]{22})\/1\?round=new$/.exec(location);
    expect(match).not.toBeNull();
    retakeToken = match![1]!;
    expect(retakeToken).not.toBe(tokens.first);
    const page = await (await get(location)).text();
    // The new private link is shown as for any new participant.
    expect(page).toContain(`/r/${retakeToken}`);
    expect(page).toContain('Your private link to continue');
    // Said once, on arrival: this is a new response with a link of its own, shown open.
    expect(page).toContain('data-testid="new-round-notice"');
    expect(page).toMatch(/<details class="resume-details" open/);
    expect(await (await get(location.replace('?round=new', ''))).text()).not.toContain('data-testid="new-round-notice"');
    const created = (await rows<{ previous_id: number; wave_id: number; company_id: number; role: string; status: string }>(
      'SELECT previous_id, wave_id, company_id, role, status FROM participants WHERE resume_token_hash = ?',
      hashToken(retakeToken),
    ));
    const round2 = (await rows<{ id: number }>('SELECT id FROM study_waves WHERE study_id = ? AND number = 2', studyId))[0]!.id;
    expect(created).toEqual([{ previous_id: ids.first, wave_id: round2, company_id: companyId, role: 'manager', status: 'in_progress' }]);
  });

  it('refuses a second press, saying it was started and that the link shown then continues it', async () => {
    const res = await press(tokens.first);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/r/${tokens.first}/results?retake=already-started`);
    const html = await (await get(res.headers.get('location')!)).text();
    expect(html).toContain('data-testid="retake-already-started"');
    expect(html).toContain('private link');
    expect(html).toContain('data-testid="retake-started"');
    expect(await rows('SELECT id FROM participants WHERE previous_id = ?', ids.first)).toHaveLength(1);
  });

  it('refuses a closed study and a participant without a study, starting nothing', async () => {
    const before = (await rows('SELECT id FROM participants')).length;
    for (const token of [tokens.closed, tokens.alone]) {
      expect((await get(`/r/${token}/results`)).status).toBe(200);
      expect(await (await get(`/r/${token}/results`)).text()).not.toContain('data-testid="retake-offer"');
      const res = await press(token);
      expect(res.headers.get('location')).toBe(`/r/${token}/results?retake=not-offered`);
      expect(await (await get(res.headers.get('location')!)).text()).toContain('data-testid="retake-not-offered"');
    }
    expect(await rows('SELECT id FROM participants')).toHaveLength(before);
  });

  it('answers an unknown private link with 404 and starts nothing', async () => {
    const before = (await rows('SELECT id FROM participants')).length;
    expect((await press(newToken())).status).toBe(404);
    expect((await press('not-a-token')).status).toBe(404);
    expect(await rows('SELECT id FROM participants')).toHaveLength(before);
  });

  it('refuses a cross-site post (origin check), starting nothing', async () => {
    const res = await fetch(`${site.base}/r/${tokens.second}/retake`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(res.status).toBe(403);
    expect(await rows('SELECT id FROM participants WHERE previous_id IS NOT NULL')).toHaveLength(1);
  });

  it('shows the company’s and the reader’s own change once round 2 has enough respondents', async () => {
    const db = store.db;
    const retaker = (await rows<{ id: number }>('SELECT id FROM participants WHERE resume_token_hash = ?', hashToken(retakeToken)))[0]!.id;
    await answer(db, retaker, 1);
    for (let i = 0; i < K; i++) await participant(db, { studyId, companyId }, i % 2 ? 0.75 : 1, i % 2 ? 'rep' : 'manager');
    const html = await (await get(`/r/${retakeToken}/results`)).text();
    expect(html).toContain('data-testid="round-change"');
    expect(html).toContain('Since round 1');
    expect(html).toMatch(/data-testid="change-n-company"[^>]*>\s*Your company: 6 respondents in round 1, 6 in round 2\./);
    expect(html).toContain('data-testid="change-n-own"');
    expect(html).toMatch(/up \d+ points/);
  });
});

describe('the consultant’s company page by round', () => {
  it('shows the latest round with published figures by default, with a round switcher and the change; ?wave=N picks a round', async () => {
    const signIn = await postForm(site.base, '/consultant/sign-in', { email: 'c@example.com', password: PASSWORD });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const page = (path: string) => fetch(`${site.base}${path}`, { redirect: 'manual', headers: { cookie } });
    const base = `/consultant/studies/${studyId}/companies/${companyId}`;
    const latest = await (await page(base)).text();
    expect(latest).toContain('data-testid="round-switcher"');
    expect(latest).toContain('Respondents in round 2');
    expect(latest).toContain('Change since round 1');
    expect(latest).toContain(`href="${base}?wave=1"`);
    expect(latest).toContain(`${base}.pdf?wave=2`);
    const first = await (await page(`${base}?wave=1`)).text();
    expect(first).toContain('Respondents in round 1');
    expect(first).not.toContain('Change since round');
    const pdf = await page(`${base}.pdf?wave=1`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bad = await page(`${base}?wave=two`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('must be a whole number');
    expect((await page(`${base}?wave=7`)).status).toBe(404);
    expect((await page(`${base}.pdf?wave=7`)).status).toBe(404);
    // Without a session: nothing.
    expect((await get(`${base}?wave=1`)).status).not.toBe(200);
  });
});

describe('in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the results page with the offer and with the change since round 1, and the report’s change block, are accessible at 1280 and 375 px', async () => {
    const page = await browser.newPage();
    for (const [name, path, testId] of [
      ['results-round-change', `/r/${retakeToken}/results`, 'round-change'],
      ['report-round-change', `/r/${retakeToken}/report/company`, 'report-change'],
      ['personal-round-change', `/r/${retakeToken}/report/personal`, 'report-change'],
    ] as const) {
      await page.goto(`${site.base}${path}`);
      expect(await page.getByTestId(testId).count()).toBe(1);
      await expectAccessible(page, name);
      await screenshots(page, name);
      // The block itself at both widths, to look at closely.
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 900 });
        await page.getByTestId(testId).screenshot({ path: join(projectRoot(), 'test-results', 'screenshots', `${name}-block-${width}.png`) });
      }
    }
    await page.goto(`${site.base}/r/${tokens.second}/results`);
    await expectAccessible(page, 'results-retake-offer');
    await screenshots(page, 'results-retake-offer');
    // Press the button: the browser lands on the first page of the new round.
    await page.getByTestId('retake-button').click();
    await page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}\/1\?round=new$/);
    expect(page.url()).not.toContain(tokens.second);
    await expectAccessible(page, 'new-round-first-page');
    await page.close();
  });
});
