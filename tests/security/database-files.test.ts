import Database from 'better-sqlite3';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { PROCESSES_TEST_MS } from '../helpers/limits.ts';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

const tmp = tempDir('velocity-db-files-');
afterAll(() => tmp.cleanup());

describe('database files are private (issue 11)', () => {
  // The usual umask, which leaves new files readable by everyone unless the code asks otherwise.
  let umask = 0;
  beforeEach(() => {
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
  });

  it('creates the database, its WAL and shared-memory files 0600 and the folders it makes 0700', () => {
    const dir = join(tmp.dir, 'fresh', 'data');
    const path = join(dir, 'velocity.sqlite');
    const db = openDatabase(path);
    db.$client.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect({ file: mode(path), wal: mode(`${path}-wal`), shm: mode(`${path}-shm`), dir: mode(dir), parent: mode(join(tmp.dir, 'fresh')) }).toEqual({
      file: '600',
      wal: '600',
      shm: '600',
      dir: '700',
      parent: '700',
    });
    db.$client.close();
  });

  it('leaves the permissions of an existing file and folder as the operator set them', () => {
    const path = join(tmp.dir, 'existing.sqlite');
    writeFileSync(path, '', { mode: 0o640 });
    openDatabase(path).$client.close();
    expect(mode(path)).toBe('640');
  });
});

describe('velocity backup (issue 11)', () => {
  const source = join(tmp.dir, 'live.sqlite');
  beforeEach(() => {
    if (!existsSync(source)) expect(runCli(['seed', '--create', '--count', '12', '--seed', '3', '--db', source]).status).toBe(0);
  });

  it('copies the live database into a private, self-contained file that opens with every participant', () => {
    const out = join(tmp.dir, 'backups', 'nightly.sqlite');
    // A reader holds the database open, as the running server does.
    const live = new Database(source);
    live.prepare('BEGIN').run();
    live.prepare('SELECT count(*) FROM participants').get();
    const r = runCli(['backup', '--db', source, '--out', out]);
    live.prepare('COMMIT').run();
    live.close();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Backed up .*live\.sqlite to .*nightly\.sqlite \(12 participants\) in [\d.]+ s\.$/m);
    expect(mode(out)).toBe('600');
    expect(existsSync(`${out}-wal`)).toBe(false);
    const copy = new Database(out, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.prepare('SELECT count(*) AS n FROM scores').get()).toEqual({ n: 12 });
    copy.close();
  });

  it('refuses to overwrite a file without --force, and never writes over the database itself', () => {
    const out = join(tmp.dir, 'taken.sqlite');
    writeFileSync(out, 'keep me');
    expectUsageError(runCli(['backup', '--db', source, '--out', out]), 'exists', '--force');
    expect(statSync(out).size).toBe(7);
    expect(runCli(['backup', '--db', source, '--out', out, '--force']).status).toBe(0);
    expectUsageError(runCli(['backup', '--db', source, '--out', source, '--force']), 'the database itself');
    expectUsageError(runCli(['backup', '--db', join(tmp.dir, 'missing.sqlite'), '--out', join(tmp.dir, 'x.sqlite')]), 'no database');
    // Several CLI runs, each a fresh tsx process: slow on a busy machine.
  }, PROCESSES_TEST_MS);
});
