/**
 * `npm run bench:page-weight`: the JavaScript each page of the journey ships,
 * raw and gzipped, measured on the built site (goal for the questionnaire
 * page: 15 KB gzipped or less). Builds first when the build is stale.
 */
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIsStale, buildSite } from '../scripts/build-state.ts';
import { startSite } from '../scripts/site-process.ts';
import { projectRoot } from '../src/server/paths.ts';

const root = projectRoot();
if (buildIsStale(root) && buildSite(root, 'pipe') !== null) throw new Error('the site build failed');
const dir = mkdtempSync(join(tmpdir(), 'velocity-weight-'));
const site = await startSite(join(dir, 'weight.sqlite'), { DEMO_PARTICIPANTS: '0' });
try {
  const started = await fetch(`${site.base}/start`, { method: 'GET' });
  await started.text();
  const form = new URLSearchParams({ role: 'leader', company: 'Weight Ltd', industry: 'software-saas', employees: '50-249', salesTeam: '6-20', region: 'europe', motion: 'inside' });
  const res = await fetch(`${site.base}/start`, { method: 'POST', redirect: 'manual', headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const section = res.headers.get('location')!;
  const pages = { landing: '/', start: '/start', questionnaire: section, 'your numbers': section.replace(/\/1$/, '/13') };
  console.log('page'.padEnd(16), 'scripts', 'raw bytes'.padStart(10), 'gzip bytes'.padStart(11));
  for (const [name, path] of Object.entries(pages)) {
    const html = await (await fetch(`${site.base}${path}`)).text();
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).filter((s) => s.trim());
    const srcs = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!);
    const bodies = [...inline, ...(await Promise.all(srcs.map(async (s) => (await fetch(new URL(s, site.base))).text())))];
    const raw = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);
    const gz = bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
    console.log(name.padEnd(16), String(bodies.length).padStart(7), String(raw).padStart(10), String(gz).padStart(11));
  }
  console.log('\ngoal: the questionnaire page ships at most 15 KB (15,360 bytes) of JavaScript, gzipped');
} finally {
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
}
