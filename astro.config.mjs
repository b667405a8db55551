// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  // Cross-origin form posts are refused (CSRF); never turn this off.
  security: { checkOrigin: true },
  server: { host: '127.0.0.1', port: 4321 },
  vite: {
    ssr: { external: ['better-sqlite3'] },
    // Never inline scripts: the Content-Security-Policy allows only scripts served from this origin.
    build: { assetsInlineLimit: 0 },
  },
});
