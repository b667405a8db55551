/**
 * The server: node:http around the built site's handler (dist/server/entry.mjs,
 * Astro's node adapter with its own listener turned off), so that what a
 * service needs is ours to set: deliberate timeouts, load shedding with a
 * "busy" page, compression, a clear error when the port is taken, and a
 * graceful stop. Run by scripts/start.mjs (npm start) after it prepared the
 * database, and directly by the tests and benchmarks (scripts/site-process.ts):
 * `node scripts/serve.ts`. Loaded by Node itself (type stripping), not tsx,
 * so every file it imports must be erasable TypeScript.
 *
 * Exit codes: 0 after a stop on SIGTERM/SIGINT (requests in flight answered,
 * database closed); 2 when it cannot start (settings, no build, port taken).
 */
import { readdirSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtEntry } from './build-state.ts';
import { listenProblem } from './listen-problem.ts';
import { config, ConfigError, type Config } from '../src/server/config.ts';
import { DatabaseOpenError, prepareDatabase } from '../src/server/db.ts';
import { projectRoot } from '../src/server/paths.ts';
import { runShutdown } from '../src/server/lifecycle.ts';
import { createGate, loopDelayMonitor } from '../src/server/http/load-shed.ts';
import { compressResponses } from '../src/server/http/compress.ts';
import { readBodyFirst } from '../src/server/http/early-body.ts';
import { FALLBACK_BUSY_PAGES, keptHeaders, sendBusy, type BusyPages } from '../src/server/http/busy-page.ts';

/**
 * Server timeouts, each chosen rather than left to Node's defaults.
 * - headersTimeout: a client gets 20 s to send its request line and headers;
 *   one that trickles them (slowloris) holds a connection no longer.
 * - requestTimeout: 120 s for the whole request, body included: the largest
 *   upload (an e-mail list, a logo) over a poor mobile link.
 * - keepAliveTimeout: an idle connection stays open 65 s, longer than a
 *   reverse proxy's usual 60 s, so the proxy closes first and never sends a
 *   request down a socket we are closing. It also outlasts any event-loop
 *   stall: at 5 s (Node's default) a stall let the timer close sockets that
 *   held a request not yet read, which clients saw as ECONNRESET.
 * - connectionsCheckingInterval: the two request limits are checked every
 *   5 s (Node's default is 30 s), so they hold close to what they say.
 * - maxRequestsPerSocket stays unlimited: nothing is gained by making a
 *   healthy client reconnect.
 */
export const SERVER_TIMEOUTS = {
  headersTimeout: 20_000,
  requestTimeout: 120_000,
  keepAliveTimeout: 65_000,
  connectionsCheckingInterval: 5_000,
} as const;

/** A second SIGTERM/SIGINT sooner than this after the first is the same stop, delivered twice. */
const SECOND_SIGNAL_AFTER_MS = 1_000;

/**
 * Routes never shed: the readiness checks, which must answer for the server to be judged at all, and the busy
 * page itself, which the server fetches from its own handler at start while the warm-up may hold the event loop
 * (shed, the fetch would get the plain stand-in and keep it).
 */
const NEVER_SHED = new Set(['/healthz', '/readyz', '/busy']);

function fail(message: string): never {
  process.stderr.write(`velocity: ${message}\n`);
  process.exit(2);
}

/** Every file the build put under dist/client, as URL paths: served from disk, cheap, never shed. */
function staticPaths(clientDir: string): Set<string> {
  const paths = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else paths.add('/' + relative(clientDir, full).split(sep).join('/'));
    }
  };
  if (existsSync(clientDir)) walk(clientDir);
  return paths;
}

const pathOf = (url: string | undefined) => {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
};

