import type { TestProject } from 'vitest/node';
import { buildIsStale, buildSite } from '../scripts/build-state.ts';
import { projectRoot } from '../src/server/paths.ts';
import { bundleCli } from './helpers/cli-bundle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The CLI bundled from the current sources (tests/helpers/cli-bundle.ts), which tests/helpers/cli.ts spawns. */
    cliBundle: string;
  }
}

/**
 * Builds the site once, before any test file starts a server from it, so no
 * two builds race; then bundles the CLI once for every file that spawns it.
 */
export default async function setup(project: TestProject): Promise<void> {
  const root = projectRoot();
  if (buildIsStale(root)) {
    const failure = buildSite(root, 'pipe');
    if (failure) throw new Error(`the site build failed:\n${failure}`);
  }
  project.provide('cliBundle', await bundleCli());
}
