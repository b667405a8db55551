/**
 * `npm run bench:load [-- --participants 200,500 --rounds 1 --pdf-share 0.1 --peers 400 --seed 7 --timeout-ms 120000]`:
 * a campaign's participants arriving together (issue 14, "Performance").
 *
 * For each size N, on a fresh copy of a prepared database, N participants
 * start at once against the BUILT server (scripts/site-process.ts) through an
 * invitation link, each with its own address and one browser-like
 * keep-alive agent (two connections), and walk the journey: the join page and
 * profile, every questionnaire page (read, then saved), the numbers page,
 * finish, the results page and, for a share of them, both PDFs. Printed:
 * per-step p50/p95/p99, failures by kind (HTTP status, ECONNRESET,
 * TIMEOUT…), shed answers (503/429 + Retry-After, waited for and retried),
 * throughput, the server's peak RSS (VmHWM) and the latency of GET / probed
 * every 100 ms, also apart for the moments a PDF was rendering. Then every
 * answer the server acknowledged is read back from the database: none may be
 * lost. Beside it, in the same run, a bare node:http + better-sqlite3 handler
 * (bench/load-bare.ts) takes the same starts and saves from N participants.
 * The goals are printed beside the figures as PASS or MISS.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { optionsOf } from '../src/domain/answers.ts';
import type { Instrument } from '../src/domain/instrument.ts';
import { pagesOf, type Page } from '../src/domain/journey.ts';
import { hashToken } from '../src/server/auth/tokens.ts';
import { openMigrated } from '../src/server/db.ts';
import { loadInstrument } from '../src/server/instrument-loader.ts';
import { insertConsultant } from '../src/server/repositories/consultants.ts';
import { closeStore } from '../src/server/repositories/database-admin.ts';
import { insertStudy } from '../src/server/repositories/studies.ts';
import { rebuildPeerStats } from '../src/server/services/peer-stats.ts';
import { seedParticipants } from '../src/server/services/seed.ts';
import { buildIsStale, buildSite } from '../scripts/build-state.ts';
import { freePort, startSite, type RunningSite } from '../scripts/site-process.ts';
import { projectRoot } from '../src/server/paths.ts';
import { browserAgent, percentile, RequestFailed, step, Tally, once } from './load-client.ts';

const { values: args } = parseArgs({
  options: {
    participants: { type: 'string', default: '200,500' },
    rounds: { type: 'string', default: '1' },
    'pdf-share': { type: 'string', default: '0.1' },
    peers: { type: 'string', default: '400' },
    seed: { type: 'string', default: '7' },
    'timeout-ms': { type: 'string', default: '120000' },
    'no-bare': { type: 'boolean', default: false },
  },
});
const sizes = args.participants.split(',').map(Number);
const rounds = Number(args.rounds);
const pdfShare = Number(args['pdf-share']);
const timeoutMs = Number(args['timeout-ms']);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(rounds >= 1) || !(pdfShare >= 0 && pdfShare <= 1) || !(timeoutMs > 0)) {
  console.error('usage: npm run bench:load -- [--participants 200,500] [--rounds 1] [--pdf-share 0..1] [--peers 400] [--timeout-ms 120000] [--no-bare]');
  process.exit(2);
}

const instrument = loadInstrument();
const pages = pagesOf(instrument);
const INVITE = 'bench-load-campaign';
const work = mkdtempSync(join(tmpdir(), 'velocity-bench-load-'));

/** A small deterministic generator, so that two runs send the same answers. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The template database: the seeded peers (counted as benchmark) and one open study whose link the participants follow. */
async function prepareTemplate(): Promise<string> {
  const path = join(work, 'template.sqlite');
  const db = openMigrated(path);
  // The bench's own SQL on the SQLite file (not through the data-access boundary): the seeded peers count as benchmark, and the WAL is folded in before the copies.
  const sqlite = db.db.$client;
  await seedParticipants(db, instrument, { count: Number(args.peers), seed: Number(args.seed), now: new Date(Date.now() - 86_400_000) });
  sqlite.exec("UPDATE scores SET population = 'benchmark'");
  await rebuildPeerStats(db, instrument);
  const consultant = await insertConsultant(db, { email: 'bench-load@example.com', passwordHash: 'x' });
  await insertStudy(db, consultant.id, 'Load campaign', INVITE);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await closeStore(db);
  return path;
}

