import Database from 'better-sqlite3';
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseOpenError, JOURNAL_SIZE_LIMIT_BYTES, openDatabase } from '../../db/client.ts';
import { openMigrated } from '../../src/server/db.ts';
import { reportStorageFault, storageFaultOf } from '../../src/server/storage-fault.ts';
import { checkStorage, resetStorageHealth, storageProblems } from '../../src/server/storage-health.ts';
import { damagePage, makeReadOnly } from '../helpers/storage-faults.ts';
import { tempDir } from '../helpers/temp-db.ts';

/** Issue 14: storage faults are named, a read-only file and a growing WAL are noticed, a damaged file is refused. */
let tmp: ReturnType<typeof tempDir>;
let lines: string[];
const log = (l: string) => lines.push(l);
beforeEach(() => {
  tmp = tempDir('velocity-storage-');
  lines = [];
  resetStorageHealth();
});
afterEach(() => {
  resetStorageHealth();
  tmp.cleanup();
});

const walSize = (path: string) => {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
};

describe('storage faults', () => {
  it('are told apart from other errors by SQLite’s code', () => {
    const err = (code: string) => Object.assign(new Error('x'), { code });
    expect(storageFaultOf(err('SQLITE_FULL'))).toEqual({ problem: 'disk-full', cause: 'SQLITE_FULL' });
    expect(storageFaultOf(err('SQLITE_READONLY_DBMOVED'))?.problem).toBe('read-only');
    expect(storageFaultOf(err('SQLITE_IOERR_FSYNC'))?.problem).toBe('io-error');
    expect(storageFaultOf(err('SQLITE_CORRUPT'))?.problem).toBe('corrupt');
    expect(storageFaultOf(new DatabaseOpenError('damaged', true))?.problem).toBe('corrupt');
    expect(storageFaultOf(err('SQLITE_CONSTRAINT_UNIQUE'))).toBeNull();
    expect(storageFaultOf(new TypeError('a bug'))).toBeNull();
  });

  it('are logged once with their cause, however many places see the same error', () => {
    const e = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expect(reportStorageFault(e, 'saving page 2', log)).not.toBeNull();
    expect(reportStorageFault(e, 'the error page', log)).not.toBeNull();
    expect(lines).toEqual(['velocity: storage fault (disk-full, SQLITE_FULL) in saving page 2: nothing from this request was stored']);
    // …and readiness learns of it at once, before any check runs.
    expect(storageProblems().map((p) => p.name)).toEqual(['write-failed']);
  });
});

describe('a read-only database file', () => {
  it('is noticed by the check, and a write to it fails with SQLITE_READONLY', () => {
    const path = join(tmp.dir, 'ro.sqlite');
    openMigrated(path).db.$client.close();
    const ro = makeReadOnly(path);
    try {
      const db = openDatabase(path);
      const problems = checkStorage(path, db.$client);
      expect(problems.map((p) => p.name), ro.method).toContain('file-read-only');
      let code = '';
      try {
        db.$client.prepare("INSERT INTO consultants (email, password_hash) VALUES ('a@example.com', 'x')").run();
      } catch (e) {
        code = (e as { code: string }).code;
      }
      expect(code, ro.method).toMatch(/^SQLITE_READONLY/);
      db.$client.close();
    } finally {
      ro.undo();
    }
  });

  it('that turns read-only under a running server makes its checkpoints fail, which is reported, as is a WAL past its limit', () => {
    const path = join(tmp.dir, 'live.sqlite');
    const sqlite = openMigrated(path).db.$client;
    sqlite.exec('CREATE TABLE filler (x BLOB)');
    expect(checkStorage(path, sqlite)).toEqual([]);
    const ro = makeReadOnly(path);
    try {
      const insert = sqlite.prepare('INSERT INTO filler VALUES (randomblob(4000))');
      // The connection opened before the change may still write its WAL; SQLite's own checkpoints then fail silently.
      let wrote = true;
      try {
        for (let i = 0; i < 500; i++) insert.run();
      } catch {
        wrote = false;
      }
      const problems = checkStorage(path, sqlite).map((p) => p.name);
      expect(problems, ro.method).toContain('file-read-only');
      // With chattr +i the open connection's writes go on into the WAL: only our checkpoint sees that the main file cannot take them.
      if (ro.method === 'chattr +i' && wrote) expect(problems).toContain('checkpoint-failed');
      const walAlarm = checkStorage(path, sqlite, { walAlarmBytes: 1024 * 1024 }).map((p) => p.name);
      if (wrote && walSize(path) > 1024 * 1024) expect(walAlarm).toContain('wal-too-large');
    } finally {
      ro.undo();
    }
    // Writable again: the next check finds nothing wrong and says so once.
    expect(checkStorage(path, sqlite)).toEqual([]);
    sqlite.close();
  });
});

