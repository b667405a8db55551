import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { openMigrated } from '../../src/server/db.ts';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../db/client.ts';
import { migrationsDir } from '../../src/server/paths.ts';
import { openTempDb, tempDir, type TempDb } from '../helpers/temp-db.ts';

const tables = (Object.values(schema) as unknown[])
  .filter((v): v is SQLiteTable => v instanceof SQLiteTable)
  .map((t) => getTableConfig(t));

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

function master(type: 'table' | 'index') {
  return t.db.db.$client.prepare('SELECT name, tbl_name AS tbl, sql FROM sqlite_master WHERE type = ? ORDER BY name').all(type) as {
    name: string;
    tbl: string;
    sql: string | null;
  }[];
}

describe('migrations on a fresh database', () => {
  it('knows the seventeen tables of the schema', () => {
    expect(tables.map((c) => c.name).sort()).toEqual([
      'answers',
      'companies',
      'consultants',
      'invitations',
      'mail_outbox',
      'participant_numbers',
      'participants',
      'peer_item_sums',
      'peer_score_counts',
      'rate_limit_hits',
      'scores',
      'sessions',
      'settings',
      'sign_in_attempts',
      'studies',
      'study_waves',
      'wave_links',
    ]);
  });

  it.each(tables.map((c) => [c.name, c] as const))('creates %s with every column of the schema', (name, config) => {
    const columns = t.db.db.$client.prepare(`PRAGMA table_info("${name}")`).all() as { name: string; notnull: number }[];
    expect(columns.map((c) => c.name).sort()).toEqual(config.columns.map((c) => c.name).sort());
    for (const col of config.columns) {
      const found = columns.find((c) => c.name === col.name)!;
      // A primary key column is NOT NULL in the schema even where SQLite reports it loosely.
      if (!col.primary) expect(found.notnull === 1, `${name}.${col.name} NOT NULL`).toBe(col.notNull);
    }
  });

  it.each(tables.map((c) => [c.name, c] as const))('creates every index declared on %s', (name, config) => {
    const indexes = master('index').filter((i) => i.tbl === name).map((i) => i.name);
    for (const idx of config.indexes) expect(indexes).toContain(idx.config.name);
  });

  it('records the applied migration', () => {
    const n = t.db.db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    expect(n.n).toBeGreaterThanOrEqual(1);
  });

  it.each(['answers', 'peer_score_counts', 'peer_item_sums'])('stores %s WITHOUT ROWID', (name) => {
    expect(master('table').find((r) => r.name === name)?.sql).toMatch(/WITHOUT ROWID\s*$/i);
    expect(() => t.db.db.$client.prepare(`SELECT rowid FROM ${name}`).all()).toThrow(/rowid/);
  });

  it('keys answers by participant and item', () => {
    // A rowid table would answer this query; a WITHOUT ROWID table refuses it.
    expect(() => t.db.db.$client.prepare('SELECT rowid FROM answers').all()).toThrow(/rowid/);
    const pk = (t.db.db.$client.prepare('PRAGMA table_info(answers)').all() as { name: string; pk: number }[])
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    expect(pk).toEqual(['participant_id', 'item_id']);
  });

  it('opens in WAL mode with foreign keys on and a busy timeout', () => {
    const c = t.db.db.$client;
    expect(c.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(c.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(c.pragma('busy_timeout', { simple: true }))).toBeGreaterThanOrEqual(1000);
  });

  it('enforces the foreign keys it declares', () => {
    expect(() => t.db.db.$client.prepare("INSERT INTO answers (participant_id, item_id, value) VALUES (999, 'x', 'a')").run()).toThrow(
      /FOREIGN KEY/,
    );
  });

  it('opens an already migrated file again without changes', () => {
    const before = master('table').concat(master('index'));
    const applied = t.db.db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get();
    t.db.db.$client.close();
    const again = openMigrated(t.path);
    try {
      const after = again.db.$client.prepare("SELECT name, tbl_name AS tbl, sql FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY type DESC, name").all();
      expect(after).toEqual(before);
      expect(again.db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get()).toEqual(applied);
    } finally {
      again.db.$client.close();
    }
  });
});

describe('the waves migration (0010) on a database made before it', () => {
  it('makes every study its wave 1 with the links it had, and puts its participants in it', () => {
    const scratch = tempDir('velocity-migrate-');
    try {
      // The migrations folder as it was before 0010: the same files, the journal cut before it.
      const before = join(scratch.dir, 'migrations');
      cpSync(migrationsDir(), before, { recursive: true });
      const journalPath = join(before, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
      journal.entries = journal.entries.filter((e) => !e.tag.startsWith('0010') && Number(e.tag.slice(0, 4)) < 10);
      writeFileSync(journalPath, JSON.stringify(journal));
      const path = join(scratch.dir, 'old.sqlite');
      const old = openDatabase(path, { migrationsFolder: before });
      const c = old.$client;
      c.prepare("INSERT INTO consultants (id, email, password_hash) VALUES (1, 'c@example.com', 'x')").run();
      c.prepare("INSERT INTO studies (id, consultant_id, name, invite_token) VALUES (7, 1, 'Old study', 'old-study-link')").run();
      c.prepare("INSERT INTO companies (id, study_id, name, invite_token) VALUES (3, 7, 'Old Co', 'old-company-link')").run();
      c.prepare(
        "INSERT INTO participants (id, study_id, company_id, role, company_name, industry, employees, sales_team, region, motion, instrument_id, instrument_version, resume_token_hash, updated_at) VALUES (5, 7, 3, 'r', 'Old Co', 'i', 'e', 's', 'g', 'm', 'x', 1, 'h', 0)",
      ).run();
      c.close();

      const now = openMigrated(path);
      try {
        const n = now.db.$client;
        expect(n.prepare('SELECT study_id, number FROM study_waves').all()).toEqual([{ study_id: 7, number: 1 }]);
        const links = n.prepare('SELECT company_id, token FROM wave_links ORDER BY token').all();
        expect(links).toEqual([
          { company_id: 3, token: 'old-company-link' },
          { company_id: null, token: 'old-study-link' },
        ]);
        const wave = (n.prepare('SELECT id FROM study_waves').get() as { id: number }).id;
        expect(n.prepare('SELECT wave_id FROM participants WHERE id = 5').get()).toEqual({ wave_id: wave });
      } finally {
        now.db.$client.close();
      }
    } finally {
      scratch.cleanup();
    }
  });
});
