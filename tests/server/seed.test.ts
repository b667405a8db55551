import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkAnswer } from '../../src/domain/answers.ts';
import { itemsById } from '../../src/domain/response.ts';
import { allItems, scoreParticipant } from '../../src/domain/scoring.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { openTestStore, type RawSql, type TestStore } from '../helpers/test-store.ts';

const NOW = new Date('2026-02-01T12:00:00Z');

async function dump(raw: RawSql) {
  const all = (sql: string) => raw.all(sql);
  return {
    participants: (await all('SELECT * FROM participants ORDER BY id')).map(({ resume_token_hash: _hash, ...row }) => row),
    answers: await all('SELECT * FROM answers ORDER BY participant_id, item_id'),
    numbers: await all('SELECT * FROM participant_numbers ORDER BY participant_id'),
    scores: await all('SELECT * FROM scores ORDER BY participant_id'),
  };
}

/** Every index of the database, as it would be created. */
const indexes = (t: TestStore) =>
  t.db.backend === 'pg'
    ? t.raw.all("SELECT indexname AS name, tablename AS tbl_name, indexdef AS sql FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname")
    : t.raw.all("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name");

const tokenHashesUnique = async (raw: RawSql) =>
  (await raw.get('SELECT count(*) AS n, count(DISTINCT resume_token_hash) AS d FROM participants')) as { n: number; d: number };

/** A participant started on a page (not seeded), written as the participants repository writes one: its id from the table. */
async function startedParticipant(t: TestStore, hash = 'a'): Promise<number> {
  const values = `'rep', 'Co', 'other', '1-49', '1-5', 'europe', 'inside', ?, ?, 'in_progress', ?, ?`;
  const columns = 'role, company_name, industry, employees, sales_team, region, motion, instrument_id, instrument_version, status, resume_token_hash, updated_at';
  const params = [instrument.id, instrument.version, hash.repeat(64), t.raw.at(NOW)];
  if (t.db.backend === 'pg') return (await t.raw.get<{ id: number }>(`INSERT INTO participants (${columns}) VALUES (${values}) RETURNING id`, ...params))!.id;
  await t.raw.run(`INSERT INTO participants (${columns}) VALUES (${values})`, ...params);
  return (await t.raw.get<{ id: number }>('SELECT max(id) AS id FROM participants'))!.id;
}

describe('seedParticipants determinism', () => {
  const dbs: TestStore[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.cleanup();
  });
  const seeded = async (seed: number, batchSize?: number) => {
    const t = await openTestStore();
    dbs.push(t);
    await seedParticipants(t.db, instrument, { count: 250, seed, now: NOW, batchSize });
    return t.raw;
  };

  it('gives the same profiles, answers, numbers and scores for a seed on two fresh databases', async () => {
    const a = await seeded(3);
    const b = await seeded(3);
    const da = await dump(a);
    expect(da.participants).toHaveLength(250);
    expect(da.scores).toHaveLength(250);
    expect(da.answers.length).toBe(250 * allItems(instrument).length);
    expect(da.numbers.length).toBeGreaterThan(0);
    expect(await dump(b)).toEqual(da);
  });

  it('gives the same rows whatever the batch size', async () => {
    expect(await dump(await seeded(3, 40))).toEqual(await dump(await seeded(3)));
  });

  it('gives different participants for a different seed', async () => {
    expect((await dump(await seeded(4))).scores).not.toEqual((await dump(await seeded(3))).scores);
  });

  it('gives every participant a unique resume token hash', async () => {
    expect(dbs.length).toBeGreaterThan(0);
    for (const t of dbs) {
      const { n, d } = await tokenHashesUnique(t.raw);
      expect(d).toBe(n);
    }
  });
});

