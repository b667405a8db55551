/**
 * `npm run bench:render`: the PDF render pool (src/reports/render-pool.ts).
 *
 * 1. Throughput: 16 different company reports rendered at once, on the
 *    calling thread (RENDER_WORKERS=0, the baseline: how every PDF rendered
 *    before the pool) and in pools of 1 and 2 threads, each warmed first.
 * 2. Pages under PDF load, on the built server: the latency of GET / (p50,
 *    p99) with no PDFs rendering, then while 16 company PDFs of different
 *    participants are always in flight, with the pool (default threads) and,
 *    as the baseline in the same run, with RENDER_WORKERS=0. Goal: GET / p99
 *    ≤ 200 ms while 16 render.
 * Figures, not assertions: this machine is shared, so read them side by side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { participantNumbers, participants } from '../db/schema.ts';
import { buildIsStale, buildSite } from '../scripts/build-state.ts';
import { startSite } from '../scripts/site-process.ts';
import type { CompanyReportModel } from '../src/domain/report-model.ts';
import { createRenderPool, inThreadRenderer, renderWorkerFile, type RenderPool } from '../src/reports/render-pool.ts';
import { hashToken, newToken } from '../src/server/auth/tokens.ts';
import { openMigrated } from '../src/server/db.ts';
import { loadInstrument } from '../src/server/instrument-loader.ts';
import { projectRoot } from '../src/server/paths.ts';
import { closeStore } from '../src/server/repositories/database-admin.ts';
import { findParticipant } from '../src/server/repositories/participants.ts';
import { companyReportFor } from '../src/server/services/reports.ts';
import { seedParticipants } from '../src/server/services/seed.ts';

const BURST = 16;
const HOME_SAMPLES = Number(process.env.BENCH_HOME_SAMPLES ?? 300);
/**
 * GET / is asked every PAUSE_MS for SAMPLE_SECONDS (at most HOME_SAMPLES times), so that the samples span many
 * reports finishing and new ones starting, not only the first second of the burst; on the server's own thread one
 * request can wait for seconds, and fewer are taken.
 */
const SAMPLE_SECONDS = Number(process.env.BENCH_SAMPLE_SECONDS ?? 30);
const PAUSE_MS = 100;
const root = projectRoot();
const dir = mkdtempSync(join(tmpdir(), 'velocity-render-bench-'));
const dbPath = join(dir, 'bench.sqlite');
const db = openMigrated(dbPath);
// The bench's own queries on the SQLite file (which participants, their private links), not through the data-access boundary.
const sqlite = db.db;
await seedParticipants(db, loadInstrument(), { count: 2000, seed: 3 });
// Participants with numbers (reports of full length), each with a private link for the server half.
const ids = sqlite
  .select({ id: participants.id })
  .from(participants)
  .innerJoin(participantNumbers, eq(participantNumbers.participantId, participants.id))
  .where(and(eq(participants.status, 'completed')))
  .orderBy(participants.id)
  .limit(400)
  .all()
  .map((r) => r.id);
const tokens = ids.map((id) => {
  const token = newToken();
  sqlite.update(participants).set({ resumeTokenHash: hashToken(token) }).where(eq(participants.id, id)).run();
  return token;
});
const models: CompanyReportModel[] = [];
for (const id of ids.slice(0, BURST)) models.push((await companyReportFor(db, (await findParticipant(db, id))!, 5))!);
await closeStore(db);

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const quantile = (xs: number[], q: number) => sorted(xs)[Math.min(xs.length - 1, Math.ceil(xs.length * q) - 1)]!;

/** Wall time of BURST different reports at once, after the pool warmed and rendered one report. */
async function burst(pool: RenderPool): Promise<number> {
  await pool.warm;
  await pool.render({ kind: 'company', model: { ...models[0]!, meta: { ...models[0]!.meta, date: 'warm' } } });
  const t = performance.now();
  await Promise.all(models.map((model) => pool.render({ kind: 'company', model })));
  const ms = performance.now() - t;
  await pool.close();
  return ms;
}

const settings = { queue: BURST, timeoutMs: 600_000 };
const workerFile = await renderWorkerFile();
const throughput: { name: string; ms: number }[] = [];
throughput.push({ name: 'server thread (RENDER_WORKERS=0)', ms: await burst(inThreadRenderer({ ...settings, workers: 0 })) });
for (const workers of [1, 2]) throughput.push({ name: `pool of ${workers} thread${workers > 1 ? 's' : ''}`, ms: await burst(createRenderPool({ ...settings, workers, workerFile })) });

