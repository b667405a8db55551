import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { companyItems, personalItems } from '../../src/domain/scoring.ts';
import { instrumentPath } from '../../src/server/instrument-loader.ts';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { instrument } from '../helpers/instrument.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { PROCESSES_TEST_MS } from '../helpers/limits.ts';

const tmp = tempDir('velocity-cli-instrument-');
afterAll(() => tmp.cleanup());
const realText = readFileSync(instrumentPath(), 'utf8');

describe('velocity instrument check', { timeout: PROCESSES_TEST_MS }, () => {
  it('accepts the real instrument and reports its counts', () => {
    const r = runCli(['instrument', 'check']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`${instrument.id} version ${instrument.version} is valid`);
    expect(r.stdout).toMatch(/Primary items per factor: Value 8 \(\d+ a seller can act on\), Number 8 .*Win rate 8 .*Cycle 8 /);
    expect(r.stdout).toContain(`${companyItems(instrument).length} company items in ${instrument.company.sections.length} sections`);
    expect(r.stdout).toContain(`${personalItems(instrument).length} personal items in ${instrument.personal.sections.length} sections`);
  });

  it('refuses a file that is not valid YAML with one line naming the line number', () => {
    const lines = realText.split('\n');
    const at = lines.findIndex((l) => l.startsWith('title:'));
    expect(at).toBeGreaterThan(0);
    // "a: b: c" is a nested mapping YAML does not allow on one line.
    lines[at] = 'title: Velocity: Index';
    const file = join(tmp.dir, 'malformed.yaml');
    writeFileSync(file, lines.join('\n'));
    const line = expectUsageError(runCli(['instrument', 'check', file]), file, 'not valid YAML');
    expect(line).toMatch(new RegExp(`\\bline ${at + 1}\\b`));
  });

  it('refuses an item whose narrative is too short, naming the item and the field', () => {
    const data = parse(realText);
    const item = data.company.sections[0].items[0];
    item.narrative.positive = 'Too short to coach anyone.';
    const file = join(tmp.dir, 'short-narrative.yaml');
    writeFileSync(file, stringify(data));
    const line = expectUsageError(runCli(['instrument', 'check', file]), `item "${item.id}"`, 'narrative.positive');
    expect(line).toMatch(/too short/);
  });

  it('refuses an item whose weight is spread over several factors, naming the item', () => {
    const data = parse(realText);
    const item = data.company.sections[0].items[0];
    item.weights = { value: 1, number: 0.2, winRate: 0.2, cycle: 0 };
    const file = join(tmp.dir, 'spread.yaml');
    writeFileSync(file, stringify(data));
    expectUsageError(runCli(['instrument', 'check', file]), `item "${item.id}"`, 'spread over several factors');
  });

  it('refuses a STOP that names the good practice instead of the harmful habit', () => {
    const data = parse(realText);
    const item = data.company.sections[0].items[0];
    item.advice.stop = `${item.short} is something to drop this quarter.`;
    const file = join(tmp.dir, 'stop-backwards.yaml');
    writeFileSync(file, stringify(data));
    expectUsageError(runCli(['instrument', 'check', file]), `item "${item.id}"`, 'advice.stop must start with "Stop"');
  });

  it('accepts the legacy velocity-v1 and says it only scores earlier responses', () => {
    const r = runCli(['instrument', 'check', instrumentPath('velocity-v1')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('velocity-v1 version 1 (legacy: scores earlier responses only) is valid');
  });

  it('refuses a file that does not exist', () => {
    expectUsageError(runCli(['instrument', 'check', join(tmp.dir, 'missing.yaml')]), 'ENOENT');
  });
});
