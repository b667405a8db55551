import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { PROCESSES_TEST_MS } from '../helpers/limits.ts';

const tmp = tempDir('velocity-cli-stats-');
afterAll(() => tmp.cleanup());

describe('velocity stats rebuild', { timeout: PROCESSES_TEST_MS }, () => {
  it('recomputes the peer statistics after scores were moved between groups by hand', () => {
    const path = join(tmp.dir, 's.sqlite');
    expect(runCli(['seed', '--create', '--count', '40', '--seed', '5', '--db', path]).status).toBe(0);
    const db = new Database(path);
    const regionSize = () =>
      (db.prepare("SELECT coalesce(sum(n), 0) AS n FROM peer_score_counts WHERE dimension = 'region' AND key = 'europe' AND measure = 'velocity'").get() as { n: number }).n;
    // Everyone moved to Europe behind the statistics' back: the total is unchanged, so only a rebuild notices.
    db.prepare("UPDATE scores SET region = 'europe'").run();
    expect(regionSize()).toBeLessThan(40);
    const r = runCli(['stats', 'rebuild', '--db', path]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Rebuilt the peer statistics of .*s\.sqlite from 40 scored participants \(demo data: no real participant counts yet\) in [\d.]+ s\.$/m);
    expect(regionSize()).toBe(40);
    db.close();
  });
});
