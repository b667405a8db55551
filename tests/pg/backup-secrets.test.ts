import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../scripts/pg-cluster.ts';
import { findPgDump } from '../../src/cli/commands/backup.ts';
import { cliCommand, CLI_RUNTIME_ENV, expectUsageError, ROOT, runCli } from '../helpers/cli.ts';
import { PROCESSES_TEST_MS, SETUP_MS } from '../helpers/limits.ts';

/** How long a stopped pg_dump may take to be gone: generous, for a busy machine. */
const PROCESS_EXIT_MS = 30_000;
import { tempDir } from '../helpers/temp-db.ts';

/**
 * `backup` on PostgreSQL with TLS options in the address (issue 15, second
 * review, finding 4): a client key's passphrase (sslpassword) went on
 * pg_dump's command line, which `ps` shows to every user; node-postgres's
 * sslmode=no-verify made pg_dump fail with "invalid sslmode value". A
 * cluster of this file's own, with TLS on, and a pg_dump on the PATH that
 * records what it was given before running the real one.
 */
const PASSPHRASE = 'Key-pass never-shown';
const tmp = tempDir('velocity-pg-backup-tls-');
let cluster: Cluster;
const certs = () => join(tmp.dir, 'certs');
const record = () => join(tmp.dir, 'record');
const fakeBin = () => join(tmp.dir, 'bin');

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
}

