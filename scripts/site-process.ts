import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { serverEntry, serverRuntimeEnv } from './build-state.ts';
import { projectRoot } from '../src/server/paths.ts';

export interface RunningSite {
  base: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
  /** kill -9: the server gets no chance to finish anything (crash tests). */
  kill: () => Promise<void>;
  /** The server's exit code once it exited (0 after a graceful stop), else null. */
  exitCode: () => number | null;
}

/**
 * How long stop() waits after SIGTERM before kill -9: the server's own grace
 * for requests in flight (SHUTDOWN_GRACE_SECONDS, 10 s) and its shutdown
 * steps, with room for a slow machine.
 */
const STOP_WAIT_MS = 20_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the built server (build it first: tests/global-setup.ts, npm start or buildSite) on a free port (or `fixedPort`, to start it again where it was) over the given database. */
export async function startSite(databasePath: string, env: Record<string, string> = {}, fixedPort?: number): Promise<RunningSite> {
  const port = fixedPort ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const server: ChildProcess = spawn(process.execPath, [serverEntry(projectRoot())], {
    cwd: projectRoot(),
    env: { ...process.env, ...serverRuntimeEnv(), HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: databasePath, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}:\n${output}`);
    try {
      await (await fetch(`${base}/`)).text();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`the server did not answer within 30 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    base,
    output: () => output,
    exitCode: () => server.exitCode,
    kill: async () => {
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, STOP_WAIT_MS))]);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    },
  };
}
