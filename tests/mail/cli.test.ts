import { afterEach, describe, expect, it } from 'vitest';
import { enqueueMail } from '../../src/server/mail/outbox.ts';
import { spawn } from 'node:child_process';
import { CLI_RUNTIME_ENV, cliCommand, ROOT, runCli } from '../helpers/cli.ts';
import { openTempDb, type TempDb } from '../helpers/temp-db.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';
import { CLI_MS, PROCESSES_TEST_MS } from '../helpers/limits.ts';

/** A CLI start is quick now (a bundle), but far slower on a busy machine. */
const CLI_LIMIT_MS = CLI_MS;
let t: TempDb | undefined;
let sink: SmtpSink | undefined;
afterEach(async () => {
  await sink?.close();
  t?.cleanup();
});

function runCliAsync(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const [command, argv] = cliCommand(args);
    const child = spawn(command, argv, { cwd: ROOT, env: { ...process.env, ...CLI_RUNTIME_ENV, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('velocity mail', () => {
  it('reports the outbox, sends what is due, and says so when SMTP is not set up', async () => {
    t = openTempDb();
    const queued = new Date(Date.now() - 90_000);
    for (let i = 0; i < 3; i++) await enqueueMail(t.db, { kind: 'resume-link', dedupeKey: `cli:${i}`, to: `p${i}@example.com`, subject: 'Your link', text: 'Body' }, queued);
    t.db.db.$client.close();

    const before = runCli(['--db', t.path, 'mail', 'status'], { timeoutMs: CLI_LIMIT_MS });
    expect(before.status).toBe(0);
    expect(before.stdout).toContain('pending 3, sending 0, sent 0, failed 0');
    expect(before.stdout).toMatch(/oldest waiting: queued .* \(\d+ min ago\)/);
    expect(before.stdout).toContain('SMTP_URL is not set');

    const refused = runCli(['--db', t.path, 'mail', 'send'], { timeoutMs: CLI_LIMIT_MS });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/SMTP_URL is not set/);

    sink = await startSmtpSink();
    const env = { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAIL_FROM: 'bench@example.com' };
    // The SMTP server runs in this process, so the CLI must run without blocking it (spawn, not spawnSync).
    const sent = await runCliAsync(['--db', t.path, 'mail', 'send'], env);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('sent 3, to retry 0, failed 0');
    expect(sink.received).toHaveLength(3);
    const after = runCli(['--db', t.path, 'mail', 'status'], { env, timeoutMs: CLI_LIMIT_MS });
    expect(after.stdout).toContain('pending 0, sending 0, sent 3, failed 0');
    expect(after.stdout).toContain('nothing is waiting');
  }, PROCESSES_TEST_MS);
});
