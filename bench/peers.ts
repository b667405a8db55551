/**
 * `npm run bench:peers [-- --count N --seed S --db path]`: seeds N participants
 * (1,000,000 by default) into a temporary database, then measures
 *  - one peer-relative lookup (goal: median 2 ms or less) against a plain
 *    full scan of the group in JavaScript, in the same run;
 *  - quartiles of the Velocity Index for every industry group (goal: 150 ms or
 *    less in total) as results pages read them, from the kept statistics; by
 *    rank on the scores (the fallback for groups the statistics do not hold);
 *    and reading every score once and sorting per group.
 * An existing --db is reused as it is, so repeated runs can skip the seeding.
 * --db may be a PostgreSQL URL (postgres://…, an existing database): the
 * same measurements through the pg repositories, the baseline a sequential
 * scan (index scans switched off for the baseline's own connection).
 */
import { parseArgs } from 'node:util';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerGroupCandidates, quartiles, choosePeerGroup, DEFAULT_MIN_GROUP } from '../src/domain/peers.ts';
import { profileChoices } from '../src/domain/profile.ts';
import { openStore } from '../src/server/data/open.ts';
import { loadInstrument } from '../src/server/instrument-loader.ts';
import { closeStore } from '../src/server/repositories/database-admin.ts';
import { participantTotal } from '../src/server/repositories/scores.ts';
import { keptFiguresFor } from '../src/server/services/peer-figures.ts';
import { groupQuartiles, peerPosition, sqlGroupFigures } from '../src/server/services/peers.ts';
import { seedParticipants } from '../src/server/services/seed.ts';
import { openRaw } from './raw-sql.ts';

const { values: args } = parseArgs({
  options: { count: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '42' }, db: { type: 'string' }, lookups: { type: 'string', default: '200' } },
});
const count = Number(args.count);
const lookups = Number(args.lookups);
const dir = args.db ? null : mkdtempSync(join(tmpdir(), 'velocity-bench-'));
const path = args.db ?? join(dir!, 'bench.sqlite');
const instrument = loadInstrument();
const reuse = path.startsWith('postgres') || existsSync(path);
const db = await openStore(path);
// The baselines are the bench's own SQL (full scans), not through the data-access boundary.
const raw = await openRaw(path);
if (raw.backend === 'pg') await raw.run('SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off');

