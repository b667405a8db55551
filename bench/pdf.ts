/**
 * `npm run bench:pdf`: the company and the personal report rendered 30 times
 * each with react-pdf after a warm-up (median, p95, peak memory), the same
 * company report with a Chinese company name (as a ratio to it), the first
 * report in a fresh process (compiled as the built server runs it, with the
 * compile cache a started site has, with no cache at all, and under tsx), the
 * first download from the built server, and — the baseline, in the same run — the same report as an HTML page
 * printed to PDF by headless Chromium (page.pdf on a browser already running),
 * plus Chromium's launch-to-first-PDF time.
 * The PDF cache is bypassed: every render here is a real one. The renderer's
 * in-memory shaping cache (src/reports/shaping-cache.ts) is not: it is what a
 * running server has. Beside the same report re-rendered, the company reports of 30
 * other participants show what a report whose figures and narratives differ
 * costs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, ne } from 'drizzle-orm';
import { build } from 'esbuild';
import { participantNumbers, participants } from '../db/schema.ts';
import { launchChromium } from '../scripts/chromium.ts';
import { buildIsStale, buildSite } from '../scripts/build-state.ts';
import { startSite } from '../scripts/site-process.ts';
import { renderReport } from '../src/reports/render.ts';
import { hashToken, newToken } from '../src/server/auth/tokens.ts';
import { openMigrated } from '../src/server/db.ts';
import { loadInstrument } from '../src/server/instrument-loader.ts';
import { projectRoot } from '../src/server/paths.ts';
import { closeStore } from '../src/server/repositories/database-admin.ts';
import { findParticipant, firstWithNumbers } from '../src/server/repositories/participants.ts';
import { companyReportFor, personalReportFor } from '../src/server/services/reports.ts';
import { seedParticipants } from '../src/server/services/seed.ts';

// react-pdf's own cost, here and in the fresh processes below: render on this thread, as before the render pool.
// The pool's figures are `npm run bench:render`; the built server below runs with its pool, as deployed.
process.env.RENDER_WORKERS = '0';
const RUNS = 30;
const root = projectRoot();
const dir = mkdtempSync(join(tmpdir(), 'velocity-pdf-bench-'));
const dbPath = join(dir, 'bench.sqlite');
const db = openMigrated(dbPath);
// The bench's own queries on the SQLite file (private links for chosen participants, which others to render), not through the data-access boundary.
const sqlite = db.db;
await seedParticipants(db, loadInstrument(), { count: 5000, seed: 3 });
const subject = (await firstWithNumbers(db))!;
const token = newToken();
sqlite.update(participants).set({ resumeTokenHash: hashToken(token) }).where(eq(participants.id, subject.id)).run();
const company = (await companyReportFor(db, subject, 5))!;
const personal = (await personalReportFor(db, subject, 5))!;
// Other participants with numbers (as many pages as the subject's report), for reports whose content differs.
const otherIds = sqlite
  .select({ id: participants.id })
  .from(participants)
  .innerJoin(participantNumbers, eq(participantNumbers.participantId, participants.id))
  .where(and(eq(participants.status, 'completed'), ne(participants.id, subject.id)))
  .orderBy(participants.id)
  .limit(RUNS + 1)
  .all()
  .map((r) => r.id);
const others: (typeof company)[] = [];
for (const id of otherIds) others.push((await companyReportFor(db, (await findParticipant(db, id))!, 5))!);
// The built server's first download is another participant's report than the subject, whose report (as the
// landing page's sample) the server renders while it warms up.
const firstToken = newToken();
sqlite.update(participants).set({ resumeTokenHash: hashToken(firstToken) }).where(eq(participants.id, otherIds.at(-1)!)).run();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;
let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);

async function timeRenders(kind: 'company' | 'personal', model: object): Promise<{ times: number[]; bytes: number; pages: number }> {
  // A changing field defeats the cache, so every run lays the document out again.
  const variant = (i: number) => ({ kind, model: { ...model, meta: { ...(model as { meta: object }).meta, date: `2026-01-${String((i % 28) + 1).padStart(2, '0')}-${i}` } } });
  await renderReport(variant(-1) as Parameters<typeof renderReport>[0]);
  const times: number[] = [];
  let last: Buffer = Buffer.alloc(0);
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    last = await renderReport(variant(i) as Parameters<typeof renderReport>[0]);
    times.push(performance.now() - t);
  }
  const file = join(dir, `${kind}.pdf`);
  await import('node:fs').then((fs) => fs.writeFileSync(file, last));
  const pages = Number(spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout.match(/Pages:\s+(\d+)/)?.[1] ?? 0);
  return { times, bytes: last.length, pages };
}

const c = await timeRenders('company', company);
const p = await timeRenders('personal', personal);
// The same report with a Chinese company name: the CJK fallback face is loaded by its first render (the warm-up), then
// every render shapes and subsets its glyphs too. Timed alternately with the plain report, so that both meet the same load.
const CJK_NAME = '北京销售科技有限公司';
// Wherever the name appears: the cover, headers, and the sentences that name the company.
const cjkModel = JSON.parse(JSON.stringify(company).replaceAll(JSON.stringify(company.meta.company).slice(1, -1), CJK_NAME)) as typeof company;
const cjk = await timeRenders('company', cjkModel);
const plainAgain = await timeRenders('company', company);
// Each of these reports is rendered once; the first (another participant again) only warms up like the others.
const distinct: number[] = [];
for (const [i, model] of others.entries()) {
  const t = performance.now();
  await renderReport({ kind: 'company', model });
  if (i > 0) distinct.push(performance.now() - t);
}
clearInterval(sample);
// What a repeated download costs: building the model again from the database, then the cache lookup.
await renderReport({ kind: 'company', model: company });
const cachedRuns: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  await renderReport({ kind: 'company', model: (await companyReportFor(db, subject, 5))! });
  cachedRuns.push(performance.now() - t);
}

type Cold = { ms: number; sinceProcessStart: number; parts: Record<'start' | 'imports' | 'model' | 'render', number> };
const runCold = (args: string[], env: Record<string, string>) => {
  const r = spawnSync(process.execPath, [...args, dbPath, String(subject.id)], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`pdf-cold failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Cold;
};
// Compiled: bundled into one file by esbuild the way Astro's build bundles the server: the project's modules and the
// packages astro.config.mjs lists under vite.ssr.noExternal go in, every other package is loaded from node_modules.
const BUNDLED_PACKAGES = ['drizzle-orm'];
const compiledDir = join(root, 'node_modules', '.cache', 'velocity-bench');
mkdirSync(compiledDir, { recursive: true });
const compiledCold = join(compiledDir, 'pdf-cold.mjs');
await build({
  entryPoints: [join(root, 'bench', 'pdf-cold.ts')],
  outfile: compiledCold,
  bundle: true,
  platform: 'node',
  format: 'esm',
  jsx: 'automatic',
  logLevel: 'warning',
  plugins: [
    {
      name: 'packages-as-the-server-build',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (a) => (BUNDLED_PACKAGES.some((p) => a.path === p || a.path.startsWith(`${p}/`)) ? undefined : { path: a.path, external: true }));
      },
    },
  ],
});
// The caches a site has after `npm start` built it and served once, in folders of this benchmark's own: parsed
// templates and Node's compile cache, filled by one untimed run. A first start ever has no cache at all.
const caches = mkdtempSync(join(tmpdir(), 'velocity-caches-'));
const asStarted = { NODE_COMPILE_CACHE: join(caches, 'compile'), VELOCITY_CACHE_DIR: caches };
runCold([compiledCold], asStarted);
const coldTsx: Cold[] = [];
const coldCompiled: Cold[] = [];
const coldFirstEver: Cold[] = [];
// Fresh processes, alternately, several times each: the medians are printed.
for (let i = 0; i < 7; i++) {
  coldTsx.push(runCold(['--import', 'tsx', join(root, 'bench', 'pdf-cold.ts')], { VELOCITY_CACHE_DIR: caches }));
  coldCompiled.push(runCold([compiledCold], asStarted));
  const nothing = mkdtempSync(join(tmpdir(), 'velocity-no-cache-'));
  coldFirstEver.push(runCold([compiledCold], { NODE_COMPILE_CACHE: join(nothing, 'compile'), VELOCITY_CACHE_DIR: nothing }));
  rmSync(nothing, { recursive: true, force: true });
}
rmSync(caches, { recursive: true, force: true });
const coldMedian = (runs: Cold[]) => median(runs.map((x) => x.sinceProcessStart)).toFixed(0);

if (buildIsStale(root) && buildSite(root, 'pipe') !== null) throw new Error('the site build failed');
await closeStore(db);
const site = await startSite(dbPath, { RENDER_WORKERS: '' });
// The built server: its first request starts the renderer's warm-up (a one-line document, then the sample report);
// a few seconds later, as a participant would, the first real download.
await new Promise((r) => setTimeout(r, 3000));
const firstDownload = performance.now();
const firstPdf = await fetch(`${site.base}/r/${firstToken}/report/company.pdf`);
await firstPdf.arrayBuffer();
const firstDownloadMs = performance.now() - firstDownload;
const launchStart = performance.now();
const browser = await launchChromium();
const page = await browser.newPage();
const url = `${site.base}/r/${token}/report/company`;
await page.goto(url);
await page.pdf({ format: 'A4', printBackground: true });
const launchToFirst = performance.now() - launchStart;
const chromium: number[] = [];
let chromiumPages = 0;
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  await page.goto(url);
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  chromium.push(performance.now() - t);
  if (i === 0) {
    const file = join(dir, 'chromium.pdf');
    (await import('node:fs')).writeFileSync(file, pdf);
    chromiumPages = Number(spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout.match(/Pages:\s+(\d+)/)?.[1] ?? 0);
  }
}
await browser.close();
await site.stop();
rmSync(dir, { recursive: true, force: true });

const row = (name: string, xs: number[], extra = '') => console.log(`${name.padEnd(34)} median ${median(xs).toFixed(1).padStart(6)} ms   p95 ${p95(xs).toFixed(1).padStart(6)} ms ${extra}`);
console.log(`react-pdf, ${RUNS} renders each after a warm-up (cache bypassed):`);
row('company report', c.times, `  ${c.pages} pages, ${Math.round(c.bytes / 1024)} KB   (goal ≤ 150 ms)`);
row('company report, Chinese name', cjk.times, `  ${cjk.pages} pages, ${Math.round(cjk.bytes / 1024)} KB`);
row('company report again (plain name)', plainAgain.times);
const cjkRatio = median(cjk.times) / ((median(c.times) + median(plainAgain.times)) / 2);
console.log(`Chinese name / plain name (median)       ${cjkRatio.toFixed(2)}   (goal ≤ 1.5; the plain figure is the mean of the runs before and after)`);
row('personal report', p.times, `  ${p.pages} pages, ${Math.round(p.bytes / 1024)} KB   (goal ≤ 60 ms)`);
row(`company, ${distinct.length} other participants`, distinct, '  (each rendered once: other figures and narratives)');
console.log(`peak memory (RSS) while rendering       ${Math.round(peak / 1024 / 1024)} MB`);
console.log(`first company report in a fresh process, from process start (median of ${coldCompiled.length} each; no goal: the server warms its renderer when it starts):`);
console.log(`  compiled, caches as npm start leaves them  ${coldMedian(coldCompiled)} ms   (bundled by esbuild like the server build; compile cache filled)`);
const part = (k: keyof Cold['parts']) => median(coldCompiled.map((x) => x.parts[k])).toFixed(0);
console.log(`    of which: Node and packages ${part('start')} ms, project modules ${part('imports')} ms, database and model ${part('model')} ms, render ${part('render')} ms`);
console.log(`  compiled, first start ever (no cache)      ${coldMedian(coldFirstEver)} ms`);
console.log(`  under tsx                                 ${coldMedian(coldTsx)} ms`);
console.log(`first download from the built server      ${firstDownloadMs.toFixed(0)} ms   (3 s after its first request, which warms the renderer; status ${firstPdf.status})`);
console.log(`unchanged report again (model + cache)   median ${median(cachedRuns).toFixed(2)} ms   (goal ≤ 5 ms)`);
console.log(`\nbaseline: headless Chromium page.pdf of the same report page (browser already running, includes page load):`);
row('company report (Chromium)', chromium, `  ${chromiumPages} pages`);
console.log(`Chromium launch to first PDF            ${launchToFirst.toFixed(0)} ms`);
console.log(`\nreact-pdf / Chromium (company, median)  ${(median(c.times) / median(chromium)).toFixed(2)}   (goal ≤ 1)`);
