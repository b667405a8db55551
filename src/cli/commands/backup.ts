import Database from 'better-sqlite3';
import { Command } from 'commander';
import { chmodSync, existsSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createPrivateFile, ensurePrivateDir } from '../../../db/client.ts';
import { groupThousands } from '../../domain/number-format.ts';
import { databasePath } from '../context.ts';
import { UsageError } from '../errors.ts';

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
    .description('Copy the database to a file while the server runs (SQLite online backup); the copy is readable by its owner only.')
    .requiredOption('--out <file>', 'the backup file to write')
    .option('--force', 'replace the file if it exists')
    .action(async (opts: { out: string; force?: boolean }, cmd: Command) => {
      const source = databasePath(cmd);
      const out = resolve(opts.out);
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
