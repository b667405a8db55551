import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../scripts/pg-cluster.ts';
import { findPgDump } from '../../src/cli/commands/backup.ts';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { PROCESSES_TEST_MS, SETUP_MS } from '../helpers/limits.ts';
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
