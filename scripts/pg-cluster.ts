/**
 * A throwaway PostgreSQL cluster for the pg test run and CI: a new folder
 * under the system's temporary folder, owned by an unprivileged user when
 * run as root (PostgreSQL refuses to run as root), trust authentication on
 * the local socket and loopback only, listening on 127.0.0.1 on a free port,
 * fsync on. Gone again after `stop`.
 *
 *   node scripts/pg-cluster.ts start          prints the URL of its database velocity_test
 *   node scripts/pg-cluster.ts stop <folder or URL>
 *   node scripts/pg-cluster.ts check          prints where PostgreSQL's programs are, or fails
 *
 * Tests use startCluster() (tests/pg-global-setup.ts). Loaded by Node's type
 * stripping or tsx, so no parameter properties and no enums.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { freePort } from './site-process.ts';

export const TEST_DATABASE = 'velocity_test';
/** The superuser initdb creates, whatever the system user running the server. */
export const SUPERUSER = 'postgres';
/** Every cluster folder starts with this, so `stop <URL>` can find the one on a port. */
const FOLDER_PREFIX = 'velocity-pg-';
const INSTALL_HINT = "install Debian's postgresql package (apt-get install -y postgresql)";

export interface Cluster {
  /** postgres://postgres@127.0.0.1:<port>/velocity_test */
  url: string;
  /** The same server's maintenance database (postgres), for CREATE DATABASE. */
  adminUrl: string;
  /** The cluster's folder: data/, the socket folder sock/ and the server's log. */
  dir: string;
  port: number;
  /** pg_ctl stop -m fast, then the folder is removed. */
  stop: () => Promise<void>;
}

export class PgClusterError extends Error {}

function versionOf(dir: string): number {
  return Number.parseFloat(dir) || 0;
}

/**
 * The folder holding initdb and pg_ctl: PG_BINDIR when set, `pg_config
 * --bindir`, Debian's /usr/lib/postgresql/<newest>/bin, or the PATH.
 */
export function findPgBinDir(where: { env?: Record<string, string | undefined>; debianRoot?: string } = {}): string {
  const env = where.env ?? process.env;
  const candidates: string[] = [];
  if (env.PG_BINDIR) candidates.push(env.PG_BINDIR);
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8', env });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  const debian = where.debianRoot ?? '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+(\.\d+)?$/.test(v));
    candidates.push(...versions.sort((a, b) => versionOf(b) - versionOf(a)).map((v) => join(debian, v, 'bin')));
  }
  candidates.push(...(env.PATH ?? '').split(delimiter).filter(Boolean));
  const found = candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
  if (!found) throw new PgClusterError(`PostgreSQL's server programs (initdb, pg_ctl) were not found: ${INSTALL_HINT}`);
  return found;
}

/** Who runs the server: the current user, or when that is root, Debian's postgres system user (else nobody). */
function serverUser(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { name, uid: Number(uid.stdout), gid: Number(gid.stdout) };
  }
  throw new PgClusterError(`running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as: ${INSTALL_HINT}`);
}

