import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { optionsOf } from '../../src/domain/answers.ts';
import { primaryFactor } from '../../src/domain/factors.ts';
import { SubIndexKeys, type Item } from '../../src/domain/instrument.ts';
import { itemScore, scoreParticipant } from '../../src/domain/scoring.ts';
import { expectNoStack, expectUsageError, runCli } from '../helpers/cli.ts';
import { completeAnswers, instrument, validProfile } from '../helpers/instrument.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { PROCESSES_TEST_MS } from '../helpers/limits.ts';

const tmp = tempDir('velocity-cli-score-');
afterAll(() => tmp.cleanup());

function file(name: string, content: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, content);
  return path;
}

describe('velocity score', { timeout: PROCESSES_TEST_MS }, () => {
  it('scores a complete response and prints the indices and five actions as JSON', () => {
    // Agreement items at "disagree", everything else in the middle: some stops and changes.
    const answers = completeAnswers(instrument, (item) => (item.kind === 'agreement' ? 'd' : undefined));
    const r = runCli(['score', '--in', file('complete.json', JSON.stringify({ profile: validProfile(), answers })), '--json']);
    expect(r.status, r.stderr).toBe(0);
    expectNoStack(r);
    const out = JSON.parse(r.stdout);
    expect(out.instrument).toBe(`${instrument.id}@${instrument.version}`);
    expect(out.velocityIndex).toBeGreaterThanOrEqual(0);
    expect(out.velocityIndex).toBeLessThanOrEqual(100);
    expect(out.velocityIndex).toBe(scoreParticipant(instrument, answers).company.velocity);
    expect(instrument.categories.company.map((b) => b.label)).toContain(out.category);
    expect(Object.keys(out.subIndices).sort()).toEqual(['cycle', 'number', 'value', 'winRate']);
    expect(out.actions).toHaveLength(5);
    for (const a of out.actions) {
      expect(['keep', 'change', 'stop']).toContain(a.kind);
      expect(a.item in answers).toBe(true);
      expect(a.sentence).toMatch(a.kind === 'stop' ? /^Stop / : a.kind === 'keep' ? /^Keep / : /\w/);
    }
    expect(out.personalIndex).toBeGreaterThanOrEqual(0);
    expect(out.personalIndex).toBeLessThanOrEqual(100);
  });

  describe.each(SubIndexKeys)('a response weak only on the %s practices', (weak) => {
    it('names that factor lowest, with the highest potential, and leads the actions with it', () => {
      // Best answers everywhere except the weak factor's primary items, answered at their worst.
      const ranked = (item: Item) =>
        item.kind === 'number'
          ? item.curve.map((p) => String(p.value)).sort((a, b) => itemScore(instrument, item, a)! - itemScore(instrument, item, b)!)
          : optionsOf(instrument, item).map((o) => o.id).sort((a, b) => itemScore(instrument, item, a)! - itemScore(instrument, item, b)!);
      const answers = completeAnswers(instrument, (item) =>
        'advice' in item && primaryFactor(item) === weak ? ranked(item)[0] : ranked(item).at(-1),
      );
      const r = runCli(['score', '--in', file(`weak-${weak}.json`, JSON.stringify({ profile: validProfile(), answers })), '--json']);
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.weakestFactor).toBe(weak);
      const potentialRank = (label: string) => instrument.potential.findIndex((b) => b.label === label);
      for (const other of SubIndexKeys.filter((k) => k !== weak)) {
        expect(out.subIndices[weak].score).toBeLessThan(out.subIndices[other].score);
        // Bands run from low scores (most potential) up.
        expect(potentialRank(out.subIndices[weak].potential)).toBeLessThan(potentialRank(out.subIndices[other].potential));
      }
      expect(out.actions[0].factor).toBe(weak);
      expect(out.actions[0].kind).toBe('stop');
    });
  });

  it('refuses an unknown item id, naming it', () => {
    const answers = { ...completeAnswers(), 'no-such-item': 'a' };
    const path = file('unknown-item.json', JSON.stringify({ profile: validProfile(), answers }));
    expectUsageError(runCli(['score', '--in', path, '--json']), 'no-such-item');
  });

  it('refuses a file that is not JSON', () => {
    const path = file('not-json.json', 'profile: yes\nanswers: maybe\n');
    expectUsageError(runCli(['score', '--in', path]), 'not valid JSON');
  });
});
