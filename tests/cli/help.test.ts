import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { PROCESSES_TEST_MS } from '../helpers/limits.ts';

describe('velocity --help', { timeout: PROCESSES_TEST_MS }, () => {
  it.each([
    [[], 'velocity'],
    [['migrate'], 'migrate'],
    [['seed'], '--count'],
    [['demo'], 'remove'],
    [['stats', 'rebuild'], 'population in force'],
    [['user'], 'create'],
    [['user', 'create'], '--email'],
    [['instrument'], 'check'],
    [['instrument', 'check'], '[file]'],
    [['score'], '--in'],
    [['numbers'], '--cycle-days'],
  ])('velocity %j --help exits 0 and shows usage', (command, mention) => {
    const r = runCli([...command, '--help']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: velocity/m);
    expect(r.stdout).toContain(mention);
  });
});
