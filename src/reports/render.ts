import { createHash } from 'node:crypto';
import { onShutdown } from '../server/lifecycle.ts';
import type { ReportRequest } from './render-core.ts';
import { createRenderPool, inThreadRenderer, renderWorkerFile, type RenderPool } from './render-pool.ts';
import { renderSettings } from './render-settings.ts';

export type { ReportRequest } from './render-core.ts';
export { RenderBusyError, RenderFailedError, RenderingOffError, ReportOutOfMemoryError, RETRY_AFTER_SECONDS } from './render-pool.ts';

/**
 * The one entry point that turns a report model into PDF bytes. A finished
 * PDF is cached here, on the server's thread, under the hash of what
 * determines it (the kind and the model), so every render thread shares one
 * cache: an unchanged report is a map lookup and never reaches the pool.
 * Identical requests that arrive while their report renders share that one
 * render. Everything else goes to the render pool (render-pool.ts), started
 * on first use with the settings in the environment (render-settings.ts).
 */
const CACHE_LIMIT = 64;
const cache = new Map<string, Buffer>();
const inFlight = new Map<string, Promise<Buffer>>();

export function cacheKey(request: ReportRequest): string {
  return createHash('sha256').update(request.kind).update(JSON.stringify(request.model)).digest('hex');
}

let pool: Promise<RenderPool> | undefined;
/** The pool once started, for the synchronous question renderingOff asks. */
let startedPool: RenderPool | undefined;

/** The process's render pool, started on first use; closed when the server shuts down. */
function renderPool(): Promise<RenderPool> {
  pool ??= (async () => {
    const settings = renderSettings();
    const started = settings.workers === 0 ? inThreadRenderer(settings) : createRenderPool({ ...settings, workerFile: await renderWorkerFile() });
    onShutdown('render pool', () => started.close());
    startedPool = started;
    return started;
  })();
  // A pool that could not start (a missing worker file) is tried again on the next report, and says why each time.
  pool.catch(() => (pool = undefined));
  return pool;
}

export async function renderReport(request: ReportRequest): Promise<Buffer> {
  const key = cacheKey(request);
  const hit = cache.get(key);
  if (hit) return hit;
  const running = inFlight.get(key);
  if (running) return running;
  const job = renderPool()
    .then((p) => p.render(request))
    .then((pdf) => {
      cache.set(key, pdf);
      if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
      return pdf;
    })
    .finally(() => inFlight.delete(key));
  inFlight.set(key, job);
  return job;
}

/**
 * Starts the render pool and resolves once each of its threads has warmed
 * up, so that the first real download does not pay for it. Called without
 * waiting when the server answers its first request.
 */
export async function warmRenderer(): Promise<void> {
  await (await renderPool()).warm;
}

/** Whether the pool has given up (its threads die as they start): no PDF until the server restarts (/readyz). */
export function renderingOff(): boolean {
  return startedPool?.failure() != null;
}

/** Reports accepted by the pool and not yet finished: for tests and benchmarks. */
export async function renderPending(): Promise<number> {
  return (await renderPool()).pending();
}
