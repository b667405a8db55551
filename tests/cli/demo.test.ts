import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openMigrated } from '../../src/server/db.ts';
import { saveAnswers, saveNumbers } from '../../src/server/repositories/participants.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { existsSync } from 'node:fs';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant } from '../helpers/participants.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { PROCESSES_TEST_MS } from '../helpers/limits.ts';

const tmp = tempDir('velocity-cli-demo-');
afterAll(() => tmp.cleanup());

const count = (db: Database.Database, sql: string) => (db.prepare(sql).get() as { n: number }).n;
const statsTotal = (db: Database.Database) =>
  count(db, "SELECT coalesce(sum(n), 0) AS n FROM peer_score_counts WHERE dimension = 'all' AND key = '' AND measure = 'velocity'");

describe('velocity demo remove', { timeout: PROCESSES_TEST_MS }, () => {
  it('deletes every demo participant with their answers, numbers and scores, keeps real ones, and rebuilds the statistics', async () => {
    const path = join(tmp.dir, 'd.sqlite');
    expect(runCli(['seed', '--create', '--count', '40', '--seed', '5', '--db', path]).status).toBe(0);
    const db = openMigrated(path);
    const real = await addParticipant(db, { companyName: 'Real Co' });
    await saveAnswers(db, real.id, completeAnswers());
    await saveNumbers(db, real.id, { opportunities: 10, dealValue: 1000, winRate: 20, cycleDays: 30 });
    expect((await finishParticipant(db, instrument, real.id, new Date(), { clientAddress: '192.0.2.7' })).population).toBe('benchmark');
    const inProgress = await addParticipant(db, { companyName: 'Still answering' });
    db.db.$client.close();

    const raw = new Database(path, { readonly: true });
    expect(count(raw, "SELECT count(*) AS n FROM scores WHERE population = 'demo'")).toBe(40);
    expect(count(raw, 'SELECT count(*) AS n FROM participant_numbers')).toBeGreaterThan(1);
    raw.close();

    const r = runCli(['demo', 'remove', '--db', path]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Removed 40 demo participants \(with their answers, numbers and scores\) from .*d\.sqlite in [\d.]+ s; the peer statistics now hold 1 real participant\.$/m);

    const after = new Database(path, { readonly: true });
    expect(after.prepare('SELECT id FROM participants ORDER BY id').all()).toEqual([{ id: real.id }, { id: inProgress.id }]);
    expect(count(after, `SELECT count(*) AS n FROM answers WHERE participant_id != ${real.id}`)).toBe(0);
    expect(count(after, `SELECT count(*) AS n FROM participant_numbers WHERE participant_id != ${real.id}`)).toBe(0);
    expect(count(after, 'SELECT count(*) AS n FROM scores')).toBe(1);
    expect(count(after, `SELECT count(*) AS n FROM answers WHERE participant_id = ${real.id}`)).toBeGreaterThan(30);
    expect(statsTotal(after)).toBe(1);
    after.close();

    // Twice is harmless.
    const again = runCli(['demo', 'remove', '--db', path]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Removed 0 demo participants/m);
  });

  it('leaves empty statistics when the database held demo data only, and records the removal', () => {
    const path = join(tmp.dir, 'only-demo.sqlite');
    expect(runCli(['seed', '--create', '--count', '12', '--seed', '2', '--db', path]).status).toBe(0);
    const r = runCli(['demo', 'remove', '--db', path]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Removed 12 demo participants .* the peer statistics now hold 0 demo participants\.$/m);
    const db = new Database(path, { readonly: true });
    expect(count(db, 'SELECT count(*) AS n FROM participants')).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM peer_score_counts')).toBe(0);
    expect(db.prepare("SELECT value FROM settings WHERE key = 'demo-data'").get()).toEqual({ value: 'removed' });
    db.close();
  });

  it('refuses a database that does not exist instead of creating an empty one', () => {
    const missing = join(tmp.dir, 'no-such-folder', 'typo.sqlite');
    for (const args of [['demo', 'remove'], ['stats', 'rebuild']]) {
      expectUsageError(runCli(['--db', missing, ...args]), 'there is no database at', 'typo.sqlite');
    }
    expect(existsSync(missing)).toBe(false);
  });

  it('documents itself', () => {
    const r = runCli(['demo', 'remove', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: velocity demo remove/m);
    expect(r.stdout).toContain('Delete every demo participant');
  });
});
