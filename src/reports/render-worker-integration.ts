import type { AstroIntegration } from 'astro';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeWorkerBundle } from './worker-bundle.ts';

/**
 * The PDF render pool's worker (render-pool.ts) runs from a file of its own,
 * which Astro's build knows nothing of: once the server is built, this writes
 * the worker's bundle beside it (dist/server/render-worker.mjs).
 */
export function renderWorkerIntegration(): AstroIntegration {
  let serverDir = '';
  return {
    name: 'velocity-render-worker',
    hooks: {
      'astro:config:done': ({ config }) => {
        serverDir = fileURLToPath(config.build.server);
      },
      'astro:build:done': async () => {
        await writeWorkerBundle(join(serverDir, 'render-worker.mjs'));
      },
    },
  };
}