if (!reuse || (await participantTotal(db)) === 0) {
  const t = performance.now();
  await seedParticipants(db, instrument, { count, seed: Number(args.seed) });
  console.log(`seeded ${count.toLocaleString('en-US')} participants in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const total = await participantTotal(db);
console.log(`participants: ${total.toLocaleString('en-US')}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
const time = async <T>(fn: () => T | Promise<T>): Promise<[number, T]> => {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
};

// Subjects spread over the id range, read once so both methods see the same.
const subjects = await raw.all<{ participantId: number; velocity: number; industry: string; employees: string }>(
  `SELECT participant_id AS "participantId", velocity, industry, employees FROM scores WHERE participant_id % ? = 0 ORDER BY participant_id LIMIT ?`,
  Math.max(1, Math.floor(total / lookups)),
  lookups,
);

async function scanCount(where: { industry?: string; employees?: string }, exclude: number, atMost?: number): Promise<number> {
  const conds = ['participant_id != ?'];
  const params: unknown[] = [exclude];
  if (where.industry !== undefined) conds.push('industry = ?'), params.push(where.industry);
  if (where.employees !== undefined) conds.push('employees = ?'), params.push(where.employees);
  if (atMost !== undefined) conds.push('velocity <= ?'), params.push(atMost);
  const sql = `SELECT count(*) AS n FROM scores ${raw.backend === 'sqlite' ? 'NOT INDEXED' : ''} WHERE ${conds.join(' AND ')}`;
  return Number((await raw.get<{ n: number }>(sql, ...params))!.n);
}

const lookup = (s: (typeof subjects)[number]) => peerPosition(db, { ...s, instrumentVersion: instrument.version, population: 'demo' }, DEFAULT_MIN_GROUP);
// The lookups one after another, as a server answering results pages would make them; then again, each right after
// its full-scan baseline (how this bench measured them before 2026-12-02): on PostgreSQL the lookup's three round trips
// to another process cost more on a busy machine right after a long scan than back to back.
const indexed: number[] = [];
const positions = [];
let groupSizes = 0;
for (const s of subjects) {
  const [ms, pos] = await time(() => lookup(s));
  indexed.push(ms);
  positions.push(pos);
  groupSizes += pos?.group.size ?? 0;
}
const afterScan: number[] = [];
const scanned: number[] = [];
for (const [i, s] of subjects.entries()) {
  // Baseline: the same counts with the indexes switched off, i.e. a plain full scan of the table.
  const [msScan, rel] = await time(async () => {
    // choosePeerGroup's rule (the first candidate big enough), with the sizes counted one by one as it asks for them.
    for (const candidate of peerGroupCandidates(s)) {
      const size = await scanCount(candidate.where, s.participantId);
      const group = choosePeerGroup([candidate], () => size);
      if (group) return (100 * (await scanCount(group.where, s.participantId, s.velocity))) / group.size;
    }
    return null;
  });
  scanned.push(msScan);
  afterScan.push((await time(() => lookup(s)))[0]);
  const pos = positions[i];
  if (pos && rel !== null && Math.abs(pos.relative - rel) > 1e-9) throw new Error(`lookup disagrees with the scan for participant ${s.participantId}`);
}
console.log(`\npeer-relative lookup (${subjects.length} subjects, mean group ${Math.round(groupSizes / subjects.length).toLocaleString('en-US')}):`);
console.log(`  indexed count   median ${median(indexed).toFixed(3)} ms   p95 ${p95(indexed).toFixed(3)} ms   (goal ≤ 2 ms; one lookup after another)`);
console.log(`  after a scan    median ${median(afterScan).toFixed(3)} ms   p95 ${p95(afterScan).toFixed(3)} ms   (each right after its full scan)`);
console.log(`  full scan       median ${median(scanned).toFixed(3)} ms   p95 ${p95(scanned).toFixed(3)} ms   (${(median(scanned) / median(indexed)).toFixed(0)}× slower)`);

const industries = profileChoices(instrument, 'industry').map((o) => o.id);
const runs = 7;
const byStats: number[] = [];
const byRank: number[] = [];
const byScan: number[] = [];
const peers = { instrumentVersion: instrument.version, population: 'demo' as const };
for (let r = 0; r < runs; r++) {
  // As a results page gets them: the group's figures from the kept statistics (services/peer-figures.ts), nobody left out.
  const [msStats, statsQs] = await time(async () => {
    const kept = await keptFiguresFor(db, peers, {}, (where) => sqlGroupFigures(db, { ...where, ...peers }));
    if (!kept) throw new Error('the kept statistics do not hold the demo data');
    const all = [];
    for (const industry of industries) all.push(await (await kept({ industry })).quartiles('velocity', DEFAULT_MIN_GROUP));
    return all;
  });
  byStats.push(msStats);
  // The fallback for groups the statistics do not hold (an earlier instrument version): ranks picked from the scores.
  const [ms, qs] = await time(async () => {
    const all = [];
    for (const industry of industries) all.push(await groupQuartiles(db, { industry, ...peers }, DEFAULT_MIN_GROUP));
    return all;
  });
  byRank.push(ms);
  const [msScan, scanQs] = await time(async () => {
    const groups = new Map<string, number[]>();
    for (const [industry, v] of (await raw.rows('SELECT industry, velocity FROM scores')) as [string, number][]) {
      let list = groups.get(industry);
      if (!list) groups.set(industry, (list = []));
      list.push(v);
    }
    return industries.map((i) => quartiles(groups.get(i) ?? []));
  });
  byScan.push(msScan);
  for (const [how, found] of [['by rank', qs], ['from the statistics', statsQs]] as const) {
    found.forEach((q, i) => {
      const s = scanQs[i];
      if (q && s && Math.abs(q.median - s.median) + Math.abs(q.q1 - s.q1) + Math.abs(q.q3 - s.q3) > 1e-9) throw new Error(`quartiles ${how} disagree for ${industries[i]}`);
    });
  }
}
console.log(`\nquartiles of every industry group (${industries.length} groups, ${runs} runs):`);
console.log(`  kept statistics        median ${median(byStats).toFixed(1)} ms   (goal ≤ 150 ms; what results pages read)`);
console.log(`  by rank on the scores  median ${median(byRank).toFixed(1)} ms   (the fallback for groups the statistics do not hold)`);
console.log(`  full scan and sort     median ${median(byScan).toFixed(1)} ms   (${(median(byScan) / median(byStats)).toFixed(1)}× the kept statistics)`);

await raw.close();
await closeStore(db);
if (dir) rmSync(dir, { recursive: true, force: true });
