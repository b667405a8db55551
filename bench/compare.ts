/**
 * `npm run bench:compare [-- --db path --count N --seed S --runs R]`: the
 * consultant's peer comparison on a large population (1,000,000 participants
 * by default; an existing --db is reused as it is). For each of the six
 * dimensions it measures
 *  - the comparison as the page computes it (n, quartiles of the Velocity
 *    Index and the four sub-indices per group, plus the top-performer gaps of
 *    the whole population) from the stored statistics: median and p95 of R runs;
 *  - the baseline in the same run: reading every score once and sorting per
 *    group (what the statistics replace);
 *  - the server time of GET /consultant/compare on the built site, from its
 *    Server-Timing header, and the whole HTTP round trip.
 * Goal (issue 5): 150 ms or less of server time for one dimension.
 * --db may be a PostgreSQL URL (postgres://…, an existing database): the
 * same measurements through the pg repositories and a server on it.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { COMPARE_DIMENSIONS, MEASURES } from '../src/domain/peer-stats.ts';
import { DEFAULT_MIN_GROUP, quartiles } from '../src/domain/peers.ts';
import { hashPassword } from '../src/server/auth/password.ts';
import { openStore } from '../src/server/data/open.ts';
import { loadInstrument } from '../src/server/instrument-loader.ts';
import { closeStore } from '../src/server/repositories/database-admin.ts';
import { participantTotal } from '../src/server/repositories/scores.ts';
import { comparisonFor, studyStatsSource } from '../src/server/services/comparison.ts';
import { seedParticipantsInParallel } from '../src/server/services/seed.ts';
import { startSite } from '../scripts/site-process.ts';
import { openRaw } from './raw-sql.ts';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    db: { type: 'string' },
    runs: { type: 'string', default: '15' },
  },
});
const runs = Number(args.runs);
const path = args.db ?? join(mkdtempSync(join(tmpdir(), 'velocity-bench-')), 'bench.sqlite');
const instrument = loadInstrument();
const reuse = path.startsWith('postgres') || existsSync(path);
const db = await openStore(path);
// The bench's own setup and brute-force baseline are SQL on the database itself, not through the data-access boundary.
const raw = await openRaw(path);
if (!reuse || (await participantTotal(db)) === 0) {
  const t = performance.now();
  await seedParticipantsInParallel(db, instrument, { count: Number(args.count), seed: Number(args.seed) });
  console.log(`seeded ${Number(args.count).toLocaleString('en-US')} participants in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
console.log(`participants: ${(await participantTotal(db)).toLocaleString('en-US')}`);

const K = 5;
const DIMENSIONS = COMPARE_DIMENSIONS;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

// A consultant for the comparison; its id only matters for study ownership, which this run does not use.
const email = 'bench-compare@example.com';
const found = await raw.get<{ id: number }>('SELECT id FROM consultants WHERE email = ?', email);
const password = 'bench-compare-password';
if (!found) await raw.run('INSERT INTO consultants (email, password_hash) VALUES (?, ?)', email, await hashPassword(password));
else await raw.run('UPDATE consultants SET password_hash = ? WHERE id = ?', await hashPassword(password), found.id);
const consultantId = Number((await raw.get<{ id: number }>('SELECT id FROM consultants WHERE email = ?', email))!.id);

const columns: Record<(typeof COMPARE_DIMENSIONS)[number], string> = {
  industry: 'industry', employees: 'employees', salesTeam: 'sales_team', region: 'region', motion: 'motion', role: 'role',
};
const measureColumns = ['velocity', 'value', 'number', 'win_rate', 'cycle'];

/** The baseline: every score of the population read once, grouped and sorted in JavaScript. */
async function bruteForce(dimension: (typeof COMPARE_DIMENSIONS)[number]) {
  const groups = new Map<string, number[][]>();
  const rows = (await raw.rows(`SELECT ${columns[dimension]}, ${measureColumns.join(', ')} FROM scores`)) as [string, ...(number | null)[]][];
  for (const [key, ...values] of rows) {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = MEASURES.map(() => [])));
    values.forEach((v, i) => v !== null && g[i]!.push(v));
  }
  return [...groups].map(([key, g]) => ({ key, q: g.map((vs) => (vs.length >= K ? quartiles(vs) : null)) }));
}

