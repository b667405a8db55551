import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkAnswer } from '../../src/domain/answers.ts';
import { itemsById } from '../../src/domain/response.ts';
import { allItems, scoreParticipant } from '../../src/domain/scoring.ts';
import type { SqliteStore as Store } from '../../src/server/data/store.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { addParticipant } from '../helpers/participants.ts';
import { openTempDb, type TempDb } from '../helpers/temp-db.ts';

const NOW = new Date('2026-02-01T12:00:00Z');

function dump(db: Store) {
  const all = (sql: string) => db.db.$client.prepare(sql).all() as Record<string, unknown>[];
  return {
    participants: all('SELECT * FROM participants ORDER BY id').map(({ resume_token_hash: _hash, ...row }) => row),
    answers: all('SELECT * FROM answers ORDER BY participant_id, item_id'),
    numbers: all('SELECT * FROM participant_numbers ORDER BY participant_id'),
    scores: all('SELECT * FROM scores ORDER BY participant_id'),
  };
}

const indexes = (db: Store) =>
  db.db.$client.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all();

const tokenHashesUnique = (db: Store) =>
  db.db.$client.prepare('SELECT count(*) AS n, count(DISTINCT resume_token_hash) AS d FROM participants').get() as { n: number; d: number };

describe('seedParticipants determinism', () => {
  const dbs: TempDb[] = [];
  afterAll(() => dbs.forEach((d) => d.cleanup()));
  const seeded = async (seed: number, batchSize?: number) => {
    const t = openTempDb();
    dbs.push(t);
    await seedParticipants(t.db, instrument, { count: 250, seed, now: NOW, batchSize });
    return t.db;
  };

  it('gives the same profiles, answers, numbers and scores for a seed on two fresh databases', async () => {
    const a = await seeded(3);
    const b = await seeded(3);
    const da = dump(a);
    expect(da.participants).toHaveLength(250);
    expect(da.scores).toHaveLength(250);
    expect(da.answers.length).toBe(250 * allItems(instrument).length);
    expect(da.numbers.length).toBeGreaterThan(0);
    expect(dump(b)).toEqual(da);
  });

  it('gives the same rows whatever the batch size', async () => {
    expect(dump(await seeded(3, 40))).toEqual(dump(await seeded(3)));
  });

  it('gives different participants for a different seed', async () => {
    expect(dump(await seeded(4)).scores).not.toEqual(dump(await seeded(3)).scores);
  });

  it('gives every participant a unique resume token hash', () => {
    for (const t of dbs) {
      const { n, d } = tokenHashesUnique(t.db);
      expect(d).toBe(n);
    }
  });
});

describe('seeded rows', () => {
  let t: TempDb;
  beforeAll(async () => {
    t = openTempDb();
    await seedParticipants(t.db, instrument, { count: 200, seed: 21, now: NOW });
  });
  afterAll(() => t.cleanup());

  it('hold only answers the instrument accepts, for every item', () => {
    const items = itemsById(instrument);
    const rows = t.db.db.$client.prepare('SELECT participant_id AS p, item_id AS item, value FROM answers').all() as { p: number; item: string; value: string }[];
    expect(rows.length).toBe(200 * items.size);
    for (const r of rows) {
      const item = items.get(r.item);
      expect(item, `participant ${r.p}: unknown item ${r.item}`).toBeDefined();
      expect(checkAnswer(instrument, item!, r.value), `participant ${r.p}: ${r.item} = ${r.value}`).toEqual({ ok: true, value: r.value });
    }
  });

  it('are completed participants whose stored scores equal scoreParticipant on their stored answers', () => {
    const participants = t.db.db.$client.prepare("SELECT id, status, industry, employees FROM participants").all() as { id: number; status: string; industry: string; employees: string }[];
    const answersOf = t.db.db.$client.prepare('SELECT item_id, value FROM answers WHERE participant_id = ?');
    const scoreOf = t.db.db.$client.prepare('SELECT * FROM scores WHERE participant_id = ?');
    for (const p of participants) {
      expect(p.status).toBe('completed');
      const answers = Object.fromEntries((answersOf.all(p.id) as { item_id: string; value: string }[]).map((r) => [r.item_id, r.value]));
      const s = scoreParticipant(instrument, answers);
      expect(scoreOf.get(p.id)).toMatchObject({
        velocity: s.company.velocity,
        value: s.company.value,
        personal: s.personal.personal,
        industry: p.industry,
        employees: p.employees,
      });
    }
  });

  it('bring colleagues together under one company name with one profile', () => {
    const companies = t.db.db.$client
      .prepare(
        `SELECT company_name AS name, count(*) AS n,
                count(DISTINCT industry || '|' || employees || '|' || sales_team || '|' || region || '|' || motion) AS profiles
         FROM participants GROUP BY company_name`,
      )
      .all() as { name: string; n: number; profiles: number }[];
    expect(companies.filter((c) => c.n > 1).length).toBeGreaterThan(5);
    for (const c of companies) {
      expect(c.n, c.name).toBeLessThanOrEqual(8);
      expect(c.profiles, c.name).toBe(1);
    }
  });

  it('keep the foreign keys', () => {
    expect(t.db.db.$client.pragma('foreign_key_check')).toEqual([]);
  });
});

describe('seedParticipants on the connection', () => {
  let t: TempDb;
  beforeEach(() => {
    t = openTempDb();
  });
  afterEach(() => t.cleanup());

  it('builds again every index it drops for a large load', async () => {
    const before = indexes(t.db);
    expect(before.length).toBeGreaterThan(5);
    await seedParticipants(t.db, instrument, { count: 130, seed: 5, batchSize: 50, now: NOW });
    expect(indexes(t.db)).toEqual(before);
  });

  it('turns foreign keys back on and restores synchronous and the cache size', async () => {
    const cache = t.db.db.$client.pragma('cache_size', { simple: true });
    await seedParticipants(t.db, instrument, { count: 130, seed: 5, batchSize: 50, now: NOW });
    expect(t.db.db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    // FULL (2), as db/client.ts opens every connection.
    expect(t.db.db.$client.pragma('synchronous', { simple: true })).toBe(2);
    expect(t.db.db.$client.pragma('cache_size', { simple: true })).toBe(cache);
    expect(() => t.db.db.$client.prepare("INSERT INTO answers (participant_id, item_id, value) VALUES (999999, 'x', 'a')").run()).toThrow(/FOREIGN KEY/);
  });

  it('appends after the participants already stored', async () => {
    const existing = await addParticipant(t.db);
    const r = await seedParticipants(t.db, instrument, { count: 10, seed: 5, now: NOW });
    expect(r).toEqual({ first: existing.id + 1, count: 10 });
    const again = await seedParticipants(t.db, instrument, { count: 10, seed: 5, now: NOW });
    expect(again.first).toBe(existing.id + 11);
    expect(t.db.db.$client.prepare('SELECT count(*) AS n FROM scores').get()).toEqual({ n: 20 });
    const { n, d } = tokenHashesUnique(t.db);
    expect(d).toBe(n);
  });
});
