import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scoreParticipant } from '../../src/domain/scoring.ts';
import { expectNoStack, expectUsageError, runCli } from '../helpers/cli.ts';
import { completeAnswers, instrument, validProfile } from '../helpers/instrument.ts';
import { tempDir } from '../helpers/temp-db.ts';

const tmp = tempDir('velocity-cli-score-');
afterAll(() => tmp.cleanup());

function file(name: string, content: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, content);
  return path;
}

describe('velocity score', () => {
  it('scores a complete response and prints the indices and five actions as JSON', () => {
    // Agreement items at "disagree", everything else in the middle: some stops and changes.
    const answers = completeAnswers(instrument, (item) => (item.kind === 'agreement' ? 'd' : undefined));
    const r = runCli(['score', '--in', file('complete.json', JSON.stringify({ profile: validProfile(), answers })), '--json']);
    expect(r.status, r.stderr).toBe(0);
    expectNoStack(r);
    const out = JSON.parse(r.stdout);
    expect(out.instrument).toBe('velocity-v1@1');
    expect(out.velocityIndex).toBeGreaterThanOrEqual(0);
    expect(out.velocityIndex).toBeLessThanOrEqual(100);
    expect(out.velocityIndex).toBe(scoreParticipant(instrument, answers).company.velocity);
    expect(instrument.categories.company.map((b) => b.label)).toContain(out.category);
    expect(Object.keys(out.subIndices).sort()).toEqual(['cycle', 'number', 'value', 'winRate']);
    expect(out.actions).toHaveLength(5);
    for (const a of out.actions) {
      expect(['keep', 'change', 'stop']).toContain(a.kind);
      expect(a.item in answers).toBe(true);
    }
    expect(out.personalIndex).toBeGreaterThanOrEqual(0);
    expect(out.personalIndex).toBeLessThanOrEqual(100);
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
