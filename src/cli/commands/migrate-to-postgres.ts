import { Command } from 'commander';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { describePgUrl } from '../../../db/pg/client.ts';
import { groupThousands } from '../../domain/number-format.ts';
import { copySqliteToPg, TargetNotEmptyError, verifyCopy } from '../../server/data/copy-to-postgres.ts';
import { looksLikeAddress } from '../../server/data/address-like.ts';
import { isPostgresUrl, openPgStore } from '../../server/data/open.ts';
import { pgErrorSummary } from '../../server/data/store.ts';
import { openMigrated } from '../../server/db.ts';
import { config } from '../../server/config.ts';
import { UsageError } from '../errors.ts';

/**
 * `migrate-to-postgres --from data/velocity.sqlite --to postgres://…`: moves
 * a site from SQLite to PostgreSQL. The SQLite file is brought up to date
 * first (as every command does), copied whole in one transaction, and the
 * copy checked: row counts per table, and a sample of participants' scores
 * recomputed from the copied answers. Exit 1 when the check finds a
 * difference (the copy stays: look at it, or run again with --force).
 */
export function migrateToPostgresCommand() {
  return new Command('migrate-to-postgres')
    .description('Copy a SQLite database into an empty PostgreSQL database, then check the copy (row counts, recomputed scores of a sample).')
    .requiredOption('--from <file>', 'the SQLite database to copy (stop the site first, or its later saves are not in the copy)')
    .option('--to <url>', 'the PostgreSQL database, postgres://user:password@host:5432/velocity (created beforehand, may be empty); without it, DATABASE_URL, which keeps the password off the command line')
    .option('--force', 'replace what the PostgreSQL database holds (participants, consultants, studies) with the copy')
    .action(async (given: { from: string; to?: string; force?: boolean }) => {
      const to = given.to ?? config().DATABASE_URL;
      if (to === undefined) throw new UsageError('say where to copy to: --to postgres://user:password@host:5432/velocity, or set DATABASE_URL (which keeps the password off the command line)');
      const opts = { ...given, to };
      // An address here is --from and --to swapped, or a typo: not repeated (it may hold a password).
      if (looksLikeAddress(opts.from)) throw new UsageError('--from must be the SQLite file to copy, such as data/velocity.sqlite; the value given reads as a database address (the PostgreSQL one goes in --to)');
      if (!existsSync(opts.from)) throw new UsageError(`there is no SQLite database at ${opts.from}`);
      const notSqlite = notASqliteFile(opts.from);
      if (notSqlite) throw new UsageError(`--from ${opts.from} ${notSqlite}`);
      if (!isPostgresUrl(opts.to)) throw new UsageError('--to must be a PostgreSQL address such as postgres://user:password@host:5432/velocity');
      const target = describePgUrl(opts.to);
      const source = openMigrated(opts.from);
      let store;
      try {
        // No statement timeout: one batch of a large table may take longer than a page's query.
        store = await openPgStore(opts.to, { max: 2, statementTimeoutMs: 0 });
        const started = performance.now();
        try {
          await copySqliteToPg(source.db, store, {
            force: opts.force,
            onTable: ({ table, rows }) => console.log(`  copied ${table}: ${groupThousands(rows)} row${rows === 1 ? '' : 's'}`),
          });
        } catch (e) {
          if (e instanceof TargetNotEmptyError) throw new UsageError(`the database ${target} is not empty: ${e.message}; add --force to replace everything in it with the copy`);
          throw new Error(`the copy into ${target} failed and was rolled back (nothing of it was kept): ${pgErrorSummary(e)}`);
        }
        console.log(`Copied ${opts.from} to ${target} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
        const check = await verifyCopy(source.db, store);
        const rows = check.counts.reduce((n, c) => n + c.pg, 0);
        console.log(`Check: ${check.counts.length} tables, ${groupThousands(rows)} rows in all; scores of ${check.sampled} participant${check.sampled === 1 ? '' : 's'} recomputed from their copied answers.`);
        if (check.mismatches.length > 0) {
          for (const m of check.mismatches.slice(0, 20)) console.log(`  MISMATCH ${m}`);
          if (check.mismatches.length > 20) console.log(`  … and ${check.mismatches.length - 20} more`);
          console.log('Result: MISMATCH — the copy differs from the SQLite database (see above).');
          process.exitCode = 1;
        } else {
          console.log('Result: OK — every table has the same rows in both, and every sampled score matches.');
        }
      } finally {
        source.db.$client.close();
        await store?.pool.end();
      }
    });
}

/**
 * Why `path` is not a SQLite database, or null when its header says it is
 * one: a folder, or another kind of file (a PostgreSQL backup of `backup`,
 * say) would otherwise be reported as a damaged database to restore.
 */
function notASqliteFile(path: string): string | null {
  if (statSync(path).isDirectory()) return 'is a folder: give the SQLite database file in it, such as data/velocity.sqlite';
  const header = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') === 'SQLite format 3\0') return null;
  if (header.subarray(0, 5).toString('latin1') === 'PGDMP') return 'is a PostgreSQL backup (made by `backup` on PostgreSQL), not a SQLite database: restore it with pg_restore instead';
  return 'is not a SQLite database: give the file the site ran on, such as data/velocity.sqlite';
}
