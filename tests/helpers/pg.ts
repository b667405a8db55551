import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase } from '../../scripts/pg-cluster.ts';

/**
 * A new empty database on the run's cluster (tests/pg-global-setup.ts), so
 * that no two tests share state; returns its URL. Dropped with the cluster.
 */
export function freshDatabase(label = 'test'): Promise<string> {
  return createDatabase(inject('pgAdminUrl'), `${label}_${randomBytes(6).toString('hex')}`);
}