function profileOf(i: number, rnd: () => number): Record<string, string> {
  return Object.fromEntries(
    instrument.profile.map((f) => [f.id, f.kind === 'choice' ? f.options[Math.floor(rnd() * f.options.length)]!.id : `Load Test Company ${i % 40}`]),
  );
}

function fieldsOf(page: Page, rnd: () => number): Record<string, string> {
  if (page.kind === 'numbers') return { opportunities: String(10 + Math.floor(rnd() * 90)), dealValue: String(1000 * (5 + Math.floor(rnd() * 50))), currency: 'USD', winRate: String(10 + Math.floor(rnd() * 40)), cycleDays: String(30 + Math.floor(rnd() * 150)) };
  return Object.fromEntries(
    page.section.items.map((item) => {
      if (item.kind === 'number') return [item.id, String(Math.round(item.min + rnd() * (item.max - item.min)))];
      const options = optionsOf(instrument, item);
      return [item.id, options[Math.floor(rnd() * options.length)]!.id];
    }),
  );
}

/** What the server acknowledged for one participant: the fields of each page answered 303. */
interface Acknowledged {
  token?: string;
  pages: Map<number, Record<string, string>>;
  finished: boolean;
  /** The kind of failure that ended the journey early. */
  failed?: string;
}

const tokenOf = (location: string | undefined) => location?.match(/^\/r\/([A-Za-z0-9_-]{22})\//)?.[1];

async function journey(base: string, i: number, tally: Tally, pdfTracker: { inFlight: number }): Promise<Acknowledged> {
  const rnd = random(Number(args.seed) * 1_000_003 + i);
  const agent = browserAgent(2);
  const client = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const ack: Acknowledged = { pages: new Map(), finished: false };
  const go = (name: string, method: 'GET' | 'POST', path: string, expected: number, form?: Record<string, string>) =>
    step(tally, name, base, agent, { method, path, form, client }, expected, timeoutMs, path.endsWith('.pdf'));
  try {
    await go('GET join page', 'GET', `/join/${INVITE}`, 200);
    const started = await go('POST profile', 'POST', `/join/${INVITE}`, 303, profileOf(i, rnd));
    const token = tokenOf(started.location);
    if (!token) throw new RequestFailed(`bad location after start: ${started.location}`);
    ack.token = token;
    for (const page of pages) {
      const last = page.number === pages.length;
      await go(`GET ${page.kind === 'numbers' ? 'numbers' : 'section'} page`, 'GET', `/r/${token}/${page.number}`, 200);
      const fields = fieldsOf(page, rnd);
      const saved = await go(last ? 'POST finish' : 'POST section save', 'POST', `/r/${token}/${page.number}`, 303, { ...fields, action: last ? 'finish' : 'next' });
      ack.pages.set(page.number, fields);
      if (last) {
        if (saved.location !== `/r/${token}/results`) throw new RequestFailed(`finish went to ${saved.location}`);
        ack.finished = true;
      }
    }
    await go('GET results page', 'GET', `/r/${token}/results`, 200);
    if (rnd() < pdfShare) {
      for (const kind of ['company', 'personal']) {
        pdfTracker.inFlight++;
        try {
          await go(`GET ${kind} PDF`, 'GET', `/r/${token}/report/${kind}.pdf`, 200);
        } finally {
          pdfTracker.inFlight--;
        }
      }
    }
  } catch (e) {
    if (!(e instanceof RequestFailed)) throw e;
    ack.failed = e.kind;
  } finally {
    agent.destroy();
  }
  return ack;
}

/** Every acknowledged answer compared with the database: [checked, lost, details of the first few]. */
function verify(path: string, acks: Acknowledged[]): { checked: number; lost: number; examples: string[] } {
  const db = new Database(path, { readonly: true });
  const participant = db.prepare('SELECT id, status FROM participants WHERE resume_token_hash = ?');
  const answers = db.prepare('SELECT item_id, value FROM answers WHERE participant_id = ?');
  const numbers = db.prepare('SELECT opportunities, deal_value, currency, win_rate, cycle_days FROM participant_numbers WHERE participant_id = ?');
  let checked = 0;
  let lost = 0;
  const examples: string[] = [];
  const miss = (what: string) => {
    lost++;
    if (examples.length < 5) examples.push(what);
  };
  try {
    for (const ack of acks) {
      if (!ack.token) continue;
      checked++;
      const row = participant.get(hashToken(ack.token)) as { id: number; status: string } | undefined;
      if (!row) {
        miss(`participant ${ack.token.slice(0, 6)}… acknowledged but not stored`);
        continue;
      }
      const stored = new Map((answers.all(row.id) as { item_id: string; value: string }[]).map((a) => [a.item_id, a.value]));
      for (const [number, fields] of ack.pages) {
        if (pages[number - 1]!.kind === 'numbers') {
          checked++;
          const n = numbers.get(row.id) as Record<string, number | string> | undefined;
          const same = n && n.opportunities === Number(fields.opportunities) && n.deal_value === Number(fields.dealValue) && n.win_rate === Number(fields.winRate) && n.cycle_days === Number(fields.cycleDays);
          if (!same) miss(`numbers of participant ${row.id}: sent ${JSON.stringify(fields)}, stored ${JSON.stringify(n)}`);
          continue;
        }
        for (const [item, value] of Object.entries(fields)) {
          checked++;
          if (stored.get(item) !== value) miss(`participant ${row.id} item ${item}: sent ${value}, stored ${stored.get(item)}`);
        }
      }
      if (ack.finished) {
        checked++;
        if (row.status !== 'completed') miss(`participant ${row.id} acknowledged as finished, stored ${row.status}`);
      }
    }
  } finally {
    db.close();
  }
  return { checked, lost, examples };
}

/** GET / every 100 ms while the run lasts, each probe on its own, tagged with whether a PDF was rendering. */
function probeLanding(base: string, pdfTracker: { inFlight: number }) {
  // As many connections as probes in flight: a probe never waits in the client for an earlier one.
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const all: number[] = [];
  const duringPdf: number[] = [];
  const failures = new Map<string, number>();
  const pending = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const pdf = pdfTracker.inFlight > 0;
    const t = performance.now();
    const p = once(base, agent, { method: 'GET', path: '/' }, timeoutMs)
      .then((a) => {
        if (a.status !== 200) throw new RequestFailed(`HTTP ${a.status}`);
        const ms = performance.now() - t;
        all.push(ms);
        if (pdf) duringPdf.push(ms);
      })
      .catch((e: unknown) => {
        const kind = e instanceof RequestFailed ? e.kind : String(e);
        failures.set(kind, (failures.get(kind) ?? 0) + 1);
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  }, 100);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
      agent.destroy();
      return { all, duringPdf, failures };
    },
  };
}

