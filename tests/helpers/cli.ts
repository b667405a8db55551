import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, inject } from 'vitest';
import { serverRuntimeEnv } from '../../scripts/build-state.ts';
import { bundleCli } from './cli-bundle.ts';
import { CLI_MS } from './limits.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The CLI as one bundled file of the current sources (tests/helpers/cli-bundle.ts):
 * the run's, from tests/global-setup.ts, or one built here under a config without it.
 */
export const CLI_BUNDLE: string = inject('cliBundle') || (await bundleCli());

/** The command and arguments that run the CLI with `args`. */
export const cliCommand = (args: readonly string[]): [string, string[]] => [process.execPath, [CLI_BUNDLE, ...args]];

/** Node keeps the bundle's compiled code on disk (as for the built server): about a third off each later start. */
export const CLI_RUNTIME_ENV: Record<string, string> = serverRuntimeEnv();

/**
 * A command that forgets --db must not touch ./data: DATABASE_PATH points
 * into a throw-away folder for every CLI run, removed after the test file.
 */
const guardDir = join(tmpdir(), `velocity-cli-guard-${randomBytes(6).toString('hex')}`);
afterAll(() => rmSync(guardDir, { recursive: true, force: true }));

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {}): CliResult {
  const env: NodeJS.ProcessEnv = { ...process.env, ...CLI_RUNTIME_ENV, DATABASE_PATH: join(guardDir, 'unexpected.sqlite'), NO_COLOR: '1', ...opts.env };
  delete env.DEBUG;
  // A DATABASE_URL of the shell running the tests would take the place of that guard: only a test's own counts.
  if (opts.env?.DATABASE_URL === undefined) delete env.DATABASE_URL;
  const [command, argv] = cliCommand(args);
  const r = spawnSync(command, argv, {
    cwd: ROOT,
    env,
    input: opts.input ?? '',
    encoding: 'utf8',
    // The CLI is this process's child itself (no tsx wrapper in between), so the SIGTERM of a hung run reaches it.
    timeout: opts.timeoutMs ?? CLI_MS,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

/** No stack frame ("    at fn (file:line)") may reach the operator. */
export function expectNoStack(r: CliResult): void {
  expect(r.stderr).not.toMatch(/^\s{4}at /m);
  expect(r.stdout).not.toMatch(/^\s{4}at /m);
}

/** Bad operator input: exit 2, exactly one line on stderr, no stack trace. */
export function expectUsageError(r: CliResult, ...mentions: (string | RegExp)[]): string {
  expect(r.signal, `timed out or killed; stderr: ${r.stderr}`).toBeNull();
  expect(r.status, `stderr: ${r.stderr}\nstdout: ${r.stdout}`).toBe(2);
  expectNoStack(r);
  const errLines = lines(r.stderr);
  expect(errLines, r.stderr).toHaveLength(1);
  for (const m of mentions) {
    if (typeof m === 'string') expect(errLines[0]).toContain(m);
    else expect(errLines[0]).toMatch(m);
  }
  return errLines[0]!;
}
