import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigrated } from '../../src/server/db.ts';
import type { SqliteStore } from '../../src/server/data/store.ts';

/** A folder of its own under the system temp dir, removed by `cleanup`. */
export function tempDir(prefix = 'velocity-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TempDb {
  db: SqliteStore;
  path: string;
  /** Closes the connection and removes the folder (WAL and SHM files included). */
  cleanup: () => void;
}

/** A fresh file database with every migration applied, as the server opens it. */
export function openTempDb(): TempDb {
  const { dir, cleanup } = tempDir('velocity-db-');
  const path = join(dir, 'test.sqlite');
  const db = openMigrated(path);
  return {
    db,
    path,
    cleanup: () => {
      if (db.db.$client.open) db.db.$client.close();
      cleanup();
    },
  };
}