if (buildIsStale(root) && buildSite(root, 'pipe') !== null) throw new Error('the site build failed');

/**
 * A connection the server closed under the client (a keep-alive socket it
 * timed out just as the client reused it): counted, not fatal.
 */
let dropped = 0;
async function get(url: string): Promise<number | null> {
  try {
    const r = await fetch(url);
    await r.arrayBuffer();
    return r.status;
  } catch {
    dropped++;
    return null;
  }
}

/** GET / latencies, one request after the other, HOME_SAMPLES of them or as many as SAMPLE_SECONDS allow. */
async function homeLatencies(base: string): Promise<number[]> {
  const times: number[] = [];
  const until = performance.now() + SAMPLE_SECONDS * 1000;
  for (let i = 0; i < HOME_SAMPLES && performance.now() < until; i++) {
    const t = performance.now();
    const status = await get(`${base}/`);
    if (status === null) continue;
    if (status !== 200) throw new Error(`GET / answered ${status}`);
    times.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, PAUSE_MS));
  }
  return times;
}

type Row = { name: string; idle: number[]; loaded: number[]; pdfs: number; refused: number; dropped: number };
async function pagesUnderLoad(name: string, env: Record<string, string>): Promise<Row> {
  const site = await startSite(dbPath, { ...env, RENDER_QUEUE: String(BURST) });
  try {
    // The warm-up starts with the first request (startSite's) and renders the sample report: let it finish.
    await fetch(`${site.base}/sample/company.pdf`).then((r) => r.arrayBuffer());
    dropped = 0;
    const idle = await homeLatencies(site.base);
    let next = 0;
    let pdfs = 0;
    let refused = 0;
    let stop = false;
    // BURST downloads always in flight, each another participant's report (no cache hit), until the samples are taken.
    const lane = async () => {
      while (!stop) {
        const token = tokens[next++ % tokens.length]!;
        const status = await get(`${site.base}/r/${token}/report/company.pdf`);
        if (status === 200) pdfs++;
        else if (status === 503) refused++;
        else if (status !== null) throw new Error(`a PDF download answered ${status}`);
      }
    };
    const lanes = Array.from({ length: BURST }, lane);
    await new Promise((r) => setTimeout(r, 1000));
    const loaded = await homeLatencies(site.base);
    stop = true;
    const row = { name, idle, loaded, pdfs, refused, dropped };
    // The downloads still in flight are cut off by the server's stop below, not waited for.
    void Promise.all(lanes).catch(() => undefined);
    return row;
  } finally {
    await site.stop();
  }
}

const rows = [await pagesUnderLoad('server thread (RENDER_WORKERS=0)', { RENDER_WORKERS: '0' }), await pagesUnderLoad(`pool (${availableParallelism()} threads, the default)`, {})];
rmSync(dir, { recursive: true, force: true });

console.log(`Throughput: ${BURST} different company reports at once (2000 participants; ${availableParallelism()} cores):`);
for (const r of throughput) console.log(`  ${r.name.padEnd(34)} ${r.ms.toFixed(0).padStart(6)} ms   ${((BURST * 1000) / r.ms).toFixed(2)} reports/s`);
console.log(`\nGET / on the built server, one request every ${PAUSE_MS} ms after the last answer, for ${SAMPLE_SECONDS} s (ms):`);
for (const r of rows) {
  const fmt = (xs: number[]) => `p50 ${quantile(xs, 0.5).toFixed(1).padStart(7)}   p99 ${quantile(xs, 0.99).toFixed(1).padStart(7)}`;
  console.log(`  ${r.name}`);
  console.log(`    no PDFs rendering          ${fmt(r.idle)}   (${r.idle.length} requests)`);
  console.log(`    ${BURST} PDFs in flight         ${fmt(r.loaded)}   (${r.loaded.length} requests)   (${r.pdfs} PDFs served meanwhile, ${r.refused} refused, ${r.dropped} connections dropped)`);
}
console.log(`\ngoal: GET / p99 ≤ 200 ms while ${BURST} PDFs render (pool row)`);