function peakRss(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
}

const fmt = (ms: number) => (Number.isNaN(ms) ? '—' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const row = (cells: (string | number)[], widths: number[]) => cells.map((c, i) => String(c).padEnd(widths[i]!)).join(' ');

function printSteps(tally: Tally): void {
  const widths = [22, 7, 9, 9, 9];
  console.log(row(['step', 'n', 'p50', 'p95', 'p99'], widths));
  for (const [name, values] of tally.latencies) console.log(row([name, values.length, fmt(percentile(values, 50)), fmt(percentile(values, 95)), fmt(percentile(values, 99))], widths));
}


/** The same starts and saves against the bare handler: p50/p95/p99 of a save, and saves per second. */
async function bareBaseline(n: number): Promise<{ save: number[]; rate: number; errors: Map<string, number> }> {
  const dbPath = join(work, `bare-${n}.sqlite`);
  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, 'load-bare.ts'), dbPath, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bare handler exited with ${code}`)));
    child.stdout!.once('data', () => resolve());
  });
  const base = `http://127.0.0.1:${port}`;
  const tally = new Tally();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const rnd = random(Number(args.seed) * 1_000_003 + i);
      const agent = browserAgent(2);
      try {
        const started = await step(tally, 'start', base, agent, { method: 'POST', path: `/join/${INVITE}`, form: profileOf(i, rnd) }, 303, timeoutMs);
        const token = started.location!.split('/')[2]!;
        for (const page of pages) await step(tally, 'save', base, agent, { method: 'POST', path: `/r/${token}/${page.number}`, form: { ...fieldsOf(page, rnd), action: 'next' } }, 303, timeoutMs);
      } catch (e) {
        if (!(e instanceof RequestFailed)) throw e;
      } finally {
        agent.destroy();
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  const save = tally.latencies.get('save') ?? [];
  return { save, rate: save.length / seconds, errors: tally.errors };
}

interface Outcome {
  n: number;
  failedJourneys: number;
  lost: number;
  resets: number;
  pageP95: number;
  pageP99: number;
  landingDuringPdfP99: number;
}

async function runOnce(template: string, n: number, round: number): Promise<Outcome> {
  const dbPath = join(work, `run-${n}-${round}.sqlite`);
  copyFileSync(template, dbPath);
  // Each participant comes from an address of its own (believed from X-Forwarded-For), as a campaign's do:
  // the start limit per address is not what this measures.
  const site: RunningSite = await startSite(dbPath, { TRUST_PROXY: '127.0.0.1' });
  const pid = site.pid;
  const tally = new Tally();
  const pdfTracker = { inFlight: 0 };
  let acks: Acknowledged[];
  let seconds: number;
  let rss = NaN;
  let landing: Awaited<ReturnType<ReturnType<typeof probeLanding>['stop']>>;
  try {
    const probe = probeLanding(site.base, pdfTracker);
    const t0 = performance.now();
    acks = await Promise.all(Array.from({ length: n }, (_, i) => journey(site.base, round * 1_000_000 + i, tally, pdfTracker)));
    seconds = (performance.now() - t0) / 1000;
    landing = await probe.stop();
    if (pid) rss = peakRss(pid);
  } finally {
    await site.stop();
  }
  const check = verify(dbPath, acks);
  const bare = args['no-bare'] ? undefined : await bareBaseline(n);

  const failed = acks.filter((a) => a.failed).length;
  const pageSteps = [...tally.latencies].filter(([name]) => !name.endsWith('PDF')).flatMap(([, v]) => v);
  const saves = tally.latencies.get('POST section save') ?? [];
  const outcome: Outcome = {
    n,
    failedJourneys: failed,
    lost: check.lost,
    resets: tally.resets,
    pageP95: percentile(pageSteps, 95),
    pageP99: percentile(pageSteps, 99),
    landingDuringPdfP99: percentile(landing.duringPdf, 99),
  };

  console.log(`\n=== ${n} simultaneous participants (round ${round + 1} of ${rounds}; ${pages.length} questionnaire pages; PDFs for about ${Math.round(pdfShare * 100)} %) ===`);
  printSteps(tally);
  console.log(`pages (PDFs excluded): n ${pageSteps.length}, p50 ${fmt(percentile(pageSteps, 50))}, p95 ${fmt(outcome.pageP95)}, p99 ${fmt(outcome.pageP99)}`);
  console.log(`journeys: ${n - failed} completed, ${failed} failed in ${seconds.toFixed(1)} s; ${tally.requests} requests, ${(tally.requests / seconds).toFixed(0)} req/s, ${(saves.length / seconds).toFixed(0)} section saves/s`);
  console.log(`errors: ${tally.errors.size ? [...tally.errors].map(([k, v]) => `${k} × ${v}`).join(', ') : 'none'}`);
  console.log(`shed answers (503/429 + Retry-After): ${tally.shed}, each retried (${tally.retries} retries)`);
  console.log(`server peak RSS (VmHWM): ${Number.isNaN(rss) ? 'unknown (startSite gave no pid)' : `${rss.toFixed(0)} MB`}`);
  console.log(
    `GET / every 100 ms: n ${landing.all.length}, p50 ${fmt(percentile(landing.all, 50))}, p99 ${fmt(percentile(landing.all, 99))}, max ${fmt(Math.max(...landing.all))}; ` +
      `while a PDF rendered: n ${landing.duringPdf.length}, p50 ${fmt(percentile(landing.duringPdf, 50))}, p99 ${fmt(outcome.landingDuringPdfP99)}` +
      (landing.failures.size ? `; failed probes: ${[...landing.failures].map(([k, v]) => `${k} × ${v}`).join(', ')}` : ''),
  );
  console.log(`answers checked against the database: ${check.checked}, lost: ${check.lost}${check.examples.length ? `\n  ${check.examples.join('\n  ')}` : ''}`);
  if (bare) {
    console.log(
      `bare node:http + better-sqlite3, same ${n} participants' starts and saves: save p50 ${fmt(percentile(bare.save, 50))}, p95 ${fmt(percentile(bare.save, 95))}, p99 ${fmt(percentile(bare.save, 99))}, ${bare.rate.toFixed(0)} saves/s` +
        (bare.errors.size ? `, errors ${[...bare.errors].map(([k, v]) => `${k} × ${v}`).join(', ')}` : '') +
        `; the site's section save: p50 ${fmt(percentile(saves, 50))}, p95 ${fmt(percentile(saves, 95))} (${(percentile(bare.save, 50) / percentile(saves, 50)).toFixed(2)}× the bare handler's speed at p50)`,
    );
  }
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}-wal`, { force: true });
  rmSync(`${dbPath}-shm`, { force: true });
  return outcome;
}

function goals(outcomes: Outcome[]): void {
  console.log('\n=== goals (issue 14, this 2-core machine) ===');
  for (const o of outcomes) {
    if (o.n <= 200) {
      console.log(`${verdict(o.failedJourneys === 0 && o.lost === 0)}  ${o.n} simultaneous: 0 failed journeys and 0 lost answers (failed ${o.failedJourneys}, lost ${o.lost})`);
      console.log(`${verdict(o.pageP95 <= 300 && o.pageP99 <= 1000)}  ${o.n} simultaneous: page p95 ≤ 300 ms and p99 ≤ 1 s, PDFs excluded (p95 ${fmt(o.pageP95)}, p99 ${fmt(o.pageP99)})`);
    } else {
      console.log(`${verdict(o.resets === 0 && o.lost === 0)}  ${o.n} simultaneous: 0 resets, none lost (resets ${o.resets}, lost ${o.lost}; shed answers allowed)`);
    }
    const l = o.landingDuringPdfP99;
    console.log(`${Number.isNaN(l) ? 'n/a ' : verdict(l <= 200)}  ${o.n} simultaneous: GET / p99 ≤ 200 ms while PDFs render (${fmt(l)})`);
  }
}

try {
  if (buildIsStale(projectRoot())) {
    console.log('building the site…');
    const failure = buildSite(projectRoot(), 'pipe');
    if (failure) throw new Error(`the site build failed:\n${failure}`);
  }
  console.log(`node ${process.version}; preparing a database with ${args.peers} seeded peers…`);
  const template = await prepareTemplate();
  const outcomes: Outcome[] = [];
  for (const n of sizes) for (let r = 0; r < rounds; r++) outcomes.push(await runOnce(template, n, r));
  goals(outcomes);
} finally {
  rmSync(work, { recursive: true, force: true });
}
