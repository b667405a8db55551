import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { contentNamedFile } from '../../src/reports/content-named-file.ts';
import { cacheDir } from '../../src/server/paths.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

/**
 * The CLI's sources and packages bundled into one file that plain `node`
 * runs, for the tests that spawn the CLI (and the same for another script
 * a test starts as a process). Started with tsx, one CLI process
 * took about 3 s on this 2-core machine, nearly all of it loading drizzle-orm's
 * and the other packages' hundreds of small modules one by one; the bundle
 * starts in about 0.3 s. It is built from the current sources (once per run,
 * tests/global-setup.ts, or once per file under a config without that setup)
 * and named by its content, so a run never uses the code of another.
 *
 * Left outside: the native addons (better-sqlite3, pg-native, loaded from
 * node_modules as usual), and the packages that read files found beside
 * their own code: a thread's or a process's (piscina, esbuild), fonts
 * (pdfkit's standard fonts, through its package.json's "imports").
 */
const EXTERNAL = ['better-sqlite3', 'pg-native', 'piscina', 'esbuild', 'pdfkit'];

/**
 * Each of the project's files keeps its own import.meta.url, as under tsx:
 * the code finds the project root, its templates, the render worker's and the
 * seed worker's sources from it, which a bundle elsewhere would move.
 */
const ownUrls: Plugin = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.tsx?$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents: source, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
    });
  },
};

/** Builds the CLI's bundle of the current sources (unless that very bundle is already there) and returns its file. */
export const bundleCli = (): Promise<string> => bundleForNode(MAIN);

/** The same for another script a test runs as a process of its own (`entry`: its .ts file). */
export async function bundleForNode(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    jsx: 'automatic',
    external: EXTERNAL,
    // The CommonJS packages inside call require() for Node's own modules.
    banner: { js: "import { createRequire as __velocityRequire } from 'node:module'; const require = __velocityRequire(import.meta.url);" },
    plugins: [ownUrls],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return contentNamedFile(join(cacheDir(), 'test-cli'), basename(entry, '.ts'), code);
}
