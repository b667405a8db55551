import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { findPgBinDir, startCluster } from '../../scripts/pg-cluster.ts';

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

function uidOf(pid: number): number {
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.destroy() !== undefined));
    socket.once('error', () => resolve(false));
  });
}

/** The throwaway cluster of scripts/pg-cluster.ts, as tests/pg-global-setup.ts started it. */
describe('the test cluster', () => {
  it('serves velocity_test on 127.0.0.1 only, durably, as an unprivileged user', async () => {
    const url = inject('pgUrl');
    expect(url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/velocity_test$/);
    const [settings] = await query<{ fsync: string; listen: string; db: string; pidFile: string; sync: string }>(
      url,
      "SELECT current_setting('fsync') AS fsync, current_setting('listen_addresses') AS listen, current_setting('synchronous_commit') AS sync, current_database() AS db, pg_read_file('postmaster.pid') AS \"pidFile\"",
    );
    expect(settings).toMatchObject({ fsync: 'on', listen: '127.0.0.1', sync: 'on', db: 'velocity_test' });
    // The server process (the first line of postmaster.pid) is not root's, even when the tests run as root.
    expect(uidOf(Number(settings!.pidFile.split('\n')[0]))).not.toBe(0);
    // Trust on loopback only: no rule lets another address in.
    const rules = await query<{ type: string; address: string | null }>(url, 'SELECT type, address FROM pg_hba_file_rules');
    expect(rules.filter((r) => r.type !== 'local').map((r) => r.address)).toEqual(['127.0.0.1', '127.0.0.1']);
  });

  it('stops and leaves nothing behind', async () => {
    const cluster = await startCluster();
    expect(await query(cluster.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await cluster.stop();
    expect(existsSync(cluster.dir)).toBe(false);
    expect(await listening(cluster.port)).toBe(false);
  });
});

describe('finding PostgreSQL', () => {
  it.skipIf(!existsSync('/usr/lib/postgresql'))('finds Debian\'s programs with neither pg_config nor initdb on the PATH', () => {
    expect(findPgBinDir({ env: { PATH: '/nonexistent' } })).toMatch(/^\/usr\/lib\/postgresql\/[\d.]+\/bin$/);
  });

  it('says what to install when there is none', () => {
    expect(() => findPgBinDir({ env: { PATH: '/nonexistent' }, debianRoot: '/nonexistent' })).toThrow(
      "PostgreSQL's server programs (initdb, pg_ctl) were not found: install Debian's postgresql package (apt-get install -y postgresql)",
    );
  });
});
