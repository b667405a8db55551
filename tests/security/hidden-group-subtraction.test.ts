import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { suppressGroups } from '../../src/domain/anonymity.ts';
import { COMPARE_DIMENSIONS } from '../../src/domain/peer-stats.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { rebuildPeerStats } from '../../src/server/services/peer-stats.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { countSeededAsBenchmark } from '../helpers/benchmark-rows.ts';
import { postForm } from '../helpers/forms.ts';
import { instrument } from '../helpers/instrument.ts';
import { insertStudy } from '../../src/server/repositories/studies.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/**
 * Issue 11: "a hidden group's size can be worked out by subtraction (28 − 26
 * = 2)": the comparison gave the participants in the groups shown, the study
 * page the study's total.
 */
describe('complementary suppression (issue 11)', () => {
  const hiddenTotal = (sizes: number[], hidden: boolean[]) => sizes.reduce((s, n, i) => s + (hidden[i] ? n : 0), 0);

  it.each([
    { sizes: [14, 12, 2], k: 5, hidden: [false, true, true] },
    { sizes: [14, 12, 5], k: 5, hidden: [false, false, false] },
    { sizes: [3, 3, 20], k: 5, hidden: [true, true, false] },
    { sizes: [1, 0, 9, 6, 6], k: 5, hidden: [true, false, false, false, true] },
    { sizes: [4, 30], k: 5, hidden: [true, true] },
    { sizes: [2, 2], k: 5, hidden: [true, true] },
    { sizes: [0, 7], k: 5, hidden: [false, false] },
  ])('$sizes with k = $k hides $hidden', ({ sizes, k, hidden }) => {
    expect(suppressGroups(sizes, k)).toEqual(hidden);
  });

  it('never leaves a hidden total between 1 and k − 1 beside a shown group, never shows a group below k, and hides as little as it can', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(40), { maxLength: 12 }), fc.integer({ min: 2, max: 12 }), (sizes, k) => {
        const hidden = suppressGroups(sizes, k);
        expect(hidden).toHaveLength(sizes.length);
        const shown = sizes.filter((n, i) => n > 0 && !hidden[i]);
        const total = hiddenTotal(sizes, hidden);
        if (shown.length > 0) expect(total === 0 || total >= k).toBe(true);
        for (const n of shown) expect(n).toBeGreaterThanOrEqual(k);
        // Groups of no one are neither shown nor hidden; every group below k is hidden.
        sizes.forEach((n, i) => {
          if (n === 0) expect(hidden[i]).toBe(false);
          if (n > 0 && n < k) expect(hidden[i]).toBe(true);
        });
        // At most one group of k or more is hidden besides the small ones, and none when they already add up to 0 or k.
        const extra = sizes.filter((n, i) => hidden[i] && n >= k);
        const small = hiddenTotal(sizes, sizes.map((n) => n > 0 && n < k));
        expect(extra.length).toBe(small > 0 && small < k && sizes.some((n) => n >= k) ? 1 : 0);
        // It is the smallest group that could have been shown.
        if (extra.length === 1) for (const n of shown) expect(n).toBeGreaterThanOrEqual(extra[0]!);
      }),
      { numRuns: 2000 },
    );
  });
});

let store: TestStore;
const PASSWORD = 'correct horse battery staple';
let site: RunningSite;
let cookie: string;
let studyId: number;
let everyone: number;

describe('the comparison page cannot be subtracted from a total (issue 11)', () => {
  beforeAll(async () => {
    store = await openTestStore();
    const db = store.db;
    await createConsultant(db, { email: 'a@example.com', password: PASSWORD });
    await seedParticipants(db, instrument, { count: 300, seed: 23, now: new Date('2026-06-01T00:00:00Z') });
    const a = (await store.raw.get<{ id: number }>('SELECT id FROM consultants'))!;
    studyId = (await insertStudy(db, a.id, 'Twenty-eight', 'subtraction-study')).id;
    const set = (sql: string) => store.raw.run(`UPDATE participants SET ${sql}`);
    // The study of the issue: 28 completed, 14 reps, 12 leaders and 2 executives.
    await store.raw.run('UPDATE participants SET study_id = ? WHERE id BETWEEN 101 AND 128', studyId);
    // Moved into the study by hand: into its first round too, as joining through its link would.
    await store.raw.run('UPDATE participants SET wave_id = (SELECT w.id FROM study_waves w WHERE w.study_id = participants.study_id AND w.number = 1) WHERE study_id IS NOT NULL AND wave_id IS NULL');
    await set("role = CASE WHEN id <= 114 THEN 'rep' WHEN id <= 126 THEN 'leader' ELSE 'executive' END WHERE id BETWEEN 101 AND 128");
    // Over everyone, a region of three.
    await set("region = 'europe' WHERE region = 'middle-east-africa'");
    await set("region = 'middle-east-africa' WHERE id IN (11, 12, 13)");
    await store.raw.run('UPDATE scores SET study_id = p.study_id, role = p.role, region = p.region FROM participants p WHERE p.id = scores.participant_id');
    await countSeededAsBenchmark(db);
    await rebuildPeerStats(db, instrument);
    everyone = (await store.raw.get<{ n: number }>('SELECT count(*) AS n FROM scores'))!.n;
    site = await startSite(store.url);
    cookie = (await postForm(site.base, '/consultant/sign-in', { email: 'a@example.com', password: PASSWORD })).headers.get('set-cookie')!.split(';')[0]!;
  }, SETUP_MS);
  afterAll(async () => {
    await site?.stop();
    await store?.cleanup();
  });
  const text = async (path: string) => (await (await fetch(`${site.base}${path}`, { headers: { cookie } })).text()).replace(/\s+/g, ' ');
  const shownTotal = (html: string) => Number(html.match(/([\d,]+) participants in the groups shown/)![1]!.replace(/,/g, ''));

  it('the study page’s total less the groups shown is never the size of a group below k', async () => {
    expect(await text(`/consultant/studies/${studyId}`)).toContain('28 participants, 28 completed');
    for (const dimension of COMPARE_DIMENSIONS) {
      const html = await text(`/consultant/compare?dimension=${dimension}&study=${studyId}`);
      if (!html.includes('participants in the groups shown')) continue;
      const hidden = 28 - shownTotal(html);
      expect(hidden === 0 || hidden >= 5, `${dimension}: ${hidden} hidden`).toBe(true);
    }
    // By role: the two executives, and the twelve leaders with them.
    const html = await text(`/consultant/compare?dimension=role&study=${studyId}`);
    expect(shownTotal(html)).toBe(14);
    expect(html).toContain('2 groups are not shown');
    expect(html).toContain('anonymous');
    expect(html).not.toMatch(/Sales leader \(director, VP\)|Executive \(CEO, CRO, founder\)/);
  });

  it('nor is everyone less the groups shown over the whole benchmark', async () => {
    for (const dimension of COMPARE_DIMENSIONS) {
      const html = await text(`/consultant/compare?dimension=${dimension}`);
      const hidden = everyone - shownTotal(html);
      expect(hidden === 0 || hidden >= 5, `${dimension}: ${hidden} hidden`).toBe(true);
    }
  });
});
