// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import { renderWorkerIntegration } from './src/reports/render-worker-integration.ts';

export default defineConfig({
  // The PDF render pool's worker file, written beside the built server.
  integrations: [renderWorkerIntegration()],
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  // Cross-origin form posts are refused (CSRF); never turn this off.
  security: { checkOrigin: true },
  server: { host: '127.0.0.1', port: 4321 },
  vite: {
    // drizzle-orm is bundled: loaded from node_modules, its 111 modules each make Node re-read its 180 KB
    // package.json, about 0.3 s of every start (bench/pdf.ts compiles its fresh-process run the same way).
    ssr: { external: ['better-sqlite3'], noExternal: ['drizzle-orm'] },
    // Never inline scripts: the Content-Security-Policy allows only scripts served from this origin.
    build: { assetsInlineLimit: 0 },
  },
});
