import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { suppressGroups } from '../../src/domain/anonymity.ts';
import { compareGroups, topPerformers } from '../../src/domain/comparison.ts';
import { COMPARE_DIMENSIONS, MEASURES, type CompareDimension } from '../../src/domain/peer-stats.ts';
import { profileChoices } from '../../src/domain/profile.ts';
import { quartiles } from '../../src/domain/peers.ts';
import { companyItems, scoreItems } from '../../src/domain/scoring.ts';
import { saveAnswers } from '../../src/server/repositories/participants.ts';
import { clearPeerStats, peerStatsTotal, storedStatsSource } from '../../src/server/repositories/peer-stats.ts';
import { deleteParticipation } from '../../src/server/services/participation.ts';
import { ensurePeerStats, ensurePgPeerStats, rebuildPeerStats } from '../../src/server/services/peer-stats.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { findParticipant } from '../../src/server/repositories/participants.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const K = 5;

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.cleanup());

/** Both statistics tables, sorted and decoded (SQLite keeps blobs, PostgreSQL arrays), for comparing what is stored with a rebuild from scratch. */
async function dump() {
  const ints = (b: Buffer | number[]) => (Array.isArray(b) ? b : Array.from({ length: b.length / 4 }, (_, i) => b.readInt32LE(i * 4)));
  // Sums of floats added in another order differ in the last bits only.
  const doubles = (b: Buffer | number[]) =>
    (Array.isArray(b) ? b : Array.from({ length: b.length / 8 }, (_, i) => b.readDoubleLE(i * 8))).map((x) => Math.round(x * 1e6) / 1e6);
  const counts = (await t.raw.all<{ hundredths: Buffer | number[] }>('SELECT * FROM peer_score_counts ORDER BY dimension, key, measure, point')).map((r) => ({
    ...r,
    hundredths: ints(r.hundredths),
  }));
  const sums = (await t.raw.all<{ n: Buffer | number[]; total: Buffer | number[] }>('SELECT * FROM peer_item_sums ORDER BY dimension, key, item_id')).map((r) => ({
    ...r,
    n: ints(r.n),
    total: doubles(r.total),
  }));
  return { counts, sums };
}

async function expectInStepWithScores() {
  const kept = await dump();
  await rebuildPeerStats(t.db, instrument);
  expect(kept).toEqual(await dump());
}

/** What opening the database does to the statistics (SQLite: synchronously on the handle; PostgreSQL: in a transaction). */
const ensure = () => (t.db.backend === 'pg' ? ensurePgPeerStats(t.db, instrument) : ensurePeerStats(t.db.db, instrument));

/** A participant's stored answers, as the participants repository reads them. */
async function answersOf(id: number): Promise<Record<string, string>> {
  return Object.fromEntries((await t.raw.all<{ item_id: string; value: string }>('SELECT item_id, value FROM answers WHERE participant_id = ?', id)).map((r) => [r.item_id, r.value]));
}

const column: Record<CompareDimension, string> = {
  industry: 'industry', employees: 'employees', salesTeam: 'sales_team', region: 'region', motion: 'motion', role: 'role',
};
const measureColumn = { velocity: 'velocity', value: 'value', number: 'number', winRate: 'win_rate', cycle: 'cycle' } as const;

describe('peer statistics kept beside the scores', () => {
  it('a bulk seed stores the same statistics as a rebuild from the scores', async () => {
    await seedParticipants(t.db, instrument, { count: 700, seed: 11, batchSize: 250 });
    expect(await peerStatsTotal(t.db)).toBe(700);
    await expectInStepWithScores();
  });

  it('seeding twice adds to the statistics', async () => {
    await seedParticipants(t.db, instrument, { count: 200, seed: 1 });
    await seedParticipants(t.db, instrument, { count: 150, seed: 2 });
    expect(await peerStatsTotal(t.db)).toBe(350);
    await expectInStepWithScores();
  });

  it('finishing adds a participant and deleting takes it out again, rows at zero removed', async () => {
    const finish = async (address: string) => {
      const p = await addParticipant(t.db, { industry: 'manufacturing', role: 'director', region: 'asia-pacific' });
      await saveAnswers(t.db, p.id, completeAnswers());
      await finishParticipant(t.db, instrument, p.id, new Date(), { clientAddress: address });
      return p.id;
    };
    await finish('192.0.2.1');
    const before = await dump();
    const second = await finish('198.51.100.1');
    expect(await peerStatsTotal(t.db)).toBe(2);
    await expectInStepWithScores();
    await deleteParticipation(t.db, (await findParticipant(t.db, second))!);
    expect(await peerStatsTotal(t.db)).toBe(1);
    expect(await dump()).toEqual(before);
  });

  it('hold the demo data until the first real participant finishes, then real participants only, and the demo data again when the last leaves', async () => {
    await seedParticipants(t.db, instrument, { count: 50, seed: 3 });
    const demo = await dump();
    expect(await peerStatsTotal(t.db)).toBe(50);
    const p = await addParticipant(t.db, { industry: 'manufacturing', role: 'director', region: 'asia-pacific' });
    await saveAnswers(t.db, p.id, completeAnswers());
    await finishParticipant(t.db, instrument, p.id, new Date(), { clientAddress: '192.0.2.1' });
    // The demo data is gone from them: they hold the one real participant.
    expect(await peerStatsTotal(t.db)).toBe(1);
    await expectInStepWithScores();
    // Seeding more demo data leaves them alone now.
    await seedParticipants(t.db, instrument, { count: 20, seed: 4 });
    expect(await peerStatsTotal(t.db)).toBe(1);
    await expectInStepWithScores();
    await deleteParticipation(t.db, (await findParticipant(t.db, p.id))!);
    expect(await peerStatsTotal(t.db)).toBe(70);
    await expectInStepWithScores();
    await t.raw.run('DELETE FROM participants WHERE id > 50');
    await rebuildPeerStats(t.db, instrument);
    expect(await dump()).toEqual(demo);
  });

  it('an unverified participant enters no statistics', async () => {
    await seedParticipants(t.db, instrument, { count: 30, seed: 6 });
    const before = await dump();
    const p = await addParticipant(t.db);
    await saveAnswers(t.db, p.id, completeAnswers());
    // Open enrolment with no known address does not count.
    expect((await finishParticipant(t.db, instrument, p.id)).population).toBe('unverified');
    expect(await dump()).toEqual(before);
    await deleteParticipation(t.db, (await findParticipant(t.db, p.id))!);
    expect(await dump()).toEqual(before);
  });

  it('an in-progress participant is not counted, and deleting one changes nothing', async () => {
    await seedParticipants(t.db, instrument, { count: 20, seed: 4 });
    const before = await dump();
    const p = await addParticipant(t.db);
    await deleteParticipation(t.db, p);
    expect(await dump()).toEqual(before);
  });

  it('a database whose statistics are missing gets them rebuilt when opened', async () => {
    await seedParticipants(t.db, instrument, { count: 60, seed: 5 });
    const kept = await dump();
    await clearPeerStats(t.db);
    expect(await ensure()).toBe(true);
    expect(await dump()).toEqual(kept);
    expect(await ensure()).toBe(false);
  });
});

