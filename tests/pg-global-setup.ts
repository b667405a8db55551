import type { TestProject } from 'vitest/node';
import { startCluster } from '../scripts/pg-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's throwaway cluster: its database velocity_test (postgres://postgres@127.0.0.1:<port>/velocity_test). */
    pgUrl: string;
    /** The same server's maintenance database, for CREATE DATABASE (tests/helpers/pg.ts freshDatabase). */
    pgAdminUrl: string;
  }
}

/** One PostgreSQL cluster for the whole pg run (scripts/pg-cluster.ts), stopped and removed at the end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startCluster();
  project.provide('pgUrl', cluster.url);
  project.provide('pgAdminUrl', cluster.adminUrl);
  return cluster.stop;
}
