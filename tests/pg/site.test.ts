import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { serverRuntimeEnv } from '../../scripts/build-state.ts';
import { freePort, startSite, type RunningSite } from '../../scripts/site-process.ts';
import { projectRoot } from '../../src/server/paths.ts';
import { postForm } from '../helpers/forms.ts';
import { answerAllButLast, pageFields, pages, startParticipant } from '../helpers/journey.ts';
import { EVENTUALLY_MS, PROCESSES_TEST_MS, SETUP_MS } from '../helpers/limits.ts';
import { freshDatabase, scalar } from '../helpers/pg.ts';

/**
 * The site on PostgreSQL: two app servers (two processes, each its own pool)
 * on one database, as behind a proxy. Both start together, so both migrate
 * under the advisory lock; a participant's requests then land on either.
 */
describe('two servers on one PostgreSQL database', () => {
  let url: string;
  let a: RunningSite;
  let b: RunningSite;

  beforeAll(async () => {
    url = await freshDatabase('site');
    // The demo seeding is npm start's, not the server's; no demo data keeps the database to what the test does.
    [a, b] = await Promise.all([startSite(url, { DEMO_PARTICIPANTS: '0' }), startSite(url, { DEMO_PARTICIPANTS: '0' })]);
  }, SETUP_MS);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('both started and migrated the database once', async () => {
    const client = new pg.Client(url);
    await client.connect();
    try {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
      expect(rows[0].n).toBeGreaterThan(0);
      const { rows: again } = await client.query('SELECT count(DISTINCT hash)::int AS n FROM drizzle.__drizzle_migrations');
      expect(again[0].n).toBe(rows[0].n);
    } finally {
      await client.end();
    }
    for (const site of [a, b]) expect((await fetch(`${site.base}/readyz`)).status, site.output()).toBe(200);
  });

  it('a participant starts and saves on server A, finishes on server B and sees the results there', async () => {
    const token = await startParticipant(a.base);
    const saved = await postForm(a.base, `/r/${token}/1`, { ...pageFields(1), action: 'next' });
    expect(saved.status, a.output()).toBe(303);
    expect(saved.headers.get('location')).toBe(`/r/${token}/2`);
    // Server B sees what A saved: the resume link leads past page 1, to the first page with an open question.
    const resumed = await fetch(`${b.base}/r/${token}`, { redirect: 'manual' });
    expect(resumed.status, b.output()).toBe(303);
    expect(resumed.headers.get('location')).toBe(`/r/${token}/2`);
    await answerAllButLast(b.base, token);
    const finished = await postForm(b.base, `/r/${token}/${pages.length}`, { ...pageFields(pages.length), action: 'finish' });
    expect(finished.headers.get('location'), b.output()).toBe(`/r/${token}/results`);
    for (const site of [b, a]) {
      const results = await fetch(`${site.base}/r/${token}/results`);
      expect(results.status, site.output()).toBe(200);
      expect(await results.text()).toContain('data-testid="velocity-index"');
    }
    expect(await scalar(url, "SELECT count(*)::int AS n FROM scores s JOIN participants p ON p.id = s.participant_id WHERE p.status = 'completed'")).toBe(1);
  });
});

