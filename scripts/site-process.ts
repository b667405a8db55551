import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { serverEntry, serverRuntimeEnv } from './build-state.ts';
import { projectRoot } from '../src/server/paths.ts';

export interface RunningSite {
  base: string;
  /** The server process (its peak memory is in /proc/<pid>/status). */
  pid: number;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
  /** kill -9: the server gets no chance to finish anything (crash tests). */
  kill: () => Promise<void>;
  /** The server's exit code once it exited (0 after a graceful stop), else null. */
  exitCode: () => number | null;
}

/** A port nothing listens on now (the OS picks it), for a server about to start. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * How long a server may take to start and warm up: generous, because on a
 * busy 2-core machine several test files start servers at once, and each
 * renders a sample report while it warms up.
 */
export const SERVER_START_LIMIT_MS = 180_000;

/**
 * How long stop() waits after SIGTERM before kill -9: the server's own grace
 * for requests in flight (SHUTDOWN_GRACE_SECONDS, 10 s) and its shutdown
 * steps, with room for a slow machine.
 */
export const SERVER_STOP_GRACE_MS = 20_000;

/**
 * One GET on a connection of its own, closed after the answer. The start-up
 * probes must not leave an idle keep-alive connection in fetch's pool: the
 * server warms its PDF renderer right after its first answer, blocking its
 * event loop for seconds on a busy machine, and a test's request sent on that
 * idle connection meanwhile was then reset (ECONNRESET) when the server's
 * keep-alive timer fired before it read the request.
 */
function probe(base: string, path: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.setTimeout(Math.max(1, timeoutMs), () => req.destroy(new Error(`no answer to ${path} within ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Waits for the warm-up the first answer set off: asks for the sample report,
 * which the warm-up renders, so the answer comes once the renderer is warm.
 * Whatever the status (a server whose database is broken on purpose still
 * starts): tests then never race the warm-up. Not /readyz, which a test's
 * deliberately broken database keeps at 503.
 */
async function waitForWarmUp(base: string, deadline: number, output: () => string): Promise<void> {
  try {
    await probe(base, '/sample/company.pdf', deadline - Date.now());
  } catch (e) {
    throw new Error(`the server did not finish warming up: ${(e as Error).message}\n${output()}`);
  }
}

/**
 * The server's database settings for `database`: a postgres:// URL is
 * DATABASE_URL, anything else the SQLite file DATABASE_PATH. A DATABASE_URL
 * of the test's own environment is not passed on to a SQLite server: it
 * would take precedence and point the test's server elsewhere.
 */
function databaseEnv(database: string): Record<string, string | undefined> {
  if (/^postgres(ql)?:\/\//i.test(database)) return { DATABASE_URL: database };
  return { DATABASE_PATH: database, DATABASE_URL: undefined };
}

/**
 * Starts the built server (build it first: tests/global-setup.ts, npm start or buildSite) on a free port (or
 * `fixedPort`, to start it again where it was) over the given database: a SQLite file, or a PostgreSQL URL (the
 * server then migrates it at start, as `node scripts/serve.ts` does; tests/helpers/test-store.ts gives either).
 */
export async function startSite(databasePath: string, env: Record<string, string> = {}, fixedPort?: number): Promise<RunningSite> {
  const port = fixedPort ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const serverEnv: Record<string, string | undefined> = { ...process.env, ...serverRuntimeEnv(), HOST: '127.0.0.1', PORT: String(port), ...databaseEnv(databasePath), ...env };
  if (serverEnv.DATABASE_URL === undefined) delete serverEnv.DATABASE_URL;
  const server: ChildProcess = spawn(process.execPath, [serverEntry(projectRoot())], {
    cwd: projectRoot(),
    env: serverEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + SERVER_START_LIMIT_MS;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}:\n${output}`);
    try {
      await probe(base, '/', deadline - Date.now());
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`the server did not answer within ${SERVER_START_LIMIT_MS / 1000} s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await waitForWarmUp(base, deadline, () => output);
  return {
    base,
    pid: server.pid!,
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
      await Promise.race([exited, new Promise((r) => setTimeout(r, SERVER_STOP_GRACE_MS))]);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    },
  };
}