describe('the WAL', () => {
  it('stays bounded after many writes, even when a long read held it open for a while', () => {
    const path = join(tmp.dir, 'wal.sqlite');
    // NORMAL only to keep this test quick; the WAL's size does not depend on when it is synced.
    const db = openDatabase(path, { durability: 'NORMAL' });
    const sqlite = db.$client;
    sqlite.exec('CREATE TABLE filler (x BLOB)');
    const insert = sqlite.prepare('INSERT INTO filler VALUES (randomblob(4000))');
    // A second connection's read transaction keeps every later frame in the WAL, as a long backup would.
    const reader = new Database(path, { readonly: true });
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) FROM filler').get();
    for (let i = 0; i < 3_000; i++) insert.run(); // three WAL frames each: about 36 MB, past the journal size limit
    expect(walSize(path)).toBeGreaterThan(JOURNAL_SIZE_LIMIT_BYTES);
    reader.prepare('COMMIT').run();
    reader.close();
    // The monitor's checkpoint copies everything; the next commit starts the WAL over and cuts the file to the limit.
    expect(checkStorage(path, sqlite)).toEqual([]);
    for (let i = 0; i < 10; i++) insert.run();
    expect(walSize(path)).toBeLessThanOrEqual(JOURNAL_SIZE_LIMIT_BYTES);
    // And writes go on without it growing again.
    for (let i = 0; i < 3_000; i++) insert.run();
    expect(walSize(path)).toBeLessThanOrEqual(JOURNAL_SIZE_LIMIT_BYTES);
    sqlite.close();
  });
});

describe('a damaged database file', () => {
  it('is refused at open with a message naming the file and what to do', () => {
    const good = join(tmp.dir, 'good.sqlite');
    const bad = join(tmp.dir, 'bad.sqlite');
    openMigrated(good).db.$client.close();
    copyFileSync(good, bad);
    damagePage(bad, 3);
    let error: unknown;
    try {
      openMigrated(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect((error as DatabaseOpenError).corrupt).toBe(true);
    expect((error as Error).message).toContain(bad);
    expect((error as Error).message).toMatch(/damaged.*Restore the latest backup/);
    // The undamaged original opens as before.
    openMigrated(good).db.$client.close();
  });

  it('is refused by the bounded check of a large file when the damage is outside the per-participant tables', () => {
    const good = join(tmp.dir, 'good.sqlite');
    openMigrated(good).db.$client.close();
    const rootOf = (table: string) => {
      const db = new Database(good, { readonly: true });
      const page = db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').pluck().get(table) as number;
      db.close();
      return page;
    };
    const studies = join(tmp.dir, 'studies-damaged.sqlite');
    copyFileSync(good, studies);
    damagePage(studies, rootOf('studies'));
    // A limit of 0 bytes treats this small file as a large one.
    expect(() => openDatabase(studies, { fullCheckMaxBytes: 0 })).toThrow(/is damaged \(quick_check/);
    // What the bounded check leaves out, said plainly: damage in the answers passes the start and the full check finds it.
    const answers = join(tmp.dir, 'answers-damaged.sqlite');
    copyFileSync(good, answers);
    damagePage(answers, rootOf('answers'));
    openDatabase(answers, { fullCheckMaxBytes: 0 }).$client.close();
    expect(() => openDatabase(answers)).toThrow(/is damaged/);
  });
});

describe('durability', () => {
  it('is synchronous=FULL on every connection the app opens, and seeding demo data leaves it so', async () => {
    const { seedParticipants } = await import('../../src/server/services/seed.ts');
    const { loadInstrument } = await import('../../src/server/instrument-loader.ts');
    const store = openMigrated(join(tmp.dir, 'durable.sqlite'));
    const sqlite = store.db.$client;
    // SQLite's numbers: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA.
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
    await seedParticipants(store, loadInstrument(), { count: 20, seed: 1 });
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(sqlite.pragma('journal_size_limit', { simple: true })).toBe(JOURNAL_SIZE_LIMIT_BYTES);
    sqlite.close();
  });
});
