import { describe, expect, it } from 'vitest';
import { normal, pickWeighted, seededRandom } from '../../src/domain/random.ts';

const take = (n: number, f: () => number) => Array.from({ length: n }, f);

describe('seededRandom', () => {
  it.each([0, 1, 42, 2 ** 31, -7])('repeats its sequence for seed %d', (seed) => {
    expect(take(100, seededRandom(seed))).toEqual(take(100, seededRandom(seed)));
  });

  it('gives different sequences for different seeds', () => {
    expect(take(10, seededRandom(1))).not.toEqual(take(10, seededRandom(2)));
  });

  it('stays within [0, 1) and spreads evenly', () => {
    const xs = take(20_000, seededRandom(7));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    const deciles = new Array(10).fill(0) as number[];
    for (const x of xs) deciles[Math.floor(x * 10)]! += 1;
    for (const d of deciles) expect(d).toBeGreaterThan(1700);
  });
});

describe('normal', () => {
  it('has mean about 0 and standard deviation about 1', () => {
    const random = seededRandom(3);
    const xs = take(20_000, () => normal(random));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(sd).toBeGreaterThan(0.97);
    expect(sd).toBeLessThan(1.03);
    expect(xs.every(Number.isFinite)).toBe(true);
  });
});

describe('pickWeighted', () => {
  it('follows the weights and never picks a zero weight', () => {
    const random = seededRandom(11);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++) counts[pickWeighted(random, ['a', 'b', 'c'] as const, [3, 0, 1])] += 1;
    expect(counts.b).toBe(0);
    expect(counts.a / 10_000).toBeGreaterThan(0.72);
    expect(counts.a / 10_000).toBeLessThan(0.78);
  });

  it('picks the only choice', () => {
    expect(pickWeighted(seededRandom(1), ['only'], [1])).toBe('only');
  });
});
