import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentNamedFile } from './content-named-file.ts';

/**
 * The render pool's worker is a file of its own (a thread starts from a
 * file), bundled from src/reports/render-worker.ts with esbuild: the site's
 * build writes it beside the built server (astro.config.mjs), and code run
 * from the sources (tests, the CLI, benchmarks) has it bundled here on first
 * use. Packages stay outside the bundle and are loaded from node_modules, as
 * the built server loads them.
 */
const WORKER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'render-worker.ts');

/** esbuild's output for the worker, as text. esbuild is a devDependency: only builds and source runs call this. */
async function bundle(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [WORKER_SOURCE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    jsx: 'automatic',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Writes the worker bundle to `file` (the site's build). */
export async function writeWorkerBundle(file: string): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, await bundle());
}

/**
 * The worker bundle of the current sources under `dir`, named by its content
 * so that runs of different sources never share one and a run never sees a
 * half-written file (written aside, then renamed).
 */
export async function workerBundleFromSources(dir: string): Promise<string> {
  return contentNamedFile(dir, 'render-worker', await bundle());
}
