import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverEntry, serverRuntimeEnv } from '../../scripts/build-state.ts';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { openMigrated } from '../../src/server/db.ts';
import { projectRoot } from '../../src/server/paths.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { occupyPort } from '../helpers/ports.ts';
import { tempDir } from '../helpers/temp-db.ts';

/** Issue 14: the server starts and stops like a service, sheds load it cannot serve, and compresses what it sends. */
const tmp = tempDir('velocity-runtime-');
afterAll(() => tmp.cleanup());

/** Generous: the machine running the suite may be slow and busy. */
const WAIT_MS = 60_000;

function freshDb(name: string): string {
  const path = join(tmp.dir, name);
  openMigrated(path).db.$client.close();
  return path;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, limitMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The server printed "Serving" once its busy page was rendered and its signal handlers were in place. */
const serving = (site: RunningSite) => until('"Serving"', () => site.output().includes('Serving') || undefined);

interface HeldAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A form post whose body is only half sent: the server has taken the
 * request and waits for the rest, so it stays in flight, whatever the
 * machine's speed, until finish() sends the remainder.
 */
function holdPost(base: string, path: string) {
  const url = new URL(path, base);
  const body = new URLSearchParams({ role: 'Sales director', company_name: 'Held Ltd', filler: 'x'.repeat(64) }).toString();
  const req = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), origin: base },
  });
  const answer = new Promise<HeldAnswer>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 10));
  return {
    answer,
    finish: () => {
      req.end(body.slice(10));
      return answer;
    },
  };
}