/** Runs one of PostgreSQL's programs as the server's user. */
function run(user: ReturnType<typeof serverUser>, program: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const [command, commandArgs] = user ? ['runuser', ['-u', user.name, '--', program, ...args]] : [program, args];
  const result = spawnSync(command, commandArgs, { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (result.error) throw new PgClusterError(`${program} could not be run: ${result.error.message}`);
  return result;
}

function output(result: SpawnSyncReturns<string>): string {
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
}

function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').slice(-20).join('\n') : '(no log)';
}

function stopIn(dir: string): void {
  const data = join(dir, 'data');
  if (existsSync(join(data, 'postmaster.pid'))) {
    const user = serverUser();
    const stopped = run(user, join(findPgBinDir(), 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'], dir);
    if (stopped.status !== 0) process.stderr.write(`pg-cluster: pg_ctl stop failed, removing ${dir} all the same:\n${output(stopped)}\n`);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Makes a new cluster, starts it and creates the database velocity_test. */
export async function startCluster(): Promise<Cluster> {
  const bin = findPgBinDir();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), FOLDER_PREFIX));
  try {
    const data = join(dir, 'data');
    const sock = join(dir, 'sock');
    mkdirSync(sock);
    if (user) for (const path of [dir, sock]) chownSync(path, user.uid, user.gid);
    // No locale: text sorts by bytes, as SQLite's BINARY collation does. --no-sync only skips flushing initdb's own files.
    const init = run(user, join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync', '--no-instructions'], dir);
    if (init.status !== 0) throw new PgClusterError(`initdb failed in ${data}:\n${output(init)}`);
    // Trust only on this machine's socket and loopback address (the server listens on nothing else).
    writeFileSync(join(data, 'pg_hba.conf'), ['local all all trust', 'host all all 127.0.0.1/32 trust', 'local replication all trust', 'host replication all 127.0.0.1/32 trust', ''].join('\n'));
    const log = join(dir, 'server.log');
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      appendFileSync(
        join(data, 'postgresql.conf'),
        [
          '',
          '# pg-cluster.ts: a throwaway cluster for tests (the last setting of a name wins)',
          "listen_addresses = '127.0.0.1'",
          `port = ${port}`,
          `unix_socket_directories = '${sock}'`,
          // Durable commits, as in production: the durability tests rely on them.
          'fsync = on',
          'synchronous_commit = on',
          'full_page_writes = on',
          // Several app servers with pools of their own, and test files in parallel.
          'max_connections = 200',
          '',
        ].join('\n'),
      );
      const started = run(user, join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '120', 'start'], dir);
      if (started.status === 0) {
        const cluster = clusterAt(dir, port);
        await createDatabase(cluster.adminUrl, TEST_DATABASE);
        return cluster;
      }
      // The port was taken between picking and listening: try another.
      if (attempt < 3 && /could not bind|address already in use/i.test(readLog(log))) continue;
      throw new PgClusterError(`PostgreSQL did not start (${dir}):\n${output(started)}\n${readLog(log)}`);
    }
  } catch (e) {
    stopIn(dir);
    throw e;
  }
}

function clusterAt(dir: string, port: number): Cluster {
  const base = `postgres://${SUPERUSER}@127.0.0.1:${port}`;
  return { url: `${base}/${TEST_DATABASE}`, adminUrl: `${base}/postgres`, dir, port, stop: async () => stopIn(dir) };
}

/** CREATE DATABASE name, through the maintenance database at adminUrl. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The folder of the cluster `stop` was given: a folder, or the URL of one of these clusters (found by its port). */
function folderOf(target: string): string {
  if (!URL.canParse(target) || !target.startsWith('postgres')) return target;
  const port = new URL(target).port;
  const folders = readdirSync(tmpdir())
    .filter((f) => f.startsWith(FOLDER_PREFIX))
    .map((f) => join(tmpdir(), f));
  const found = folders.find((f) => {
    const conf = join(f, 'data', 'postgresql.conf');
    return existsSync(conf) && [...readFileSync(conf, 'utf8').matchAll(/^port = (\d+)$/gm)].at(-1)?.[1] === port;
  });
  if (!found) throw new PgClusterError(`no cluster of pg-cluster.ts listens on port ${port}`);
  return found;
}

async function main(args: string[]): Promise<void> {
  const [command, target] = args;
  if (command === 'start') {
    const cluster = await startCluster();
    process.stdout.write(`${cluster.url}\n`);
    // The URL, as the README says; the folder works as well.
    process.stderr.write(`pg-cluster: running in ${cluster.dir}; stop it with: node scripts/pg-cluster.ts stop ${cluster.url}\n`);
  } else if (command === 'stop' && target) {
    stopIn(folderOf(target));
  } else if (command === 'check') {
    process.stdout.write(`${findPgBinDir()}\n`);
  } else {
    process.stderr.write('usage: node scripts/pg-cluster.ts start | stop <folder or URL> | check\n');
    process.exitCode = 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`pg-cluster: ${e instanceof PgClusterError ? e.message : (e as Error).stack}\n`);
    process.exitCode = 1;
  });
}