describe('seeded rows', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore();
    await seedParticipants(t.db, instrument, { count: 200, seed: 21, now: NOW });
  });
  afterAll(() => t.cleanup());

  it('hold only answers the instrument accepts, for every item', async () => {
    const items = itemsById(instrument);
    const rows = await t.raw.all<{ p: number; item: string; value: string }>('SELECT participant_id AS p, item_id AS item, value FROM answers');
    expect(rows.length).toBe(200 * items.size);
    for (const r of rows) {
      const item = items.get(r.item);
      expect(item, `participant ${r.p}: unknown item ${r.item}`).toBeDefined();
      expect(checkAnswer(instrument, item!, r.value), `participant ${r.p}: ${r.item} = ${r.value}`).toEqual({ ok: true, value: r.value });
    }
  });

  it('are completed participants whose stored scores equal scoreParticipant on their stored answers', async () => {
    const participants = await t.raw.all<{ id: number; status: string; industry: string; employees: string }>('SELECT id, status, industry, employees FROM participants');
    expect(participants).toHaveLength(200);
    for (const p of participants) {
      expect(p.status).toBe('completed');
      const answers = Object.fromEntries((await t.raw.all<{ item_id: string; value: string }>('SELECT item_id, value FROM answers WHERE participant_id = ?', p.id)).map((r) => [r.item_id, r.value]));
      const s = scoreParticipant(instrument, answers);
      expect(await t.raw.get('SELECT * FROM scores WHERE participant_id = ?', p.id)).toMatchObject({
        velocity: s.company.velocity,
        value: s.company.value,
        personal: s.personal.personal,
        industry: p.industry,
        employees: p.employees,
      });
    }
  });

  it('bring colleagues together under one company name with one profile', async () => {
    const companies = await t.raw.all<{ name: string; n: number; profiles: number }>(
      `SELECT company_name AS name, count(*) AS n,
              count(DISTINCT industry || '|' || employees || '|' || sales_team || '|' || region || '|' || motion) AS profiles
       FROM participants GROUP BY company_name`,
    );
    expect(companies.filter((c) => c.n > 1).length).toBeGreaterThan(5);
    for (const c of companies) {
      expect(c.n, c.name).toBeLessThanOrEqual(8);
      expect(c.profiles, c.name).toBe(1);
    }
  });

  it('keep the foreign keys', async () => {
    const orphans = (table: string) => t.raw.get(`SELECT count(*) AS n FROM ${table} c WHERE NOT EXISTS (SELECT 1 FROM participants p WHERE p.id = c.participant_id)`);
    for (const table of ['answers', 'participant_numbers', 'scores']) expect(await orphans(table), table).toEqual({ n: 0 });
    expect(await t.raw.get('SELECT count(*) AS n FROM participant_numbers')).not.toEqual({ n: 0 });
    if (t.db.backend === 'sqlite') expect(t.db.db.$client.pragma('foreign_key_check')).toEqual([]);
  });
});

describe('seedParticipants on the connection', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(() => t.cleanup());

  it('has every index again after a large load (SQLite drops and rebuilds them; PostgreSQL keeps them)', async () => {
    const before = await indexes(t);
    expect(before.length).toBeGreaterThan(5);
    await seedParticipants(t.db, instrument, { count: 130, seed: 5, batchSize: 50, now: NOW });
    expect(await indexes(t)).toEqual(before);
  });

  it('leaves foreign keys checked, and on SQLite restores synchronous and the cache size', async () => {
    const cache = t.db.backend === 'sqlite' ? t.db.db.$client.pragma('cache_size', { simple: true }) : null;
    await seedParticipants(t.db, instrument, { count: 130, seed: 5, batchSize: 50, now: NOW });
    if (t.db.backend === 'sqlite') {
      expect(t.db.db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
      // FULL (2), as db/client.ts opens every connection.
      expect(t.db.db.$client.pragma('synchronous', { simple: true })).toBe(2);
      expect(t.db.db.$client.pragma('cache_size', { simple: true })).toBe(cache);
    }
    await expect(t.raw.run("INSERT INTO answers (participant_id, item_id, value) VALUES (999999, 'x', 'a')")).rejects.toThrow(/FOREIGN KEY|foreign key/);
  });

  it('appends after the participants already stored, and a participant started afterwards gets the next id', async () => {
    const existing = await startedParticipant(t);
    const r = await seedParticipants(t.db, instrument, { count: 10, seed: 5, now: NOW });
    expect(r).toEqual({ first: existing + 1, count: 10 });
    const again = await seedParticipants(t.db, instrument, { count: 10, seed: 5, now: NOW });
    expect(again.first).toBe(existing + 11);
    expect(await t.raw.get('SELECT count(*) AS n FROM scores')).toEqual({ n: 20 });
    const { n, d } = await tokenHashesUnique(t.raw);
    expect(d).toBe(n);
    // On PostgreSQL the seed gave its ids itself: the identity sequence must have moved past them.
    expect(await startedParticipant(t, 'b')).toBe(existing + 21);
  });
});