describe('npm start on PostgreSQL, two instances at once', () => {
  const started: ChildProcess[] = [];
  afterAll(async () => {
    await Promise.all(
      started.map((p) => (p.exitCode === null && p.signalCode === null ? new Promise((r) => (p.once('exit', r), p.kill('SIGTERM'))) : null)),
    );
  });

  it('migrates once and seeds the demo data once, then both serve', { timeout: PROCESSES_TEST_MS }, async () => {
    const url = await freshDatabase('start');
    const outputs = ['', ''];
    const ports = [await freePort(), await freePort()];
    ports.forEach((port, i) => {
      const p = spawn(process.execPath, ['scripts/start.mjs'], {
        cwd: projectRoot(),
        env: { ...process.env, ...serverRuntimeEnv(), HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: url, DEMO_PARTICIPANTS: '40' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      p.stdout!.on('data', (d) => (outputs[i] += d));
      p.stderr!.on('data', (d) => (outputs[i] += d));
      started.push(p);
    });
    await expect
      .poll(() => outputs.every((o, i) => o.includes(`Serving http://127.0.0.1:${ports[i]}`)) || started.some((p) => p.exitCode !== null), { timeout: EVENTUALLY_MS, interval: 200 })
      .toBe(true);
    expect(started.map((p) => p.exitCode), outputs.join('\n')).toEqual([null, null]);
    expect(outputs.filter((o) => o.includes('Seeded 40 demo participants'))).toHaveLength(1);
    for (const o of outputs) expect(o).toContain(`Database: ${url}`);
    expect(await scalar(url, 'SELECT count(*)::int AS n FROM participants')).toBe(40);
    expect(await scalar(url, 'SELECT count(DISTINCT hash)::int - count(*)::int AS n FROM drizzle.__drizzle_migrations')).toBe(0);
  });
});

/**
 * A TCP relay in front of the cluster: the server under test reaches
 * PostgreSQL through it, and closing it is the database becoming
 * unreachable (a network cut, the database server down) while the app
 * server keeps running.
 */
async function relay(target: URL): Promise<{ port: number; cut: () => Promise<void>; restore: () => Promise<void> }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const open = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  await open();
  return {
    port,
    cut: async () => {
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    restore: open,
  };
}

describe('/readyz on PostgreSQL', () => {
  let site: RunningSite;
  let link: Awaited<ReturnType<typeof relay>>;
  let direct: string;

  beforeAll(async () => {
    direct = await freshDatabase('readyz');
    link = await relay(new URL(direct));
    const through = new URL(direct);
    through.port = String(link.port);
    site = await startSite(through.toString(), { DEMO_PARTICIPANTS: '0' });
  }, SETUP_MS);

  afterAll(async () => {
    await site?.stop();
    await link?.cut().catch(() => undefined);
  });

  it('answers 200 while the database answers, 503 once it cannot be reached, and 200 again when it is back', { timeout: PROCESSES_TEST_MS }, async () => {
    const ready = await fetch(`${site.base}/readyz`);
    expect(ready.status, site.output()).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, database: 'writable', problems: [] });

    await link.cut();
    const down = await fetch(`${site.base}/readyz`);
    expect(down.status).toBe(503);
    const body = (await down.json()) as { ready: boolean; problems: { name: string; detail: string }[] };
    expect(body.ready).toBe(false);
    expect(body.problems.map((p) => p.name)).toEqual(['database-unavailable']);
    // The address stays out of a public answer.
    expect(JSON.stringify(body)).not.toContain(String(link.port));

    await link.restore();
    let again = 0;
    for (let i = 0; i < 50 && again !== 200; i++) {
      again = (await fetch(`${site.base}/readyz`)).status;
      if (again !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(again, site.output()).toBe(200);
  });

  it('answers a save while the database cannot be reached with "nothing was saved" (503), and takes the same save once it is back', { timeout: PROCESSES_TEST_MS }, async () => {
    const token = await startParticipant(site.base);
    const fields = { ...pageFields(1), action: 'next' };
    await link.cut();
    try {
      const refused = await postForm(site.base, `/r/${token}/1`, fields);
      expect(refused.status, site.output()).toBe(503);
      // The participant's own row cannot be read either, so the answer is the storage-fault page rather than the form.
      const html = await refused.text();
      expect(html).toContain('data-testid="storage-fault"');
      expect(html).toContain('Nothing was saved');
      expect(site.output()).toMatch(/storage fault \(unreachable, [^)]+\) in POST \/r\//);
    } finally {
      await link.restore();
    }
    expect(await scalar(direct, 'SELECT count(*)::int AS n FROM answers')).toBe(0);
    let saved: Response | undefined;
    for (let i = 0; i < 50 && saved?.status !== 303; i++) {
      saved = await postForm(site.base, `/r/${token}/1`, fields);
      if (saved.status !== 303) await new Promise((r) => setTimeout(r, 100));
    }
    expect(saved!.status, site.output()).toBe(303);
    expect(await scalar(direct, 'SELECT count(*)::int AS n FROM answers')).toBe(Object.keys(pageFields(1)).length);
  });
});

describe('a server pointed at a PostgreSQL that cannot be reached', () => {
  it('does not start, and says where it could not connect without the password', { timeout: PROCESSES_TEST_MS }, async () => {
    const closed = await freePort();
    const start = startSite(`postgres://velocity:secret-pw@127.0.0.1:${closed}/velocity`, { DEMO_PARTICIPANTS: '0' });
    const error = await start.then(
      () => null,
      (e: Error) => e.message,
    );
    expect(error).toMatch(/exited with 2/);
    expect(error).toContain(`cannot reach PostgreSQL at postgres://velocity@127.0.0.1:${closed}/velocity`);
    expect(error).not.toContain('secret-pw');
  });
});
