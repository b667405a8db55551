import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { instrument } from '../helpers/instrument.ts';
import { openTempDb, tempDir } from '../helpers/temp-db.ts';
import { PROCESSES_TEST_MS } from '../helpers/limits.ts';

const tmp = tempDir('velocity-cli-seed-');
afterAll(() => tmp.cleanup());

function read<T>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

type ScoreRow = Record<string, unknown> & { participant_id: number; computed_at: number };

describe('velocity seed', { timeout: PROCESSES_TEST_MS }, () => {
  const a = join(tmp.dir, 'a.sqlite');
  const b = join(tmp.dir, 'b.sqlite');

  it('seeds the same scores for the same --seed on two databases', () => {
    for (const path of [a, b]) {
      const r = runCli(['seed', '--create', '--count', '50', '--seed', '3', '--db', path]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^Seeded 50 participants \(ids 1-50\) with seed 3 in [\d.]+ s\.$/m);
    }
    const sa = read<ScoreRow>(a, 'SELECT * FROM scores ORDER BY participant_id');
    const sb = read<ScoreRow>(b, 'SELECT * FROM scores ORDER BY participant_id');
    expect(sa).toHaveLength(50);
    const withoutTime = (rows: ScoreRow[]) => rows.map(({ computed_at: _t, ...rest }) => rest);
    expect(withoutTime(sb)).toEqual(withoutTime(sa));
    // computed_at is dated back from the moment of seeding, so the second run's
    // timeline is the first one's moved by the time between the runs.
    const shifts = new Set(sa.map((row, i) => sb[i]!.computed_at - row.computed_at));
    expect(shifts.size).toBe(1);
    expect(read(a, 'SELECT * FROM answers ORDER BY participant_id, item_id')).toEqual(read(b, 'SELECT * FROM answers ORDER BY participant_id, item_id'));
  });

  it('seeds, through its worker thread, the rows and peer statistics seedParticipants writes in process', async () => {
    const t = openTempDb();
    try {
      await seedParticipants(t.db, instrument, { count: 50, seed: 3 });
      t.db.db.$client.close();
      for (const sql of [
        'SELECT participant_id, velocity, value, number, win_rate, cycle, personal, industry, employees, region FROM scores ORDER BY participant_id',
        'SELECT * FROM answers ORDER BY participant_id, item_id',
        'SELECT * FROM participant_numbers ORDER BY participant_id',
        // Peer statistics: tallied in the worker and handed back, or tallied in process.
        'SELECT * FROM peer_score_counts ORDER BY dimension, key, measure, point',
        'SELECT dimension, key, item_id, n FROM peer_item_sums ORDER BY dimension, key, item_id',
      ]) {
        expect(read(a, sql), sql).toEqual(read(t.path, sql));
      }
      // Score sums are floats: with several workers they are added in another order, so compare them rounded.
      const sums = (path: string) =>
        read<{ total: Buffer }>(path, 'SELECT total FROM peer_item_sums ORDER BY dimension, key, item_id').map((r) =>
          Array.from({ length: r.total.length / 8 }, (_, i) => Math.round(r.total.readDoubleLE(i * 8) * 1e6)),
        );
      expect(sums(a)).toEqual(sums(t.path));
      expect(sums(a).length).toBeGreaterThan(0);
    } finally {
      t.cleanup();
    }
  });

  it('adds nothing with --if-empty when participants exist', () => {
    const r = runCli(['seed', '--create', '--count', '10', '--if-empty', '--db', a]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('nothing seeded');
    expect(read(a, 'SELECT count(*) AS n FROM scores')).toEqual([{ n: 50 }]);
  });

  it.each([
    [['--count', '-1'], '--count'],
    [['--count', '0'], '--count'],
    [['--count', '2.5'], '--count'],
    [[], '--count'],
    [['--count', '5', '--seed', 'abc'], '--seed'],
  ])('refuses %j with exit 2 and one line', (args, mention) => {
    const path = join(tmp.dir, 'refused.sqlite');
    expectUsageError(runCli(['seed', '--create', ...args, '--db', path]), mention);
  });
});
