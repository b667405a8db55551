/** A small seeded PRNG (sfc32): the same seed gives the same data on every machine. */
export type Random = () => number;

export function seededRandom(seed: number, stream = 0): Random {
  // `stream` picks one of 2^32 independent sequences of a seed, e.g. one per synthetic participant.
  let a = 0x9e3779b9 ^ (stream >>> 0);
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Standard normal by Box-Muller. */
export function normal(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function pickWeighted<T>(random: Random, choices: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let i = 0; i < choices.length; i++) {
    r -= weights[i]!;
    if (r < 0) return choices[i]!;
  }
  return choices.at(-1)!;
}
