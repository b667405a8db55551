import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { openMigrated } from '../../src/server/db.ts';
import { migrationsDir } from '../../src/server/paths.ts';
import { peerStatsTotal } from '../../src/server/repositories/peer-stats.ts';
import { heldPopulation } from '../../src/server/services/peer-stats.ts';
import { instrument } from '../helpers/instrument.ts';
import { tempDir } from '../helpers/temp-db.ts';

const tmp = tempDir('velocity-population-migration-');
afterAll(() => tmp.cleanup());

/** The migrations folder as it was before scores had a population (up to 0006). */
function migrationsBefore(): string {
  const dir = join(tmp.dir, 'migrations-0006');
  mkdirSync(join(dir, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(migrationsDir(), 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= 6);
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) cpSync(join(migrationsDir(), `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  return dir;
}

describe('migration 0007: scores get a population', () => {
  it('marks seeded rows demo and every other row benchmark, then the statistics follow the benchmark', async () => {
    const path = join(tmp.dir, 'old.sqlite');
    const old = openDatabase(path, { migrationsFolder: migrationsBefore() });
    const c = old.$client;
    const participant = c.prepare(
      `INSERT INTO participants (id, role, company_name, industry, employees, sales_team, region, motion, instrument_id, instrument_version, status, resume_token_hash, updated_at, completed_at)
       VALUES (?, 'rep', 'Co', 'other', '1-49', '1-5', 'europe', 'inside', ?, ?, 'completed', ?, 0, 0)`,
    );
    const score = c.prepare(
      `INSERT INTO scores (participant_id, velocity, role, industry, employees, sales_team, region, motion, instrument_version, computed_at)
       VALUES (?, ?, 'rep', 'other', '1-49', '1-5', 'europe', 'inside', ?, 0)`,
    );
    for (let id = 1; id <= 5; id++) {
      participant.run(id, instrument.id, instrument.version, `synthetic:${String(id).padStart(12, '0')}`);
      score.run(id, 40 + id, instrument.version);
    }
    participant.run(6, instrument.id, instrument.version, 'a'.repeat(64));
    score.run(6, 70, instrument.version);
    c.close();

    const store = openMigrated(path);
    expect(store.db.$client.prepare('SELECT participant_id AS id, population FROM scores ORDER BY participant_id').all()).toEqual([
      ...[1, 2, 3, 4, 5].map((id) => ({ id, population: 'demo' })),
      { id: 6, population: 'benchmark' },
    ]);
    // Opening rebuilt the statistics for the population in force: the one real participant.
    expect(await heldPopulation(store, instrument.version)).toBe('benchmark');
    expect(await peerStatsTotal(store)).toBe(1);
    const notNull = (store.db.$client.prepare('PRAGMA table_info(scores)').all() as { name: string; notnull: number; dflt_value: unknown }[]).find((r) => r.name === 'population')!;
    expect(notNull).toMatchObject({ notnull: 1, dflt_value: null });
    expect(() => store.db.$client.prepare(`INSERT INTO scores (participant_id, velocity, role, industry, employees, sales_team, region, motion, instrument_version, computed_at) VALUES (6, 1, 'r', 'i', 'e', 's', 'r', 'm', 1, 0)`).run()).toThrow(/NOT NULL constraint failed: scores.population/);
    store.db.$client.close();
  });
});
