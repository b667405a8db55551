import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase } from '../../scripts/pg-cluster.ts';

/**
 * A new empty database on the run's cluster (tests/pg-global-setup.ts), so
 * that no two tests share state; returns its URL. Dropped with the cluster.
 */
export function freshDatabase(label = 'test'): Promise<string> {
  return createDatabase(inject('pgAdminUrl'), `${label}_${randomBytes(6).toString('hex')}`);
}

/** The `n` column of a one-row query, on a connection of its own (a check beside whatever the test's servers hold). */
export async function scalar(url: string, query: string): Promise<number> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query(query)).rows[0].n;
  } finally {
    await client.end();
  }
}
