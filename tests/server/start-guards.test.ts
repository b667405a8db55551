import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/server/paths.ts';
import { occupyPort } from '../helpers/ports.ts';
import { tempDir } from '../helpers/temp-db.ts';

const tmp = tempDir('velocity-start-guards-');
afterAll(() => tmp.cleanup());

describe('npm start on a port already taken', () => {
  // A second start used to seed and rebuild dist/ under the running server (its pages then linked stylesheets that were gone).
  it('stops with exit 2 and the port named before it opens, seeds or builds anything', async () => {
    const { server, port } = await occupyPort();
    try {
      const dbPath = join(tmp.dir, 'never.sqlite');
      const child = spawn(process.execPath, ['scripts/start.mjs'], {
        cwd: projectRoot(),
        env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: dbPath, DEMO_PARTICIPANTS: '50' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, out).toBe(2);
      expect(out).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(out).not.toContain('Building');
      expect(out).not.toContain('Seeded');
      expect(existsSync(dbPath)).toBe(false);
    } finally {
      server.close();
    }
  }, 120_000);
});

describe('npm run cli on an old Node', () => {
  it('runs the Node check before the CLI loads better-sqlite3 (which would crash without a word)', () => {
    const scripts = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.cli).toMatch(/^node scripts\/check-node\.mjs && /);
    const old = spawnSync(process.execPath, ['scripts/check-node.mjs'], { cwd: projectRoot(), env: { ...process.env, VELOCITY_CHECK_NODE_VERSION: '20.19.0' }, encoding: 'utf8' });
    expect(old.status).toBe(2);
    expect(old.stderr).toContain('needs Node 22.12 or newer');
    expect(old.stderr).toContain('scripts/use-node24.sh');
    const current = spawnSync(process.execPath, ['scripts/check-node.mjs'], { cwd: projectRoot(), encoding: 'utf8' });
    expect(current.status).toBe(0);
  });
});
