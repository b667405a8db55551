/**
 * `npx tsx bench/demo-population.ts [--count N] [--seed S] [--instrument id]`:
 * generates N synthetic participants (5,000 by default, seed 7, the
 * instrument in force) with the seeding code's generator, scores them with
 * the real scoring code and prints what makes the demo look like a benchmark
 * or not: the Velocity Index distribution and categories, how distinct the
 * four factors are, industry and size medians, leaders against sellers and
 * the companies' sizes. README, "Demo data: the latent model", quotes it.
 */
import { parseArgs } from 'node:util';
import { SubIndexKeys } from '../src/domain/instrument.ts';
import { quantile } from '../src/domain/peers.ts';
import { roleGroup } from '../src/domain/profile.ts';
import { companyCategory, scoreParticipant } from '../src/domain/scoring.ts';
import { createSyntheticGenerator } from '../src/domain/synthetic.ts';
import { loadInstrument } from '../src/server/instrument-loader.ts';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '5000' }, seed: { type: 'string', default: '7' }, instrument: { type: 'string' } },
});
const count = Number(values.count);
const instrument = loadInstrument(values.instrument);
const next = createSyntheticGenerator(instrument, Number(values.seed));
const crowd = Array.from({ length: count }, (_, i) => next(i));
const scores = crowd.map((p) => scoreParticipant(instrument, p.answers));
const velocity = scores.map((s) => s.company.velocity!);

const sorted = (v: readonly number[]) => [...v].sort((a, b) => a - b);
const median = (v: readonly number[]) => quantile(sorted(v), 0.5);
const f1 = (x: number) => x.toFixed(1);
function correlation(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}
function mediansBy(key: (i: number) => string): [string, number, number][] {
  return [...Map.groupBy(velocity, (_, i) => key(i))].map(([k, v]) => [k, median(v), v.length] as [string, number, number]);
}

const v = sorted(velocity);
const overall = quantile(v, 0.5);
console.log(`${instrument.id}, ${count.toLocaleString('en-US')} participants, seed ${values.seed}`);
console.log(
  `Velocity Index: median ${f1(overall)}, quartiles ${f1(quantile(v, 0.25))}-${f1(quantile(v, 0.75))} (IQR ${f1(quantile(v, 0.75) - quantile(v, 0.25))}), ` +
    `5th-95th percentile ${f1(quantile(v, 0.05))}-${f1(quantile(v, 0.95))}`,
);
const categories = Map.groupBy(velocity, (x) => companyCategory(instrument, x).label);
console.log(`categories: ${instrument.categories.company.map((b) => `${b.label} ${(((categories.get(b.label)?.length ?? 0) / count) * 100).toFixed(1)} %`).join(', ')}`);
console.log(`factor medians: ${SubIndexKeys.map((k) => `${k} ${f1(median(scores.map((s) => s.company[k]!)))}`).join(', ')}`);
const pairs = SubIndexKeys.flatMap((a, i) => SubIndexKeys.slice(i + 1).map((b) => [a, b] as const));
const r = pairs.map(([a, b]) => correlation(scores.map((s) => s.company[a]!), scores.map((s) => s.company[b]!)));
console.log(`factor correlations: ${pairs.map(([a, b], i) => `${a}-${b} ${r[i]!.toFixed(2)}`).join(', ')} (range ${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)})`);
const spread = scores.map((s) => {
  const f = SubIndexKeys.map((k) => s.company[k]!);
  const m = f.reduce((a, b) => a + b, 0) / 4;
  return { sd: Math.sqrt(f.reduce((a, b) => a + (b - m) ** 2, 0) / 4), range: Math.max(...f) - Math.min(...f) };
});
console.log(
  `within a participant, the four sub-indices: mean standard deviation ${f1(spread.reduce((a, s) => a + s.sd, 0) / count)}, ` +
    `mean range (highest - lowest) ${f1(spread.reduce((a, s) => a + s.range, 0) / count)} points`,
);
const industries = mediansBy((i) => crowd[i]!.profile.industry).sort((a, b) => a[1] - b[1]);
console.log(
  `industry medians ${f1(industries[0]![1])}-${f1(industries.at(-1)![1])} (${f1(industries[0]![1] - overall)} to +${f1(industries.at(-1)![1] - overall)} around the median): ` +
    industries.map(([k, m, n]) => `${k} ${f1(m)} (${n})`).join(', '),
);
const bands = instrument.profile.find((f) => f.id === 'employees');
const bandOrder = bands?.kind === 'choice' ? bands.options.map((o) => o.id) : [];
const sizes = mediansBy((i) => crowd[i]!.profile.employees).sort((a, b) => bandOrder.indexOf(a[0]) - bandOrder.indexOf(b[0]));
console.log(`employees medians: ${sizes.map(([k, m, n]) => `${k} ${f1(m)} (${n})`).join(', ')}`);
const roles = new Map(mediansBy((i) => roleGroup(instrument, crowd[i]!.profile.role)).map(([k, m, n]) => [k, { m, n }]));
const [leader, seller] = [roles.get('leader')!, roles.get('seller')!];
console.log(`leaders ${f1(leader.m)} (${leader.n}), sellers ${f1(seller.m)} (${seller.n}): gap ${f1(leader.m - seller.m)} points`);
const personal = sorted(scores.map((s) => s.personal.personal!));
console.log(`Personal Index: median ${f1(quantile(personal, 0.5))}, IQR ${f1(quantile(personal, 0.75) - quantile(personal, 0.25))}`);
const companies = Map.groupBy(crowd, (p) => p.profile.company);
const bySize = Map.groupBy([...companies.values()], (c) => c.length);
console.log(
  `companies: ${companies.size.toLocaleString('en-US')}; respondents per company ${[...bySize.keys()].sort((a, b) => a - b).map((n) => `${n}: ${bySize.get(n)!.length}`).join(', ')}`,
);
const withNumbers = crowd.flatMap((p, i) => (p.numbers?.winRate === undefined ? [] : [[p.numbers.winRate, scores[i]!.company.winRate!] as const]));
console.log(`"Your numbers" from ${((withNumbers.length / count) * 100).toFixed(0)} %; win rate against the Win rate index: r = ${correlation(withNumbers.map(([w]) => w), withNumbers.map(([, s]) => s)).toFixed(2)}`);
