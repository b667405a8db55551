/**
 * `npm run bench:sign-in`: does the site keep answering while its sign-in is
 * flooded? Issue 11 promised that 100 concurrent sign-ins leave GET /
 * answering within a second (tests/security/sign-in-flood.test.ts checks a
 * generous limit; this script measures the figure).
 *
 * On the built site (built first when stale), over a temporary database with
 * the 2,000 demo participants `npm start` seeds and consultants whose
 * passwords are hashed as in production (createConsultant: scrypt N = 2^15):
 *  - baseline, same run: GET / answered one after another on the quiet server;
 *  - attack 1: 100 sign-in posts with wrong passwords sent at once from one
 *    client address on one account, while GET / is sent every 50 ms whether or
 *    not the previous one has been answered (so a stalled server shows as
 *    slow answers, not as fewer samples);
 *  - attack 2: the same from 100 client addresses (X-Forwarded-For; the
 *    server trusts the proxy 127.0.0.1, TRUST_PROXY), so the per-address
 *    limits do not stop them and every password-check place is taken.
 * Each attack runs ROUNDS times on a fresh account from fresh addresses, so
 * every round is a first flood (a repeated flood on one account meets the
 * limits of earlier rounds and checks fewer passwords). Then GET / on the quiet
 * server again, to show whether the machine's speed changed during the run.
 * Prints GET / p50 / p95 / max for each phase, how the sign-ins were answered,
 * each flood's wall time, and a verdict against the 1 s goal.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIsStale, buildSite } from '../scripts/build-state.ts';
import { startSite, type RunningSite } from '../scripts/site-process.ts';
import { openMigrated } from '../src/server/db.ts';
import { loadInstrument } from '../src/server/instrument-loader.ts';
import { projectRoot } from '../src/server/paths.ts';
import { closeStore } from '../src/server/repositories/database-admin.ts';
import { createConsultant } from '../src/server/services/consultants.ts';
import { seedParticipants } from '../src/server/services/seed.ts';

const FLOOD = 100;
const ROUNDS = 8;
const BASELINE_REQUESTS = 200;
const AFTER_REQUESTS = 100;
const POLL_MS = 50;
const GOAL_MS = 1000;
const PASSWORD = 'correct horse battery staple';

const root = projectRoot();
const dir = mkdtempSync(join(tmpdir(), 'velocity-sign-in-bench-'));
let site: RunningSite | undefined;
let cleaned: Promise<void> | undefined;
const cleanup = () =>
  (cleaned ??= (async () => {
    await site?.stop();
    rmSync(dir, { recursive: true, force: true });
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) => sorted(xs)[Math.max(0, Math.ceil(xs.length * p) - 1)]!;
const summary = (xs: number[]) => ({ p50: pct(xs, 0.5), p95: pct(xs, 0.95), max: Math.max(...xs) });
const ms = (x: number) => `${x.toFixed(1)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

interface Timed {
  ms: number;
  status: number;
}

async function getLanding(base: string): Promise<Timed> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}/`);
    await res.text();
    return { ms: performance.now() - started, status: res.status };
  } catch {
    return { ms: performance.now() - started, status: 0 };
  }
}

async function sequentialGets(base: string, n: number): Promise<Timed[]> {
  const out: Timed[] = [];
  for (let i = 0; i < n; i++) out.push(await getLanding(base));
  return out;
}

function signInPost(base: string, email: string, password: string, from: string): Promise<number> {
  return fetch(`${base}/consultant/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from },
    body: new URLSearchParams({ email, password }).toString(),
  }).then(
    async (r) => {
      await r.text();
      return r.status;
    },
    () => 0,
  );
}

interface Round {
  statuses: number[];
  wallMs: number;
  gets: Timed[];
}

/** Fires FLOOD sign-ins at once and, from the same instant, a GET / every POLL_MS until the last sign-in is answered. */
async function floodRound(base: string, email: string, fromOf: (i: number) => string): Promise<Round> {
  const started = performance.now();
  const flood = Promise.all(Array.from({ length: FLOOD }, (_, i) => signInPost(base, email, `wrong guess ${i}`, fromOf(i))));
  let done = false;
  let wallMs = 0;
  void flood.then(() => {
    done = true;
    wallMs = performance.now() - started;
  });
  const gets: Promise<Timed>[] = [];
  while (!done) {
    gets.push(getLanding(base));
    const next = started + gets.length * POLL_MS;
    while (!done && performance.now() < next) await Promise.race([flood, sleep(Math.max(0, next - performance.now()))]);
  }
  return { statuses: await flood, wallMs, gets: await Promise.all(gets) };
}

function describeGets(label: string, gets: Timed[], baseline?: ReturnType<typeof summary>): ReturnType<typeof summary> {
  const s = summary(gets.map((g) => g.ms));
  const failed = gets.filter((g) => g.status !== 200).length;
  const ratio = baseline ? `   ×${(s.p50 / baseline.p50).toFixed(1)} / ×${(s.p95 / baseline.p95).toFixed(1)} / ×${(s.max / baseline.max).toFixed(1)} the baseline` : '';
  console.log(
    `${label.padEnd(44)} n=${String(gets.length).padStart(3)}  p50 ${ms(s.p50).padStart(9)}  p95 ${ms(s.p95).padStart(9)}  max ${ms(s.max).padStart(9)}${failed ? `  (${failed} not 200!)` : ''}${ratio}`,
  );
  return s;
}

