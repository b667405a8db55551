import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { saveAnswers } from '../../src/server/repositories/participants.ts';
import { landingStats } from '../../src/server/services/landing.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { completeParticipant } from '../helpers/journey.ts';
import { completeAnswers, instrument, validProfile } from '../helpers/instrument.ts';
import { addParticipant } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/**
 * Issue 11: the landing page's counts, read before and after one participant
 * finished, differed by that one participant in their industry, size band and
 * region. Now the counts are of participants who finished before the start of
 * the current UTC day: a finish shows up the next day, together with
 * everyone else's of that day.
 */
const K = 5;
const DAY = 24 * 60 * 60 * 1000;

describe('landing counts do not reveal one finish (issue 11)', () => {
  it('stay the same when a participant finishes today, and take in the whole day on the next', async () => {
    const t = await openTestStore();
    try {
      const now = new Date();
      const yesterday = new Date(now.getTime() - DAY);
      const p = async (address: string, at: Date, profile: { industry: string; employees: string; region: string }) => {
        const row = await addParticipant(t.db, profile);
        await saveAnswers(t.db, row.id, completeAnswers());
        return finishParticipant(t.db, instrument, row.id, at, { clientAddress: address });
      };
      // Ten real participants who finished yesterday, each from a network of their own.
      for (let i = 0; i < 2 * K; i++) await p(`10.${i}.0.1`, yesterday, { industry: 'other', employees: '1-49', region: 'europe' });
      const before = await landingStats(t.db, instrument, K, now);
      expect(before.participants).toBe(2 * K);
      // One more finishes now, in a group of their own.
      const today = await p('203.0.113.9', now, { industry: 'telecom-media', employees: '5000-plus', region: 'latin-america' });
      expect(await landingStats(t.db, instrument, K, now)).toEqual(before);
      expect(today.population).toBe('benchmark');
      const tomorrow = await landingStats(t.db, instrument, K, new Date(now.getTime() + DAY));
      expect(tomorrow.participants).toBe(2 * K + 1);
    } finally {
      await t.cleanup();
    }
  });

  describe('on the built site', () => {
    let store: TestStore;
    let site: RunningSite;
    beforeAll(async () => {
      store = await openTestStore();
      const db = store.db;
      // Real participants, finished yesterday in one group: the landing page shows them.
      const yesterday = new Date(Date.now() - DAY);
      const profile = validProfile();
      for (let i = 0; i < 2 * K; i++) {
        const row = await addParticipant(db, { industry: profile.industry, employees: profile.employees, region: profile.region });
        await saveAnswers(db, row.id, completeAnswers());
        await finishParticipant(db, instrument, row.id, yesterday, { clientAddress: `10.${i}.0.1` });
      }
      site = await startSite(store.url, { PEER_MIN_GROUP: String(K) });
    }, SETUP_MS);
    afterAll(async () => {
      await site?.stop();
      await store?.cleanup();
    });

    /** Everything on the landing page that counts people: the total and the group tables. */
    const counts = async () => {
      const html = await (await fetch(`${site.base}/`)).text();
      const total = html.match(/data-testid="participant-count"[^>]*>([^<]*)</)?.[1];
      const tables = [...html.matchAll(/<table class="sizes">[\s\S]*?<\/table>/g)].map((m) => m[0]);
      return { total, tables };
    };

    it('shows the same counts after a participant finishes through the site as before', async () => {
      const before = await counts();
      expect(before.total).toBe(String(2 * K));
      expect(before.tables).toHaveLength(3);
      await completeParticipant(site.base);
      expect(await counts()).toEqual(before);
      // The finish counted: it is in the benchmark, just not on the landing page until tomorrow.
      const finished = (await store.raw.get<{ n: number }>("SELECT count(*) AS n FROM scores WHERE population = 'benchmark'"))!;
      expect(finished.n).toBe(2 * K + 1);
    });

    it('shows the same counts after a participant counted yesterday deletes themselves', async () => {
      const before = await counts();
      // The store's connection enforces foreign keys (the cascade to the scores), as the server's does.
      expect(await store.raw.run('DELETE FROM participants WHERE id = 1')).toBe(1);
      expect(await counts()).toEqual(before);
    });
  });
});