console.log(`\nComparison per dimension, ${runs} runs each (stored statistics) against one brute-force pass:`);
const all: number[] = [];
// One comparison unmeasured first: otherwise the first dimension's runs also pay for compiling the code they run.
await comparisonFor(db, instrument, consultantId, { dimension: 'region', measure: 'velocity' }, K);
for (const dimension of COMPARE_DIMENSIONS) {
  const times: number[] = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = (await comparisonFor(db, instrument, consultantId, { dimension, measure: 'velocity' }, K))!;
    times.push(performance.now() - t);
  }
  all.push(...times);
  const t = performance.now();
  const brute = await bruteForce(dimension);
  const bruteMs = performance.now() - t;
  // The two must agree, or the figure means nothing.
  for (const g of result!.model.groups) {
    const b = brute.find((x) => x.key === g.key)!;
    // Published at whole points, so the brute-force median is rounded the same way.
    const published = g.measures.velocity!.quartiles;
    if (published && Math.round(b.q[0]!.median) !== published.median) throw new Error(`${dimension}/${g.key}: medians differ`);
  }
  console.log(
    `  ${dimension.padEnd(10)} ${String(result!.model.groups.length).padStart(2)} groups: median ${ms(median(times))}, p95 ${ms(p95(times))}; brute force ${ms(bruteMs)} (${(bruteMs / median(times)).toFixed(0)}× slower)`,
  );
}
console.log(`  all dimensions: median ${ms(median(all))}, p95 ${ms(p95(all))} (goal: 150 ms or less)`);

// Within one study the population is tallied on the spot (scores and answers of its participants).
const studySize = 10_000;
const studyToken = 'bench-compare-study';
let study = await raw.get<{ id: number }>('SELECT id FROM studies WHERE invite_token = ?', studyToken);
if (!study) {
  study = (await raw.get<{ id: number }>('INSERT INTO studies (consultant_id, name, invite_token) VALUES (?, ?, ?) RETURNING id', consultantId, 'Bench study', studyToken))!;
  await raw.run('UPDATE participants SET study_id = ? WHERE id <= ?', study.id, studySize);
  await raw.run('UPDATE scores SET study_id = ? WHERE participant_id <= ?', study.id, studySize);
}
const tallied: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  await studyStatsSource(db, instrument, study.id, DEFAULT_MIN_GROUP);
  tallied.push(performance.now() - t);
}
const inStudy: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  await comparisonFor(db, instrument, consultantId, { dimension: DIMENSIONS[i % DIMENSIONS.length]!, measure: 'velocity', study: study.id }, K);
  inStudy.push(performance.now() - t);
}
console.log(
  `  within a study of ${studySize.toLocaleString('en-US')} participants: tallying the study ${ms(median(tallied))} (median of 5, first view), ` +
    `then each dimension ${ms(median(inStudy))} (median of ${runs}, tallies kept while the study's participants are unchanged)`,
);
await raw.close();
await closeStore(db);

console.log('\nGET /consultant/compare on the built site (server time from Server-Timing, then the whole round trip):');
const site = await startSite(path);
try {
  const signIn = await fetch(`${site.base}/consultant/sign-in`, {
    method: 'POST',
    body: new URLSearchParams({ email, password }),
    headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
  if (!cookie) throw new Error(`sign-in failed: ${signIn.status}`);
  for (const dimension of COMPARE_DIMENSIONS) {
    const server: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const res = await fetch(`${site.base}/consultant/compare?dimension=${dimension}`, { headers: { cookie } });
      await res.text();
      total.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`compare answered ${res.status}`);
      server.push(Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1]));
    }
    console.log(`  ${dimension.padEnd(10)} server ${ms(median(server))} (p95 ${ms(p95(server))}), round trip ${ms(median(total))}`);
  }
} finally {
  await site.stop();
}