function describeRounds(rounds: Round[]): void {
  const all = rounds.flatMap((r) => r.statuses);
  const count = (s: number) => all.filter((x) => x === s).length;
  const other = all.length - count(401) - count(503);
  const walls = rounds.map((r) => r.wallMs);
  console.log(
    `  sign-ins (${rounds.length} × ${FLOOD}): 401 ${count(401)}, 503 ${count(503)}, other ${other}` +
      `${other ? ` (${[...new Set(all.filter((s) => s !== 401 && s !== 503))].join(', ')})` : ''}; per round ${rounds
        .map((r) => `${r.statuses.filter((s) => s === 401).length}/${r.statuses.filter((s) => s === 503).length}`)
        .join(' ')} (401/503)`,
  );
  console.log(`  flood wall time: median ${ms(pct(walls, 0.5))}, max ${ms(Math.max(...walls))} (${walls.map((w) => Math.round(w)).join(', ')} ms)`);
  console.log(`  GET / slowest per round: ${rounds.map((r) => Math.round(Math.max(...r.gets.map((g) => g.ms)))).join(', ')} ms`);
}

try {
  if (buildIsStale(root)) {
    console.log('building the site (the build is stale)…');
    const failure = buildSite(root, 'pipe');
    if (failure !== null) throw new Error(`the site build failed:\n${failure}`);
  }
  const dbPath = join(dir, 'sign-in.sqlite');
  const db = openMigrated(dbPath);
  // What `npm start` puts into an empty database, so GET / is the landing page a fresh install serves.
  await seedParticipants(db, loadInstrument(), { count: 2000, seed: 1 });
  const accounts = { one: [] as string[], many: [] as string[] };
  const hashStarted = performance.now();
  for (const kind of ['one', 'many'] as const) {
    for (let r = 0; r < ROUNDS; r++) {
      const email = `target-${kind}-${r}@example.com`;
      await createConsultant(db, { email, password: PASSWORD });
      accounts[kind].push(email);
    }
  }
  const hashMs = (performance.now() - hashStarted) / (2 * ROUNDS);
  await closeStore(db);

  // A compile cache of its own, so the end of the server's background warm-up (it writes the cache last) can be seen.
  const compileCache = join(dir, 'compile');
  site = await startSite(dbPath, { NODE_COMPILE_CACHE: compileCache, TRUST_PROXY: '127.0.0.1' });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !(existsSync(compileCache) && readdirSync(compileCache, { recursive: true }).length > 0)) await sleep(200);
  await sequentialGets(site.base, 100);

  console.log(`${FLOOD} concurrent sign-ins with wrong passwords; GET / sent every ${POLL_MS} ms during each flood; ${ROUNDS} rounds per attack`);
  console.log(`password hash as in production (scrypt N = 2^15): ${ms(hashMs)} each in this process; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);

  const baseline = describeGets(`baseline: GET / quiet, one after another`, await sequentialGets(site.base, BASELINE_REQUESTS));

  const one: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // One client: a single address per round (a fresh one, so the per-address limit of earlier rounds does not stop it).
    one.push(await floodRound(site.base, accounts.one[r]!, () => `192.0.2.${r + 1}`));
    await sleep(300);
  }
  const oneGets = describeGets('attack 1: one client, one account', one.flatMap((r) => r.gets), baseline);
  describeRounds(one);

  const many: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    many.push(await floodRound(site.base, accounts.many[r]!, (i) => `10.${r}.${Math.floor(i / 250)}.${(i % 250) + 1}`));
    await sleep(300);
  }
  const manyGets = describeGets(`attack 2: ${FLOOD} addresses, one account`, many.flatMap((r) => r.gets), baseline);
  describeRounds(many);

  const after = describeGets('quiet again: GET / one after another', await sequentialGets(site.base, AFTER_REQUESTS), baseline);

  const owner = await signInPost(site.base, accounts.many[0]!, PASSWORD, '203.0.113.10');
  console.log(`\nthe owner of a flooded account signs in from another address afterwards: ${owner === 303 ? 'yes (303)' : `NO (${owner})`}`);

  const worst = Math.max(oneGets.max, manyGets.max);
  const failed = [...one, ...many].flatMap((r) => r.gets).filter((g) => g.status !== 200).length;
  console.log(
    `verdict: GET / during ${FLOOD} concurrent sign-ins: worst ${ms(worst)} against the ${GOAL_MS} ms goal — ${worst < GOAL_MS && failed === 0 ? 'MET' : 'NOT MET'}` +
      `; p95 ×${(Math.max(oneGets.p95, manyGets.p95) / baseline.p95).toFixed(1)} and max ×${(worst / baseline.max).toFixed(1)} the quiet baseline` +
      ` (quiet again afterwards: p50 ×${(after.p50 / baseline.p50).toFixed(2)})`,
  );
} finally {
  await cleanup();
}