/** The site's busy pages, rendered through the server's own address; the plain ones when that fails. */
async function renderBusyPages(base: string): Promise<BusyPages> {
  try {
    const get = async (path: string, testid: string) => {
      const r = await fetch(base + path, { signal: AbortSignal.timeout(60_000) });
      const body = await r.text();
      if (r.status !== 503 || !body.includes(testid)) throw new Error(`${path} answered ${r.status} without its page`);
      return { body, headers: r.headers };
    };
    const page = await get('/busy', 'data-testid="busy-page"');
    const form = await get('/busy?form', 'data-testid="busy-form"');
    return { page: page.body, form: form.body, headers: keptHeaders(page.headers) };
  } catch (e) {
    process.stderr.write(`velocity: the busy page could not be rendered (${(e as Error).message}); a plain one is used instead\n`);
    return FALLBACK_BUSY_PAGES;
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export interface RunningServer {
  server: Server;
  base: string;
  /** Stops as on SIGTERM: no new connections, requests in flight finish (at most the grace period), then the shutdown tasks run. */
  stop: () => Promise<void>;
}

/** Starts serving the built site with the settings in `cfg`; exits with 2 and a message when it cannot. */
export async function serve(cfg: Config = config(), options: { onSignal?: boolean } = {}): Promise<RunningServer> {
  const root = projectRoot();
  const entry = builtEntry(root);
  if (!existsSync(entry)) fail(`there is no build of the site (${relative(root, entry)}). Run \`npm run build\`, or start with \`npm start\`, which builds when needed.`);
  // The adapter's own listener stays off: this server listens, and hands each request to the adapter's handler.
  process.env.ASTRO_NODE_AUTOSTART = 'disabled';
  const { handler } = (await import(pathToFileURL(entry).href)) as { handler: (req: IncomingMessage, res: ServerResponse) => void };
  const staticFiles = staticPaths(join(root, 'dist', 'client'));

  const loop = loopDelayMonitor();
  const gate = createGate({
    maxConcurrent: cfg.MAX_CONCURRENT_REQUESTS,
    maxQueued: cfg.REQUEST_QUEUE_LENGTH,
    maxWaitMs: cfg.REQUEST_QUEUE_SECONDS * 1000,
    maxLoopDelayMs: cfg.MAX_EVENT_LOOP_DELAY_MS,
    loopDelayMs: loop.delayMs,
  });
  let busy: BusyPages = FALLBACK_BUSY_PAGES;
  // Responses not yet finished, so that a stop can tell their clients the connection closes after them.
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  let shed = 0;

  const listener: RequestListener = (req, res) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    // During a stop, a request on a connection that was kept open is still answered, and its connection then closed.
    if (stopping) res.setHeader('Connection', 'close');
    const path = pathOf(req.url);
    if (staticFiles.has(path) || NEVER_SHED.has(path)) {
      compressResponses(req, res);
      handler(req, res);
      return;
    }
    const admit = () => void gate.enter().then((admission) => {
      if (!admission.admitted) {
        shed++;
        sendBusy(req, res, busy);
        return;
      }
      // A client that gave up while its request waited: nothing to answer, and its 'close' has been and gone.
      // (The socket, not the request: a request whose body was read first is destroyed once read, as Node does.)
      if (req.socket.destroyed || res.destroyed || res.closed) {
        admission.release();
        return;
      }
      res.once('close', admission.release);
      compressResponses(req, res);
      handler(req, res);
    });
    // The body first, holding no place: a body that trickles in cannot keep others waiting (early-body.ts).
    void readBodyFirst(req).then((body) => {
      if (body.ok) admit();
      else if (body.status === 503) {
        shed++;
        sendBusy(req, res, busy);
      } else if (body.status !== 0 && !res.headersSent) {
        res.writeHead(body.status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(body.message + '\n');
      } else res.destroy();
    });
  };

  const server = createServer({ ...SERVER_TIMEOUTS }, listener);
  server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveTimeout;
  try {
    await listen(server, cfg.HOST, cfg.PORT);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    loop.stop();
    const problem = listenProblem(code, cfg.HOST, cfg.PORT);
    if (problem) fail(problem);
    throw e;
  }

  const wildcard = cfg.HOST === '0.0.0.0' || cfg.HOST === '::';
  const host = wildcard ? '127.0.0.1' : cfg.HOST.includes(':') ? `[${cfg.HOST}]` : cfg.HOST;
  const base = `http://${host}:${cfg.PORT}`;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      process.stderr.write(`velocity: stopping; finishing ${inFlight.size} request(s) in flight (at most ${cfg.SHUTDOWN_GRACE_SECONDS} s)\n`);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const deadline = Date.now() + cfg.SHUTDOWN_GRACE_SECONDS * 1000;
      // Idle keep-alive connections are closed now and as requests finish; busy ones when their answer is out.
      while (inFlight.size > 0 && Date.now() < deadline) {
        server.closeIdleConnections();
        await new Promise((r) => setTimeout(r, 50));
      }
      if (inFlight.size > 0) process.stderr.write(`velocity: ${inFlight.size} request(s) still running after ${cfg.SHUTDOWN_GRACE_SECONDS} s; closing their connections\n`);
      server.closeAllConnections();
      await closed;
      loop.stop();
      await runShutdown();
      if (shed > 0) process.stderr.write(`velocity: ${shed} request(s) were answered "busy" (503) while this server ran\n`);
    })());
  if (options.onSignal) {
    // A signal sent to npm start's whole process group reaches this process twice (from the shell and from npm,
    // which passes it on) within moments: only a second signal after SECOND_SIGNAL_AFTER_MS means "stop now".
    let signalled = 0;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (signalled && Date.now() - signalled < SECOND_SIGNAL_AFTER_MS) return;
        if (signalled) {
          process.stderr.write('velocity: stopping now, without waiting\n');
          process.exit(signal === 'SIGTERM' ? 143 : 130);
        }
        signalled = Date.now();
        stop().then(
          () => process.exit(0),
          (e: unknown) => {
            process.stderr.write(`velocity: the stop failed: ${(e as Error).stack ?? String(e)}\n`);
            process.exit(1);
          },
        );
      });
    }
  }
  // Rendering the busy page is also the site's first request, which warms the PDF renderer and starts the mail loop.
  busy = await renderBusyPages(base);
  return { server, base, stop };
}

/**
 * Serves until SIGTERM or SIGINT, then stops gracefully and exits 0; a second signal exits at once (143 or 130).
 * `databaseChecked`: npm start's preparation has just opened, checked and migrated the database; a direct start
 * (`node scripts/serve.ts`) does it here, so that a damaged or unopenable database stops the start with a message
 * (exit 2) instead of a server that answers the error page on every route. On PostgreSQL that is also where the
 * migrations run, before this instance listens: instances started together take turns under an advisory lock.
 */
export async function serveUntilSignalled(cfg?: Config, options: { databaseChecked?: boolean } = {}): Promise<void> {
  let settings: Config;
  try {
    settings = cfg ?? config();
    // This copy of the database module is not the built site's: what it opens is closed again, the site opens its own.
    if (!options.databaseChecked) await prepareDatabase();
  } catch (e) {
    if (e instanceof ConfigError || e instanceof DatabaseOpenError) fail(e.message);
    throw e;
  }
  await serve(settings, { onSignal: true });
  console.log(`Serving http://${settings.HOST.includes(':') ? `[${settings.HOST}]` : settings.HOST}:${settings.PORT}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await serveUntilSignalled();
