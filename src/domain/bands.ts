import type { Band } from './instrument.ts';

/** The band a 0-100 score falls in: min inclusive, max exclusive, the top band closed at 100. */
export function bandOf(bands: readonly Band[], score: number): Band {
  const clamped = Math.min(100, Math.max(0, score));
  const sorted = [...bands].sort((a, b) => a.min - b.min);
  const found = sorted.find((b, i) => clamped >= b.min && (clamped < b.max || i === sorted.length - 1));
  if (!found) throw new Error(`no band holds the score ${score}`);
  return found;
}

/** Problems with a band list: gaps, overlaps, or not spanning 0-100. Empty when it is sound. */
export function bandProblems(bands: readonly Band[]): string[] {
  const problems: string[] = [];
  const sorted = [...bands].sort((a, b) => a.min - b.min);
  if (sorted.length === 0) return ['has no bands'];
  if (sorted[0]!.min !== 0) problems.push(`starts at ${sorted[0]!.min}, not 0`);
  if (sorted.at(-1)!.max !== 100) problems.push(`ends at ${sorted.at(-1)!.max}, not 100`);
  for (const b of sorted) {
    if (b.max <= b.min) problems.push(`"${b.label}" runs from ${b.min} to ${b.max}`);
  }
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.min > prev.max) problems.push(`gap between ${prev.max} and ${cur.min}`);
    if (cur.min < prev.max) problems.push(`"${prev.label}" and "${cur.label}" overlap`);
  }
  return problems;
}