function runServer(env: Record<string, string>) {
  const child = spawn(process.execPath, [serverEntry(projectRoot())], {
    cwd: projectRoot(),
    env: { ...process.env, ...serverRuntimeEnv(), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, out: () => ({ stdout, stderr }) };
}

describe('starting', () => {
  it('refuses a port already in use: exit 2, a message naming the port and what to do, never "Serving"', { timeout: 120_000 }, async () => {
    const { server, port } = await occupyPort();
    try {
      const run = runServer({ PORT: String(port), DATABASE_PATH: freshDb('port.sqlite') });
      const code = await Promise.race([run.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), WAIT_MS))]);
      if (code === 'hung') run.child.kill('SIGKILL');
      const { stdout, stderr } = run.out();
      expect(code, stderr).toBe(2);
      expect(stderr).toContain(`port ${port}`);
      expect(stderr).toContain('already in use');
      expect(stderr).toMatch(/PORT=\d+/);
      expect(stdout).not.toContain('Serving');
    } finally {
      server.close();
    }
  });

  it('npm start refuses an old Node before loading anything, with how to switch (exit 2)', async () => {
    const child = spawn(process.execPath, [join(projectRoot(), 'scripts', 'start.mjs')], {
      cwd: projectRoot(),
      env: { ...process.env, VELOCITY_CHECK_NODE_VERSION: '20.19.0', DATABASE_PATH: join(tmp.dir, 'never-created.sqlite') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toContain('needs Node 22.12 or newer');
    expect(stderr).toContain('Node 20.19.0');
    expect(stderr).toContain('eval "$(scripts/use-node24.sh)"');
    expect(existsSync(join(tmp.dir, 'never-created.sqlite'))).toBe(false);
  });
});

describe('stopping on SIGTERM', () => {
  it('answers the request in flight, then exits 0 with the database closed (WAL checkpointed, no -wal left)', async () => {
    const dbPath = freshDb('stop.sqlite');
    const site = await startSite(dbPath);
    await serving(site);
    // The server has the database open: its WAL file is there while it runs.
    expect(existsSync(`${dbPath}-wal`)).toBe(true);
    const held = holdPost(site.base, '/start');
    // A round trip on another connection: the server has read the held post's headers by the time this is answered.
    await (await fetch(`${site.base}/favicon.svg`)).arrayBuffer();
    const stopped = site.stop();
    await until('the stop to begin', () => site.output().includes('stopping') || undefined);
    expect(site.output()).toMatch(/finishing [1-9]\d* request\(s\) in flight/);
    const answer = await held.finish();
    // A real answer (the form with its errors, or a redirect), not a reset connection.
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(500);
    expect(answer.headers.connection).toBe('close');
    await stopped;
    expect(site.exitCode(), site.output()).toBe(0);
    expect(site.output()).not.toContain('still running after');
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, 180_000);

  it('npm start is one process tree: SIGTERM to npm stops the server, and nothing is left listening', async () => {
    const dbPath = freshDb('npm-start.sqlite');
    const probe = await occupyPort();
    const port = probe.port;
    await new Promise((r) => probe.server.close(r));
    const npm = spawn('npm', ['start'], {
      cwd: projectRoot(),
      // Node 24's own directory first, so that npm runs the start script with it.
      env: { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH}`, PORT: String(port), DATABASE_PATH: dbPath, DEMO_PARTICIPANTS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (d) => (output += d));
    npm.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((r) => npm.once('exit', (code) => r(code)));
    try {
      await until('npm start to serve', () => output.includes('Serving') || undefined, 120_000);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
      npm.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), WAIT_MS))]);
      expect(code, output).not.toBe('hung');
      expect(output).toContain('stopping');
      // Nobody answers on the port any more: the server stopped with npm, no orphan kept it.
      await expect(fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) })).rejects.toThrow();
      expect(existsSync(`${dbPath}-wal`)).toBe(false);
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
    }
  }, 180_000);
});

describe('under more load than it can serve', () => {
  let site: RunningSite;
  let dbPath = '';
  beforeAll(async () => {
    dbPath = freshDb('shed.sqlite');
    // One request at a time and no queue: a single held request makes the server full.
    site = await startSite(dbPath, { MAX_CONCURRENT_REQUESTS: '1', REQUEST_QUEUE_LENGTH: '0' });
    await serving(site);
  }, 120_000);
  afterAll(async () => {
    await site?.stop();
  });

  /** `n` requests at once; each answer's status and body, a reset failing the test. */
  const burst = (n: number, send: () => Promise<Response>) => Promise.all(Array.from({ length: n }, () => send().then(async (r) => ({ res: r, html: await r.text() }))));

  it('answers 503 with Retry-After and the busy page at once, never a reset, and serves again once free', { timeout: 120_000 }, async () => {
    // One place and no queue: of requests sent together, those arriving while one is worked on are turned away.
    const shed = await until('a 503', async () => (await burst(20, () => fetch(`${site.base}/start?from=busy`))).find((a) => a.res.status === 503));
    expect(shed.res.headers.get('retry-after')).toBe('5');
    expect(shed.res.headers.get('cache-control')).toBe('no-store');
    expect(shed.res.headers.get('content-security-policy')).toContain("default-src 'self'");
    // The site's own page (rendered at start), with "Try again" leading back to the address asked for.
    expect(shed.html).toContain('data-testid="busy-page"');
    expect(shed.html).toContain('href="/start?from=busy"');
    expect(shed.html).toContain('Nothing you saved before is lost');

    // Many at once: every one gets an answer (the page or the busy page), none a reset.
    const many = await burst(40, () => fetch(`${site.base}/`));
    for (const a of many) expect([200, 503]).toContain(a.res.status);

    // A form post turned away is told that it was not saved and to send it again.
    const post = () =>
      fetch(`${site.base}/start`, { method: 'POST', headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded' }, body: 'role=x' });
    const refused = await until('a refused post', async () => (await burst(20, post)).find((a) => a.res.status === 503));
    expect(refused.html).toContain('data-testid="busy-form"');
    expect(refused.html).toContain('Nothing on the page you just sent was stored');
    expect(refused.html).toContain('Back');

    // Static files and the health routes are never shed.
    const css = shed.html.match(/href="(\/_astro\/[^"]+\.css)"/)?.[1];
    expect(css).toBeDefined();
    expect((await fetch(`${site.base}${css}`)).status).toBe(200);
    expect((await fetch(`${site.base}/favicon.svg`)).status).toBe(200);

    await until('the site to serve again', async () => ((await fetch(`${site.base}/`)).status === 200 ? true : undefined));
    // role=x is no role: whatever was admitted was refused by the form, and nothing turned away was stored.
    const participants = new Database(dbPath, { readonly: true }).prepare("SELECT count(*) AS n FROM participants WHERE role = 'x'").get() as { n: number };
    expect(participants.n).toBe(0);
  });

  it('lets no slowly sent body hold the one place: posts trickling in leave the site serving, and are answered when complete', { timeout: 120_000 }, async () => {
    // An attacker's trick against the place limit: headers at once, then the body a byte at a time.
    const held = [holdPost(site.base, '/start'), holdPost(site.base, '/start'), holdPost(site.base, '/start')];
    await (await fetch(`${site.base}/favicon.svg`)).arrayBuffer();
    // Several tries: with one place, a page may still meet another page; never all of them, while the posts hang.
    const page = await until('the page while the posts trickle', async () => {
      const res = await fetch(`${site.base}/`);
      await res.text();
      return res.status === 200 ? res : undefined;
    });
    expect(page.status).toBe(200);
    for (const h of held) expect((await h.finish()).status).toBeLessThan(500);
  });

  it('refuses a body larger than any form takes with 413 and a message, before reading it', async () => {
    const url = new URL('/start', site.base);
    // Headers only: the declared length alone decides, so the answer comes without a byte of the body.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded', 'content-length': 2 * 1024 * 1024 } });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('larger than this site accepts');
  });

  it('shows the busy pages accessibly at 1280 and 375 px', { timeout: 120_000 }, async () => {
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      for (const [name, path] of [
        ['busy-page', '/busy'],
        ['busy-form', '/busy?form'],
      ] as const) {
        const res = await page.goto(`${site.base}${path}`);
        expect(res?.status()).toBe(503);
        await expectAccessible(page, name);
        await screenshots(page, name);
      }
      await page.close();
    } finally {
      await browser?.close();
    }
  });
});

describe('compression', () => {
  let site: RunningSite;
  beforeAll(async () => {
    site = await startSite(freshDb('compress.sqlite'), { DEMO_PARTICIPANTS: '0' });
    await serving(site);
  }, 120_000);
  afterAll(async () => {
    await site?.stop();
  });

  const raw = (path: string, acceptEncoding?: string) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const url = new URL(path, site.base);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });

  it('sends pages brotli or gzip as the browser accepts, the same page as uncompressed', { timeout: 120_000 }, async () => {
    const plain = await raw('/');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await raw('/', 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    const gz = await raw('/', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    const page = (b: Buffer) => b.toString('utf8').replace(/\s+/g, ' ');
    expect(page(brotliDecompressSync(br.body))).toBe(page(plain.body));
    expect(page(gunzipSync(gz.body))).toBe(page(plain.body));
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
  });

  it('compresses the stylesheets, and leaves PDFs as they are', async () => {
    const css = (await raw('/')).body.toString('utf8').match(/href="(\/_astro\/[^"]+\.css)"/)?.[1];
    expect(css).toBeDefined();
    const sheet = await raw(css!, 'br, gzip');
    expect(sheet.headers['content-encoding']).toBe('br');
    expect(sheet.headers['cache-control']).toContain('immutable');
    const pdf = await raw('/sample/personal.pdf', 'br, gzip');
    expect(pdf.status, pdf.body.toString('utf8').slice(0, 200)).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    expect(pdf.headers['content-encoding']).toBeUndefined();
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 120_000);
});
