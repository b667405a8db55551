import { afterAll, describe, expect, it, vi } from 'vitest';

// checkStorageAtStart opens the process's one database (DATABASE_PATH): a damaged copy of this test's own, set before anything reads the config.
const scratch = vi.hoisted(() => {
  const fs = process.getBuiltinModule('node:fs');
  const os = process.getBuiltinModule('node:os');
  const path = process.getBuiltinModule('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'velocity-storage-start-'));
  process.env.DATABASE_PATH = path.join(dir, 'damaged.sqlite');
  return { dir, damaged: process.env.DATABASE_PATH, rm: () => fs.rmSync(dir, { recursive: true, force: true }) };
});

import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseOpenError } from '../../db/client.ts';
import { checkStorageAtStart, openMigrated } from '../../src/server/db.ts';
import { projectRoot } from '../../src/server/paths.ts';
import { damagePage } from '../helpers/storage-faults.ts';

/** Issue 14: a database that cannot be served stops the start with a message naming the file and what to do, never a blank 500 on every route. */
const good = join(scratch.dir, 'good.sqlite');
openMigrated(good).db.$client.close();
copyFileSync(good, scratch.damaged);
damagePage(scratch.damaged, 3);
afterAll(() => scratch.rm());

/** `npm start` without npm (the start script as package.json runs it), or the server entry started directly, over the given database. */
function run(script: 'scripts/start.mjs' | 'scripts/serve.ts', databasePath: string) {
  return spawnSync(process.execPath, [script], {
    cwd: projectRoot(),
    // A port of its own: npm start checks the port before the database, and 4321 may be serving something else.
    env: { ...process.env, DATABASE_PATH: databasePath, PORT: String(40_000 + Math.floor(Math.random() * 20_000)) },
    encoding: 'utf8',
    timeout: 120_000,
  });
}
const npmStart = (databasePath: string) => run('scripts/start.mjs', databasePath);

describe('the start', () => {
  it('refuses a damaged database with exit code 2, naming the file and the backup to restore', () => {
    const run = npmStart(scratch.damaged);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain(`the database at ${scratch.damaged} is damaged`);
    expect(run.stderr).toContain('Restore the latest backup');
    expect(run.stdout).not.toContain('Serving');
  });

  it('refuses a database it cannot open with exit code 2 and what to do', () => {
    const notAFolder = join(scratch.dir, 'a-file');
    writeFileSync(notAFolder, 'not a folder');
    const run = npmStart(join(notAFolder, 'velocity.sqlite'));
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain(`cannot open the database at ${join(notAFolder, 'velocity.sqlite')}`);
    expect(run.stderr).toContain('Restore the latest backup');
  });

  it('refuses a damaged database when the server entry is started directly, before it listens', () => {
    const direct = run('scripts/serve.ts', scratch.damaged);
    expect(direct.status, direct.stderr).toBe(2);
    expect(direct.stderr).toContain(`the database at ${scratch.damaged} is damaged`);
    expect(direct.stdout).not.toContain('Serving');
  });

  it('gives the server entry a DatabaseOpenError to print and stop on (checkStorageAtStart)', () => {
    let error: unknown;
    try {
      checkStorageAtStart();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect((error as DatabaseOpenError).corrupt).toBe(true);
    expect((error as Error).message).toContain(scratch.damaged);
  });
});
