import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { optionsOf } from '../../src/domain/answers.ts';
import { pagesOf } from '../../src/domain/journey.ts';
import { itemScore } from '../../src/domain/scoring.ts';
import { tokenOf } from '../helpers/forms.ts';
import { formBody, rawRequest } from '../helpers/http.ts';
import { completeAnswers, instrument, validProfile } from '../helpers/instrument.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/**
 * Issue 11: four scripted participants (two worst, two best answers) in an
 * otherwise empty group made the attacker's own results page show the
 * victim's four sub-indices exactly, as the group median. Medians now need
 * 2k peers, so the attack as scripted here takes 2k + 1 throwaways (k worst,
 * k best and the reader), all from one address, well within the per-address
 * start limit: k worst and k best around the victim put the victim's score in
 * the middle, at the median. Open-enrolment participants from one network
 * count once a month, so the throwaways are one benchmark participant and
 * 2k unverified ones, and the group never reaches k.
 */
const K = 5;
const ATTACKER = '203.0.113.66';
const VICTIM = '198.51.100.23';
let store: TestStore;
const pages = pagesOf(instrument);
let site: RunningSite;

beforeAll(async () => {
  store = await openTestStore();
  // Behind a proxy, as in production: the client's address is the one the proxy appends.
  site = await startSite(store.url, { TRUST_PROXY: '127.0.0.1', PEER_MIN_GROUP: String(K) });
}, SETUP_MS);
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

/** Every company item at the option `at` (0 worst … 1 best) picks among those ranked by score. */
function answersAt(at: number): Record<string, string> {
  return completeAnswers(instrument, (item) => {
    if (item.kind === 'number') return undefined;
    const ranked = optionsOf(instrument, item).map((o) => o.id).sort((a, b) => itemScore(instrument, item, a)! - itemScore(instrument, item, b)!);
    return ranked[Math.round(at * (ranked.length - 1))]!;
  });
}

const post = (path: string, client: string, fields: Record<string, string>) =>
  rawRequest(site.base, path, {
    method: 'POST',
    headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': client },
    body: formBody(fields),
  });

/** The whole journey through the site from one client: profile, every page, finish. Returns the resume token. */
async function participate(client: string, at: number): Promise<string> {
  const profile = { ...validProfile(), industry: 'energy-utilities', employees: '1000-4999' };
  const started = await post('/start', client, profile);
  expect(started.status, started.body).toBe(303);
  const token = tokenOf(String(started.headers.location));
  const answers = answersAt(at);
  for (const page of pages) {
    const fields: Record<string, string> =
      page.kind === 'numbers' ? {} : Object.fromEntries(page.section.items.map((i) => [i.id, answers[i.id]!]));
    const last = page.number === pages.length;
    const res = await post(`/r/${token}/${page.number}`, client, { ...fields, action: last ? 'finish' : 'next' });
    expect(res.status, `page ${page.number}: ${res.body.slice(0, 200)}`).toBe(303);
    if (last) expect(res.headers.location).toBe(`/r/${token}/results`);
  }
  return token;
}

describe('throwaway participants cannot isolate a real one (issue 11)', () => {
  let attackerPage = '';
  let victimScores: Record<string, number>;

  beforeAll(async () => {
    // The victim, a real participant from their own network, alone in their group.
    await participate(VICTIM, 0.5);
    // The attacker's script: k worst and k best, then the reader, all from one address.
    for (let i = 0; i < K; i++) await participate(ATTACKER, 0);
    for (let i = 0; i < K; i++) await participate(ATTACKER, 1);
    const reader = await participate(ATTACKER, 0);
    attackerPage = await (await fetch(`${site.base}/r/${reader}/results`)).text();
    victimScores = (await store.raw.get<Record<string, number>>('SELECT value, number, win_rate AS "winRate", cycle FROM scores ORDER BY participant_id LIMIT 1'))!;
  }, SETUP_MS);

  it('counts the victim and one throwaway, and none of the other throwaways', async () => {
    const populations = await store.raw.all('SELECT population, count(*) AS n FROM scores GROUP BY population ORDER BY population');
    expect(populations).toEqual([
      { population: 'benchmark', n: 2 },
      { population: 'unverified', n: 2 * K },
    ]);
  });

  it('shows the attacker no peer figures at all', () => {
    expect(attackerPage).toContain('data-testid="velocity-index"');
    expect(attackerPage).toContain('data-testid="peer-none"');
    expect(attackerPage).not.toContain('data-testid="peer-relative"');
    expect(attackerPage).not.toContain('Peer median');
    // And says why their own entry does not count.
    expect(attackerPage).toContain('data-testid="uncounted"');
  });

  it('prints no median equal to any of the victim’s sub-indices', () => {
    const medians = [...attackerPage.matchAll(/Peer median (\d+(?:\.\d+)?)/g)].map((m) => Number(m[1]));
    for (const [key, score] of Object.entries(victimScores)) {
      expect(medians, key).not.toContain(Math.round(score));
      expect(medians, key).not.toContain(Number(score.toFixed(1)));
    }
  });
});
