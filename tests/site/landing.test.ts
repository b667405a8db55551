import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MIN_GROUP } from '../../src/domain/peers.ts';
import { profileChoices } from '../../src/domain/profile.ts';
import { openMigrated } from '../../src/server/db.ts';
import { projectRoot } from '../../src/server/paths.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { tempDir } from '../helpers/temp-db.ts';

const ROOT = projectRoot();
const ENTRY = join(ROOT, 'dist', 'server', 'entry.mjs');
const K = DEFAULT_MIN_GROUP;
/** The industry cut down below k after seeding, so one row must hide its figure. */
const SMALL_INDUSTRY = 'other';
const SMALL_SIZE = 3;

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

/** The same inputs `npm start` watches before it decides to build. */
function buildIsStale(): boolean {
  if (!existsSync(ENTRY)) return true;
  const built = statSync(ENTRY).mtimeMs;
  return ['src', 'db', 'templates', 'public', 'astro.config.mjs']
    .map((p) => join(ROOT, p))
    .filter(existsSync)
    .some((p) => newestMtime(p) > built);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The figure in the table cell beside a group's label, as the page shows it. */
const cellBeside = (html: string, label: string) =>
  html.match(new RegExp(`<td[^>]*>${escapeRegExp(escapeHtml(label))}</td>\\s*<td[^>]*>([^<]*)</td>`))?.[1]?.trim();

const tmp = tempDir('velocity-site-');
let server: ChildProcess | undefined;
let serverOutput = '';
let base = '';
let industrySizes: Map<string, number>;
let participants: number;
let removed: number;
let home: { status: number; headers: Headers; html: string };

beforeAll(async () => {
  if (buildIsStale()) {
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(build.status, `astro build failed:\n${build.stdout}\n${build.stderr}`).toBe(0);
  }

  const dbPath = join(tmp.dir, 'site.sqlite');
  const db = openMigrated(dbPath);
  seedParticipants(db, instrument, { count: 300, seed: 17, now: new Date('2026-01-15T00:00:00Z') });
  // Keep only a few of one industry (the cascade removes their scores) so that its group is below k.
  removed = db.$client
    .prepare('DELETE FROM participants WHERE industry = ? AND id NOT IN (SELECT id FROM participants WHERE industry = ? ORDER BY id LIMIT ?)')
    .run(SMALL_INDUSTRY, SMALL_INDUSTRY, SMALL_SIZE).changes;
  participants = (db.$client.prepare('SELECT count(*) AS n FROM scores').get() as { n: number }).n;
  industrySizes = new Map(
    (db.$client.prepare('SELECT industry, count(*) AS n FROM scores GROUP BY industry').all() as { industry: string; n: number }[]).map((r) => [
      r.industry,
      r.n,
    ]),
  );
  db.$client.close();
  expect(industrySizes.get(SMALL_INDUSTRY)).toBe(SMALL_SIZE);

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: dbPath, PEER_MIN_GROUP: String(K) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (d) => (serverOutput += d));
  server.stderr!.on('data', (d) => (serverOutput += d));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}:\n${serverOutput}`);
    try {
      const res = await fetch(`${base}/`);
      home = { status: res.status, headers: res.headers, html: await res.text() };
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`the server did not answer within 30 s:\n${serverOutput}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}, 240_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  }
  tmp.cleanup();
});

describe('the landing page on the built server', () => {
  it('answers 200 with HTML', () => {
    expect(home.status, serverOutput).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('shows the number of completed participants in the database', () => {
    const m = home.html.match(/data-testid="participant-count"[^>]*>([^<]*)</);
    expect(m, 'no element with data-testid="participant-count"').not.toBeNull();
    expect(Number(m![1]!.replace(/,/g, ''))).toBe(participants);
    expect(participants).toBe(300 - removed);
  });

  it('lists every industry of the instrument, with its count or "fewer than k"', () => {
    for (const option of profileChoices(instrument, 'industry')) {
      const n = industrySizes.get(option.id) ?? 0;
      expect(cellBeside(home.html, option.label), option.label).toBe(n >= K ? n.toLocaleString('en-US') : `fewer than ${K}`);
    }
  });

  it('hides the small group behind "fewer than 5"', () => {
    const label = profileChoices(instrument, 'industry').find((o) => o.id === SMALL_INDUSTRY)!.label;
    expect(cellBeside(home.html, label)).toBe('fewer than 5');
    expect(home.html).not.toMatch(new RegExp(`<td[^>]*>${escapeRegExp(label)}</td>\\s*<td[^>]*>${SMALL_SIZE}</td>`));
  });

  it('sends the security headers', () => {
    const h = home.headers;
    expect(h.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(h.get('content-security-policy')).toContain("default-src 'self'");
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('referrer-policy')).toBeTruthy();
  });

  it('refuses a cross-origin form post with 403', async () => {
    const res = await fetch(`${base}/`, {
      method: 'POST',
      headers: { origin: 'https://attacker.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    await res.text();
    expect(res.status).toBe(403);
  });

  it('answers an unknown path with 404, not 500', async () => {
    const res = await fetch(`${base}/no-such-page-${Date.now()}`);
    await res.text();
    expect(res.status).toBe(404);
    // The middleware adds its headers to error pages too.
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
