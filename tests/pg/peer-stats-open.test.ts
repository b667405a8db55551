import { afterEach, describe, expect, it } from 'vitest';
import { compareGroups, topPerformers } from '../../src/domain/comparison.ts';
import { COMPARE_DIMENSIONS, createStatsAccumulator } from '../../src/domain/peer-stats.ts';
import { profileChoices } from '../../src/domain/profile.ts';
import { companyItems } from '../../src/domain/scoring.ts';
import { openPgStore } from '../../src/server/data/open.ts';
import type { PgStore } from '../../src/server/data/store.ts';
import { tallyStoredScores } from '../../src/server/repositories/peer-stats-rebuild.ts';
import { readLookupStart } from '../../src/server/repositories/peer-lookup.ts';
import { peerStatsTotal, storedStatsSource } from '../../src/server/repositories/peer-stats.ts';
import { heldPopulation, statsItemIds } from '../../src/server/services/peer-stats.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { freshDatabase } from '../helpers/pg.ts';

/**
 * What SQLite's openMigrated does to the peer statistics, PostgreSQL's
 * openPgStore does too (services/peer-stats.ts ensurePgPeerStats), with
 * several instances opening the same database at once; and the
 * statistics read back from PostgreSQL's arrays give the figures of the
 * scores themselves.
 */

const opened: PgStore[] = [];
const open = async (url: string) => {
  const store = await openPgStore(url, { max: 3 });
  opened.push(store);
  return store;
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.pool.end()));
});

/** A score row written behind the statistics' back (a copy from elsewhere, a change by hand). */
async function scoreBehindTheirBack(db: PgStore, id: number, velocity: number, population: 'benchmark' | 'demo'): Promise<void> {
  await db.pool.query(
    `INSERT INTO participants (id, role, company_name, industry, employees, sales_team, region, motion, instrument_id, instrument_version, status, resume_token_hash, updated_at, completed_at)
     VALUES ($1, 'rep', 'Co', 'other', '1-49', '1-5', 'europe', 'inside', $2, $3, 'completed', $4, now(), now())`,
    [id, instrument.id, instrument.version, `hash-${id}`],
  );
  await db.pool.query(
    `INSERT INTO scores (participant_id, velocity, role, industry, employees, sales_team, region, motion, instrument_version, population, computed_at)
     VALUES ($1, $2, 'rep', 'other', '1-49', '1-5', 'europe', 'inside', $3, $4, now())`,
    [id, velocity, instrument.version, population],
  );
}

describe('opening PostgreSQL', () => {
  it('rebuilds statistics out of step with the scores for the population in force, three instances opening at once', async () => {
    const url = await freshDatabase('peer_open');
    const first = await open(url);
    expect(await heldPopulation(first, instrument.version)).toBe('demo');
    for (let id = 1; id <= 5; id++) await scoreBehindTheirBack(first, id, 40 + id, 'demo');
    await scoreBehindTheirBack(first, 6, 70.25, 'benchmark');
    expect(await peerStatsTotal(first)).toBe(0);

    const [a, b, c] = await Promise.all([open(url), open(url), open(url)]);
    expect(await heldPopulation(b!, instrument.version)).toBe('benchmark');
    expect(await peerStatsTotal(c!)).toBe(1);
    const fine = (await readLookupStart(a!, { heldKey: 'peer-stats-hold', group: { dimension: 'all', key: '' }, measure: 'velocity' })).counts!;
    expect(fine[7025]).toBe(1);
    expect(fine.reduce((s, n) => s + n, 0)).toBe(1);
  });

  it('leaves statistics in step alone', async () => {
    const url = await freshDatabase('peer_open');
    const first = await open(url);
    await seedParticipants(first, instrument, { count: 40, seed: 3, now: new Date('2026-01-01T00:00:00Z') });
    const before = await first.pool.query('SELECT * FROM peer_score_counts ORDER BY dimension, key, measure, point');
    // A row changed by hand (the total still adds up): opening again must not notice it, as it does no rebuild.
    await first.pool.query("UPDATE peer_score_counts SET hundredths[1] = hundredths[1] + 7 WHERE dimension = 'role' AND point = (SELECT min(point) FROM peer_score_counts WHERE dimension = 'role')");
    const again = await open(url);
    const after = await again.pool.query('SELECT * FROM peer_score_counts ORDER BY dimension, key, measure, point');
    expect(after.rows).not.toEqual(before.rows);
    expect(after.rows.length).toBe(before.rows.length);
  });
});

describe('the statistics read back from PostgreSQL', () => {
  it('give the comparison a tally of the scores gives, for every dimension and the top performers', async () => {
    const db = await open(await freshDatabase('peer_read'));
    await seedParticipants(db, instrument, { count: 400, seed: 13, batchSize: 150, now: new Date('2026-01-01T00:00:00Z') });
    const acc = createStatsAccumulator(statsItemIds(instrument));
    // Keyset chunks of 5,000: one chunk here; the chunking itself is SQLite's loop, walked the same way.
    expect(await tallyStoredScores(db, instrument, acc, undefined, 'demo')).toBe(400);
    const stored = await storedStatsSource(db);
    for (const dimension of COMPARE_DIMENSIONS) {
      const choices = profileChoices(instrument, dimension);
      expect(compareGroups(stored, dimension, choices, 5), dimension).toEqual(compareGroups(acc.source, dimension, choices, 5));
    }
    const items = companyItems(instrument).map((i) => ({ id: i.id, text: i.text, section: '' }));
    expect(topPerformers(stored, 'all', '', items, 5, 100)).toEqual(topPerformers(acc.source, 'all', '', items, 5, 100));
    const some = await storedStatsSource(db, ['industry']);
    expect(() => some.points('region')).toThrow(/were not read/);
  });

  it('tally one study only, and only the participants asked for', async () => {
    const db = await open(await freshDatabase('peer_read'));
    await seedParticipants(db, instrument, { count: 60, seed: 2, now: new Date('2026-01-01T00:00:00Z') });
    const consultant = await db.pool.query("INSERT INTO consultants (email, password_hash) VALUES ('c@example.com', 'x') RETURNING id");
    const study = await db.pool.query("INSERT INTO studies (consultant_id, name, invite_token) VALUES ($1, 'S', 't') RETURNING id", [consultant.rows[0].id]);
    const studyId = study.rows[0].id as number;
    await db.pool.query('UPDATE scores SET study_id = $1 WHERE participant_id % 3 = 0', [studyId]);
    const acc = createStatsAccumulator(statsItemIds(instrument));
    expect(await tallyStoredScores(db, instrument, acc, studyId, 'benchmark', (id) => id % 2 === 0)).toBe(10);
    expect(acc.source.points('all').get('')!.get('velocity')!.reduce((s, c) => s + c.n, 0)).toBe(10);
  });
});
