import { afterAll, describe, expect, it } from 'vitest';

type Lifecycle = typeof import('../../src/server/lifecycle.ts');
const copy = (name: string) => import(/* @vite-ignore */ `../../src/server/lifecycle.ts?copy=${name}`) as Promise<Lifecycle>;

/**
 * Issue 14: the server (scripts/serve.ts, loaded from source) and the built
 * site it imports (with its own bundled copy of src/server/lifecycle.ts)
 * share one list of shutdown tasks. Two imports of the file under different
 * URLs stand for the two copies.
 */
// The registry lives on globalThis: leave none behind that says "stopping" to a later test file in this worker.
afterAll(() => {
  delete (globalThis as Record<symbol, unknown>)[Symbol.for('velocity.lifecycle')];
});

describe('the shutdown registry', () => {
  it('runs the tasks registered through another copy of the module, the last registered first, and each once', async () => {
    const server = await copy('server');
    const site = await copy('site');
    expect(server).not.toBe(site);
    const ran: string[] = [];
    site.onShutdown('database', () => {
      ran.push('database');
    });
    site.onShutdown('mail loop', async () => {
      await new Promise((r) => setTimeout(r, 10));
      ran.push('mail loop');
    });
    site.onShutdown('failing step', () => {
      throw new Error('disk gone');
    });
    const log: string[] = [];
    expect(server.shuttingDown()).toBe(false);
    await server.runShutdown((line) => log.push(line));
    expect(ran).toEqual(['mail loop', 'database']);
    expect(log).toEqual(['velocity: shutdown step "failing step" failed: disk gone']);
    expect(site.shuttingDown()).toBe(true);
    await server.runShutdown();
    expect(ran).toEqual(['mail loop', 'database']);
  });
});
