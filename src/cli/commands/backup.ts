import Database from 'better-sqlite3';
import { Command } from 'commander';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createPrivateFile, ensurePrivateDir } from '../../../db/client.ts';
import { withoutPasswords } from '../../../db/pg/client.ts';
import { groupThousands } from '../../domain/number-format.ts';
import { databaseLabel, databasePath, onPostgres } from '../context.ts';
import { UsageError } from '../errors.ts';
import { pgDumpTarget } from '../pg-dump-target.ts';
import { privateService, type PrivateService } from '../pg-service-file.ts';

/** Pages copied per step (4 KB each): large steps finish before a busy server's next write restarts the copy. */
const PAGES_PER_STEP = 4096;

const sameFile = (a: string, b: string) => existsSync(a) && existsSync(b) && realpathSync(a) === realpathSync(b);

/**
 * `backup --out file`: a consistent copy of the database while the server
 * keeps running, with SQLite's online backup (better-sqlite3's
 * `db.backup()`). The copy is written to a private (0600) file beside the
 * target and renamed over it only when complete, so the target is never a
 * half-written database.
 */
export function backupCommand() {
  return new Command('backup')
    .description(
      'Copy the database to a file while the server runs (SQLite online backup; on PostgreSQL pg_dump --format=custom, restored with pg_restore); the copy is readable by its owner only.',
    )
    .requiredOption('--out <file>', 'the backup file to write')
    .option('--force', 'replace the file if it exists')
    .action(async (opts: { out: string; force?: boolean }, cmd: Command) => {
      const source = databasePath(cmd);
      const out = resolve(opts.out);
      if (onPostgres(cmd)) {
        await pgBackup(source, out, opts, databaseLabel(cmd));
        return;
      }
      if (!existsSync(source)) throw new UsageError(`there is no database at ${source} to back up`);
      if (sameFile(source, out) || [`${source}-wal`, `${source}-shm`].some((f) => resolve(f) === out)) {
        throw new UsageError(`--out ${opts.out} is the database itself: choose another file`);
      }
      if (existsSync(out) && !opts.force) throw new UsageError(`${opts.out} exists: choose another file or add --force to replace it`);
      ensurePrivateDir(dirname(out));
      const partial = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
      createPrivateFile(partial);
      const started = performance.now();
      const db = new Database(source, { readonly: true, fileMustExist: true });
      try {
        db.pragma('busy_timeout = 5000');
        await db.backup(partial, { progress: () => PAGES_PER_STEP });
      } catch (e) {
        rmSync(partial, { force: true });
        throw e;
      } finally {
        db.close();
      }
      // The copy carries the database's WAL mode; as a rollback-journal database it is one self-contained file.
      const copy = new Database(partial, { fileMustExist: true });
      copy.pragma('journal_mode = DELETE');
      const { n } = copy.prepare('SELECT count(*) AS n FROM participants').get() as { n: number };
      copy.close();
      chmodSync(partial, 0o600);
      renameSync(partial, out);
      console.log(
        `Backed up ${source} to ${out} (${groupThousands(n)} participant${n === 1 ? '' : 's'}) in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
      );
    });
}

/**
 * The PostgreSQL backup: `pg_dump --format=custom` of the whole database,
 * one consistent snapshot taken while the servers keep writing (pg_dump reads
 * in one REPEATABLE READ transaction), compressed, restorable with
 * `pg_restore` (README, PostgreSQL). Written to a private file beside the
 * target and renamed over it once pg_dump succeeded. No secret goes on
 * pg_dump's command line (which `ps` shows to every user): the password
 * through PGPASSWORD, and a client key's passphrase (sslpassword, for which
 * libpq reads no variable) through a service file of its own, private
 * (0600, in a 0700 folder) and removed when pg_dump ends.
 */
async function pgBackup(url: string, out: string, opts: { out: string; force?: boolean }, label: string): Promise<void> {
  if (existsSync(out) && !opts.force) throw new UsageError(`${opts.out} exists: choose another file or add --force to replace it`);
  const pgDump = findPgDump();
  ensurePrivateDir(dirname(out));
  const partial = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
  createPrivateFile(partial);
  const started = performance.now();
  let service: PrivateService | null = null;
  let child: ChildProcess | undefined;
  // Ctrl-C or a SIGTERM would otherwise end this process before the finally below, leaving the service file
  // (with the key's passphrase) and the partial dump behind, and pg_dump running on without it.
  const interrupted = (signal: NodeJS.Signals) => {
    child?.kill('SIGTERM');
    service?.remove();
    rmSync(partial, { force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const { dbname, password, sslPassword } = pgDumpTarget(url);
    service = sslPassword ? privateService({ sslpassword: sslPassword }) : null;
    const env = {
      ...process.env,
      ...(password ? { PGPASSWORD: password } : {}),
      ...(service ? { PGSERVICEFILE: service.file, PGSERVICE: service.name } : {}),
    };
    const failure = await run(pgDump, ['--format=custom', '--no-password', `--file=${partial}`, `--dbname=${dbname}`], env, (c) => (child = c));
    if (failure !== null) {
      const reason = withoutPasswords(failure, url);
      throw new UsageError(`pg_dump could not back up ${label}: ${reason}${libpqHint(reason)}`);
    }
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    service?.remove();
  }
  chmodSync(partial, 0o600);
  renameSync(partial, out);
  console.log(
    `Backed up ${label} to ${out} (${groupThousands(Math.round(statSync(out).size / 1024))} KB, pg_dump custom format: restore with pg_restore) in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  );
}

/**
 * What to do when pg_dump refused an option of the address that node-postgres
 * takes (pg_dump reads it with libpq, PostgreSQL's own client library).
 */
function libpqHint(reason: string): string {
  if (!/invalid URI query parameter|invalid \w+ value|invalid connection option/i.test(reason)) return '';
  return ' (pg_dump reads the address with libpq, which does not know every option node-postgres takes: see the README, PostgreSQL, Backups)';
}

/**
 * pg_dump on the PATH, else the newest of Debian's versioned folders
 * (/usr/lib/postgresql/<major>/bin, where postgresql-client puts it without
 * a link when only the server package's binaries are wanted).
 */
export function findPgDump(env: Record<string, string | undefined> = process.env, debianRoot = '/usr/lib/postgresql'): string {
  for (const dir of (env.PATH ?? '').split(':').filter(Boolean)) {
    if (existsSync(join(dir, 'pg_dump'))) return join(dir, 'pg_dump');
  }
  const majors = existsSync(debianRoot) ? readdirSync(debianRoot).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const major of majors) {
    const candidate = join(debianRoot, major, 'bin', 'pg_dump');
    if (existsSync(candidate)) return candidate;
  }
  throw new UsageError(
    "pg_dump was not found: a PostgreSQL backup needs PostgreSQL's client programs, of the server's major version or newer (Debian: apt-get install -y postgresql-client)",
  );
}

/** Runs a program to its end; null when it succeeded, else its last line of error output (or how it ended). */
function run(program: string, args: string[], env: NodeJS.ProcessEnv, started: (child: ChildProcess) => void): Promise<string | null> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    started(child);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) return resolvePromise(null);
      const last = stderr.trim().split('\n').at(-1)?.replace(/^pg_dump: (error: )?/, '');
      resolvePromise(last || (signal ? `killed by ${signal}` : `exit code ${code}`));
    });
  });
}