describe('comparison from the stored statistics', () => {
  beforeEach(async () => {
    await seedParticipants(t.db, instrument, { count: 1500, seed: 21 });
  });

  it.each(COMPARE_DIMENSIONS)('every quartile of every group by %s equals sorting the scores, at whole points', async (dimension) => {
    const model = compareGroups(await storedStatsSource(t.db), dimension, profileChoices(instrument, dimension), K);
    const keys = await t.raw.all<{ k: string; n: number }>(`SELECT ${column[dimension]} AS k, count(*) AS n FROM scores GROUP BY 1`);
    const hidden = suppressGroups(keys.map((k) => k.n), K);
    expect(model.groups.map((g) => g.key).sort()).toEqual(keys.filter((_, i) => !hidden[i]).map((k) => k.k).sort());
    expect(model.hiddenGroups).toBe(hidden.filter(Boolean).length);
    for (const g of model.groups) {
      for (const m of MEASURES) {
        const values = (await t.raw.all<{ v: number }>(`SELECT ${measureColumn[m]} AS v FROM scores WHERE ${column[dimension]} = ? AND ${measureColumn[m]} IS NOT NULL`, g.key)).map((r) => r.v);
        const expected = values.length >= K ? quartiles(values) : null;
        if (!expected) expect(g.measures[m]).toBeNull();
        else {
          const got = g.measures[m]!;
          expect(got.n).toBe(expected.n);
          if (expected.n < 2 * K) expect(got.quartiles).toBeNull();
          else for (const q of ['q1', 'median', 'q3'] as const) expect(got.quartiles![q]).toBe(Math.round(expected[q]));
        }
      }
    }
  });

  it('top performers: the gaps equal the means of the stored answers of the top and bottom groups', async () => {
    const result = topPerformers(await storedStatsSource(t.db), 'all', '', companyItems(instrument).map((i) => ({ id: i.id, text: i.text, section: '' })), K, 100);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const rows = await t.raw.all<{ id: number; velocity: number }>('SELECT participant_id AS id, velocity FROM scores');
    const top = rows.filter((r) => Math.floor(Math.round(r.velocity * 100) / 100) >= result.split.topFrom);
    const bottom = rows.filter((r) => Math.floor(Math.round(r.velocity * 100) / 100) <= result.split.bottomUpTo);
    expect(result.split.topN).toBe(top.length);
    expect(result.split.bottomN).toBe(bottom.length);
    expect(top.length).toBeGreaterThanOrEqual(rows.length / 4);
    expect(bottom.length).toBeGreaterThanOrEqual(rows.length / 4);
    const mean = async (group: typeof rows, item: string) => {
      const s: number[] = [];
      for (const r of group) {
        const v = scoreItems(instrument, companyItems(instrument), await answersOf(r.id)).get(item);
        if (v !== undefined) s.push(v);
      }
      return s.reduce((a, b) => a + b, 0) / s.length;
    };
    expect(result.items.length).toBe(companyItems(instrument).length);
    for (const item of result.items.slice(0, 3)) {
      expect(item.top).toBe(Math.round(await mean(top, item.itemId) * 100));
      expect(item.bottom).toBe(Math.round(await mean(bottom, item.itemId) * 100));
      expect(item.gap).toBe(item.top - item.bottom);
    }
    // Widest first.
    for (let i = 1; i < result.items.length; i++) expect(result.items[i - 1]!.gap).toBeGreaterThanOrEqual(result.items[i]!.gap);
  });
});
