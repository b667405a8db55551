import { buildIsStale, buildSite } from '../scripts/build-state.ts';
import { projectRoot } from '../src/server/paths.ts';

/** Builds the site once, before any test file starts a server from it, so no two builds race. */
export default function setup(): void {
  const root = projectRoot();
  if (!buildIsStale(root)) return;
  const failure = buildSite(root, 'pipe');
  if (failure) throw new Error(`the site build failed:\n${failure}`);
}