beforeAll(async () => {
  cluster = await startCluster();
  mkdirSync(certs());
  mkdirSync(record());
  mkdirSync(fakeBin());
  // The server's certificate (not checked by sslmode=require), and a client certificate whose key needs the passphrase.
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-days', '2'];
  openssl(['req', '-x509', ...ec, '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', join(certs(), 'server.key'), '-out', join(certs(), 'server.crt')]);
  openssl(['req', '-x509', ...ec, '-passout', `pass:${PASSPHRASE}`, '-subj', '/CN=postgres', '-keyout', join(certs(), 'client.key'), '-out', join(certs(), 'client.crt')]);
  chmodSync(join(certs(), 'client.key'), 0o600);
  const data = join(cluster.dir, 'data');
  const owner = statSync(data);
  for (const name of ['server.key', 'server.crt']) {
    copyFileSync(join(certs(), name), join(data, name));
    chownSync(join(data, name), owner.uid, owner.gid);
    chmodSync(join(data, name), 0o600);
  }
  const admin = new pg.Client(cluster.url);
  await admin.connect();
  try {
    await admin.query('ALTER SYSTEM SET ssl = on');
    await admin.query('SELECT pg_reload_conf()');
    await admin.query('CREATE TABLE kept (v text)');
    await admin.query("INSERT INTO kept VALUES ('in the dump')");
  } finally {
    await admin.end();
  }
  writeFileSync(
    join(fakeBin(), 'pg_dump'),
    [
      '#!/bin/sh',
      `printf '%s\\n' "$@" > '${record()}/args'`,
      `env > '${record()}/env'`,
      'if [ -n "$PGSERVICEFILE" ]; then',
      `  stat -c %a "$PGSERVICEFILE" > '${record()}/service-mode'`,
      `  stat -c %a "$(dirname "$PGSERVICEFILE")" > '${record()}/service-dir-mode'`,
      `  echo "$PGSERVICEFILE" > '${record()}/service-file'`,
      'fi',
      `exec '${findPgDump()}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
}, SETUP_MS);

afterAll(async () => {
  await cluster?.stop();
  tmp.cleanup();
});

/** `backup` of the cluster's database through `query`, with the recording pg_dump first on the PATH. */
function backup(query: string, out: string) {
  const url = `${cluster.url}?${query}`;
  return runCli(['--db', url, 'backup', '--out', out], { env: { PATH: `${fakeBin()}:${process.env.PATH}` } });
}

const recorded = (name: string) => readFileSync(join(record(), name), 'utf8');
const clientCert = () => `sslcert=${join(certs(), 'client.crt')}&sslkey=${join(certs(), 'client.key')}`;

describe('backup with TLS options, or a Unix socket, in the address', () => {
  it('removes the service file and the partial dump, and stops pg_dump, when it is stopped with SIGTERM or Ctrl-C (SIGINT)', { timeout: PROCESSES_TEST_MS }, async () => {
    // A pg_dump that says where its service file is, starts its output file, then waits to be stopped.
    const slowBin = join(tmp.dir, 'slow-bin');
    mkdirSync(slowBin);
    writeFileSync(
      join(slowBin, 'pg_dump'),
      [
        '#!/bin/sh',
        `echo "$PGSERVICEFILE" > '${record()}/slow-service-file'`,
        'for a in "$@"; do case "$a" in --file=*) echo started > "${a#--file=}";; esac; done',
        // Written last and renamed into place, so a reader never sees it half-written or before the rest.
        `echo $$ > '${record()}/slow-pid.tmp' && mv '${record()}/slow-pid.tmp' '${record()}/slow-pid'`,
        'exec sleep 60',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const outDir = join(tmp.dir, `stopped-${signal}`);
      mkdirSync(outDir);
      for (const marker of ['slow-service-file', 'slow-pid']) rmSync(join(record(), marker), { force: true });
      const [command, argv] = cliCommand(['--db', `${cluster.url}?sslpassword=${encodeURIComponent(PASSPHRASE)}`, 'backup', '--out', join(outDir, 'b.dump')]);
      const cli = spawn(command, argv, { cwd: ROOT, env: { ...process.env, ...CLI_RUNTIME_ENV, PATH: `${slowBin}:${process.env.PATH}` }, stdio: 'ignore' });
      const ended = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
      // Waits for pg_dump to have started (its last marker exists; the CLI creates the partial file
      // itself before pg_dump runs, so that file says nothing about pg_dump): no fixed pause.
      while (!existsSync(join(record(), 'slow-pid'))) await new Promise((r) => setTimeout(r, 100));
      expect(readdirSync(outDir).some((f) => f.includes('.partial-'))).toBe(true);
      const serviceFile = readFileSync(join(record(), 'slow-service-file'), 'utf8').trim();
      expect(existsSync(serviceFile)).toBe(true);
      cli.kill(signal);
      expect(await ended).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(existsSync(dirname(serviceFile)), signal).toBe(false);
      expect(readdirSync(outDir), signal).toEqual([]);
      // pg_dump (the same process after its exec) was stopped too: gone, or a zombie waiting for its reaper.
      const pid = readFileSync(join(record(), 'slow-pid'), 'utf8').trim();
      const running = () => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      for (const until = Date.now() + PROCESS_EXIT_MS; running() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
      expect(running(), `pg_dump of ${basename(outDir)} still running`).toBe(false);
    }
  });

  it("hands the key's passphrase to pg_dump in a private service file, never on its command line, and removes the file", { timeout: PROCESSES_TEST_MS }, () => {
    const out = join(tmp.dir, 'with-key.dump');
    const r = backup(`sslmode=require&${clientCert()}&sslpassword=${encodeURIComponent(PASSPHRASE)}`, out);
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const args = recorded('args');
    expect(args).toContain('--dbname=postgres://');
    expect(args).toContain('sslmode=require');
    expect(args).not.toContain('sslpassword');
    expect(args).not.toContain('Key-pass');
    expect(recorded('env')).not.toContain('Key-pass');
    expect(recorded('service-mode').trim()).toBe('600');
    expect(recorded('service-dir-mode').trim()).toBe('700');
    expect(existsSync(recorded('service-file').trim())).toBe(false);
    expect(existsSync(dirname(recorded('service-file').trim()))).toBe(false);
    expect(r.stdout + r.stderr).not.toContain('Key-pass');
    const list = spawnSync(join(dirname(findPgDump()), 'pg_restore'), ['--list', out], { encoding: 'utf8' });
    expect(list.stdout).toMatch(/TABLE DATA public kept/);
  });

  it('fails, without echoing it, when the passphrase is wrong: the key is really read with it', { timeout: PROCESSES_TEST_MS }, () => {
    const out = join(tmp.dir, 'wrong-key.dump');
    const r = backup(`sslmode=require&${clientCert()}&sslpassword=Key-pass-wrong`, out);
    expectUsageError(r, 'pg_dump could not back up', /private key/);
    expect(r.stderr).not.toContain('Key-pass-wrong');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(recorded('service-file').trim())).toBe(false);
  });

  it("takes node-postgres's sslmode=no-verify as libpq's sslmode=require (TLS, certificate unchecked)", { timeout: PROCESSES_TEST_MS }, () => {
    const out = join(tmp.dir, 'unchecked-tls.dump');
    const r = backup('sslmode=no-verify', out);
    expect(r.status, r.stderr).toBe(0);
    expect(recorded('args')).toContain('sslmode=require');
    expect(recorded('args')).not.toContain('no-verify');
  });

  it("leaves out node-postgres's own statement timeouts, which libpq does not know", { timeout: PROCESSES_TEST_MS }, () => {
    const r = backup('statement_timeout=5000&application_name=nightly', join(tmp.dir, 'timeouts.dump'));
    expect(r.status, r.stderr).toBe(0);
    expect(recorded('args')).not.toContain('statement_timeout');
    expect(recorded('args')).toContain('application_name=nightly');
  });

  it('backs up through the Unix socket (an address with nothing after the @, which is no URL to WHATWG)', { timeout: PROCESSES_TEST_MS }, () => {
    const out = join(tmp.dir, 'socket.dump');
    const url = `postgres://postgres@/velocity_test?host=${join(cluster.dir, 'sock')}&port=${cluster.port}`;
    const r = runCli(['--db', url, 'backup', '--out', out], { env: { PATH: `${fakeBin()}:${process.env.PATH}` } });
    expect(r.status, r.stderr).toBe(0);
    expect(recorded('args')).toContain('--dbname=postgres://postgres@/velocity_test?host=');
    expect(statSync(out).size).toBeGreaterThan(0);
  });

  it('refuses ssl=true, which libpq does not know, saying what to write instead', () => {
    const out = join(tmp.dir, 'ssl-true.dump');
    expectUsageError(backup('ssl=true', out), 'ssl=…, an option of node-postgres that pg_dump does not know', 'sslmode=verify-full', 'sslmode=require');
    expect(existsSync(out)).toBe(false);
  });

  it('says where to look when pg_dump refuses another option only node-postgres knows', () => {
    expectUsageError(backup('keepAlive=true', join(tmp.dir, 'unknown.dump')), /invalid URI query parameter/, 'libpq, which does not know every option node-postgres takes');
  });
});
