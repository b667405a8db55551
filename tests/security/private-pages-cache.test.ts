import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { postForm } from '../helpers/forms.ts';
import { completeParticipant, startParticipant } from '../helpers/journey.ts';
import { insertStudy } from '../../src/server/repositories/studies.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/** Issue 11: private pages and PDFs carried no Cache-Control, so a shared cache or the browser's could keep them. */
let store: TestStore;
const PASSWORD = 'correct horse battery staple';
let site: RunningSite;
let studyId = 0;

beforeAll(async () => {
  store = await openTestStore();
  const db = store.db;
  const consultant = await addConsultant(db, 'consultant@example.com', PASSWORD);
  studyId = (await insertStudy(db, consultant.id, 'Cache study', 'cache-study-invite')).id;
  site = await startSite(store.url);
}, SETUP_MS);
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

const cacheControl = async (path: string, cookie?: string) => {
  const res = await fetch(`${site.base}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  await res.arrayBuffer();
  return { status: res.status, cacheControl: res.headers.get('cache-control') };
};

describe('Cache-Control on private pages (issue 11)', () => {
  it('is no-store on every page and PDF under /r/, the invite page, and the consultant area with its exports', async () => {
    const done = await completeParticipant(site.base, '/join/cache-study-invite');
    const open = await startParticipant(site.base);
    const signIn = await postForm(site.base, '/consultant/sign-in', { email: 'consultant@example.com', password: PASSWORD });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const paths: [string, string?][] = [
      [`/r/${open}`],
      [`/r/${open}/1`],
      [`/r/${open}/saved`],
      [`/r/${open}/delete`],
      [`/r/${done}/results`],
      [`/r/${done}/report/company`],
      [`/r/${done}/report/personal`],
      [`/r/${done}/report/company.pdf`],
      [`/r/${done}/report/personal.pdf`],
      ['/join/cache-study-invite'],
      ['/consultant/sign-in'],
      ['/consultant', cookie],
      [`/consultant/studies/${studyId}`, cookie],
      [`/consultant/studies/${studyId}/export/scores.csv`, cookie],
      [`/consultant/studies/${studyId}/export/answers.csv`, cookie],
      ['/consultant/compare', cookie],
      ['/consultant/compare.csv', cookie],
    ];
    for (const [path, withCookie] of paths) {
      const res = await cacheControl(path, withCookie);
      expect(res.status, path).toBeLessThan(400);
      expect(res.cacheControl, path).toMatch(/\bno-store\b/);
    }
  });

  it('leaves public pages cacheable', async () => {
    for (const path of ['/', '/start']) expect((await cacheControl(path)).cacheControl ?? '', path).not.toMatch(/no-store/);
  });
});
