import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participants } from '../../db/schema.ts';
import { openMigrated } from '../../src/server/db.ts';
import { insertParticipant } from '../../src/server/repositories/participants.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { instrument } from '../helpers/instrument.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { CLI_MS, PROCESSES_TEST_MS } from '../helpers/limits.ts';

const tmp = tempDir('velocity-cli-report-');
const dbPath = join(tmp.dir, 'report.sqlite');
let unfinished = 0;

beforeAll(async () => {
  const db = openMigrated(dbPath);
  await seedParticipants(db, instrument, { count: 60, seed: 4 });
  unfinished = (await insertParticipant(db, {
    role: 'rep', companyName: 'Open Ltd', industry: 'other', employees: '1-49', salesTeam: '1-5', region: 'europe', motion: 'inside',
    instrumentId: instrument.id, instrumentVersion: instrument.version, resumeTokenHash: 'x'.repeat(64), updatedAt: new Date(),
  })).id;
  expect(db.db.select().from(participants).all().length).toBe(61);
  db.db.$client.close();
});
afterAll(() => tmp.cleanup());

describe('velocity report', { timeout: PROCESSES_TEST_MS }, () => {
  it.each(['company', 'personal'] as const)('writes the %s report of a finished participant as a PDF', (kind) => {
    const out = join(tmp.dir, `${kind}.pdf`);
    const r = runCli(['--db', dbPath, 'report', '--participant', '1', '--kind', kind, '--out', out], { timeoutMs: CLI_MS });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(out);
    const text = spawnSync('pdftotext', [out, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain(kind === 'company' ? 'Company report' : 'Personal report');
  });

  it('refuses an unknown participant, an unfinished one, a bad kind and an unwritable file, in one line each', () => {
    expectUsageError(runCli(['--db', dbPath, 'report', '--participant', '9999', '--kind', 'company', '--out', join(tmp.dir, 'x.pdf')]), 'no participant 9999');
    expectUsageError(runCli(['--db', dbPath, 'report', '--participant', String(unfinished), '--kind', 'company', '--out', join(tmp.dir, 'x.pdf')]), 'not finished');
    expectUsageError(runCli(['--db', dbPath, 'report', '--participant', '1', '--kind', 'team', '--out', join(tmp.dir, 'x.pdf')]), 'team');
    expectUsageError(runCli(['--db', dbPath, 'report', '--participant', '1', '--kind', 'company', '--out', '/proc/nope/x.pdf'], { timeoutMs: CLI_MS }), 'cannot write');
  });
});
