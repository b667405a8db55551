/**
 * `shaping prime` and what a fresh process does with its files: the report it
 * renders comes out the same, text and pixels, as without them, while most of
 * its text is served from them rather than shaped.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigrated } from '../../src/server/db.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { expectUsageError, ROOT, runCli, TSX } from '../helpers/cli.ts';
import { instrument } from '../helpers/instrument.ts';
import { tempDir } from '../helpers/temp-db.ts';

const tmp = tempDir('velocity-shaping-prime-');
const primed = join(tmp.dir, 'primed-cache');
const empty = join(tmp.dir, 'empty-cache');
const dbPath = join(tmp.dir, 'study.sqlite');
const COMPANY = 'Quillfeather Lumber Økonomi';
let primeOutput = '';

const prime = (participants: number, cacheDir: string) => runCli(['shaping', 'prime', '--participants', String(participants)], { env: { VELOCITY_CACHE_DIR: cacheDir }, timeoutMs: 90_000 });
type Stats = { hits: number; misses: number; restored: number }[];
/** A fresh process (tests/helpers/render-report-child.ts) renders participant 1's company report with the given cache. */
const render = (cacheDir: string, out: string) => {
  const r = spawnSync(TSX, [join(ROOT, 'tests', 'helpers', 'render-report-child.ts'), dbPath, '1', out], { cwd: ROOT, encoding: 'utf8', timeout: 90_000, env: { ...process.env, VELOCITY_CACHE_DIR: cacheDir } });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Stats;
};

beforeAll(() => {
  const db = openMigrated(dbPath);
  seedParticipants(db, instrument, { count: 80, seed: 9 });
  expect(db.$client.prepare('update participants set company_name = ? where id = 1').run(COMPANY).changes).toBe(1);
  db.$client.close();
  const r = prime(6, primed);
  expect(r.status, r.stderr).toBe(0);
  primeOutput = r.stdout;
});
afterAll(() => tmp.cleanup());

describe('shaping prime', () => {
  it('stores the shaped text of synthetic reports, one file per face, and nothing from the database in use', () => {
    expect(primeOutput).toMatch(/^Shaped 12 reports of 6 synthetic participants in [\d.]+ s: \d+ \+ \d+ text runs stored in /);
    const files = readdirSync(join(primed, 'shaping'));
    expect(files).toHaveLength(2);
    expect(files).toEqual(expect.arrayContaining([expect.stringMatching(/^DejaVuSans-Bold-[0-9a-f]{24}\.json$/), expect.stringMatching(/^DejaVuSans-[0-9a-f]{24}\.json$/)]));
    const text = files.map((f) => readFileSync(join(primed, 'shaping', f), 'utf8')).join('\n');
    // Report copy from templates/reports/copy.yaml is there …
    expect(text).toContain('Methodology');
    // … but nothing of the study database: priming seeds a database of its own, in memory.
    expect(text).not.toContain('Quillfeather');
  });

  it('gives a fresh process the same report, shaping only what is particular to it', () => {
    const withCache = render(primed, join(tmp.dir, 'primed.pdf'));
    const without = render(empty, join(tmp.dir, 'plain.pdf'));
    expect(without.map((s) => s.restored)).toEqual([0, 0]);
    expect(withCache[0]!.restored).toBeGreaterThan(100);
    // Served from the primed runs: the report's own names and figures are all that is left to shape.
    expect(withCache[0]!.hits).toBeGreaterThan(3 * withCache[0]!.misses);
    expect(withCache[0]!.misses).toBeLessThan(without[0]!.misses / 3);

    const text = (pdf: string) => spawnSync('pdftotext', ['-layout', join(tmp.dir, pdf), '-'], { encoding: 'utf8' }).stdout;
    expect(text('primed.pdf')).toContain(COMPANY);
    expect(text('primed.pdf')).toBe(text('plain.pdf'));
    for (const pdf of ['primed', 'plain']) {
      const r = spawnSync('pdftoppm', ['-r', '40', '-png', join(tmp.dir, `${pdf}.pdf`), join(tmp.dir, pdf)]);
      expect(r.status).toBe(0);
    }
    const pages = readdirSync(tmp.dir).filter((f) => f.startsWith('primed-') && f.endsWith('.png')).sort();
    expect(pages.length).toBeGreaterThan(10);
    for (const page of pages) expect(readFileSync(join(tmp.dir, page)).equals(readFileSync(join(tmp.dir, page.replace('primed-', 'plain-')))), page).toBe(true);
  });

  it('refuses a bad participant count in one line, and says so when it cannot write the cache', () => {
    expectUsageError(runCli(['shaping', 'prime', '--participants', '0']), '--participants must be a whole number from 1 to 200');
    expectUsageError(runCli(['shaping', 'prime', '--participants', 'many']), '--participants');
    // A cache folder that is a file: nothing can be written, the command says so and still succeeds.
    const blocked = join(tmp.dir, 'not-a-folder');
    writeFileSync(blocked, '');
    const r = prime(1, blocked);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('Could not write every file of the shaping cache');
    expect(readFileSync(blocked, 'utf8')).toBe('');
  });
});
