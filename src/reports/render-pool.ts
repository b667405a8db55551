import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { cacheDir, projectRoot } from '../server/paths.ts';
import type { ReportRequest } from './render-core.ts';
import type { RenderSettings } from './render-settings.ts';
import { workerBundleFromSources } from './worker-bundle.ts';

/**
 * Where PDFs are rendered: a fixed set of worker threads (piscina), so that a
 * burst of downloads keeps the server's own thread free to answer pages.
 * The server's thread only posts the report model and awaits the bytes.
 * At most `workers + queue` reports are accepted at once; one more is refused
 * at once (RenderBusyError, a 503 for the reader) rather than left to wait
 * without end. A thread that crashes fails only the report it was rendering
 * (RenderFailedError) and is replaced; a report that takes longer than the
 * timeout, waiting included, fails the same way, and its thread is replaced.
 */
export interface RenderPool {
  render(request: ReportRequest): Promise<Buffer>;
  /** Resolves once every thread the pool started with has warmed up (fonts, Yoga, react-pdf's code). */
  readonly warm: Promise<void>;
  isWarm(): boolean;
  /** The pool's live threads: for tests that end one to see the pool survive it. */
  threads(): readonly Worker[];
  /** Reports accepted and not yet finished (rendering or waiting). */
  pending(): number;
  /** Why no report can be rendered any more, once the pool has given up; null while it renders. */
  failure(): RenderingOffError | null;
  close(): Promise<void>;
}

/** Every render thread is busy and the queue of reports waiting for one is full: ask again in a moment. */
export class RenderBusyError extends Error {
  constructor() {
    super('Every render thread is busy and the queue of reports waiting for one is full.');
  }
}

/** The report could not be rendered: its thread crashed, it ran out of time, or react-pdf threw. */
export class RenderFailedError extends Error {}

/** No report can be rendered until the server restarts: the render threads die as they start (see createRenderPool). */
export class RenderingOffError extends RenderFailedError {}

/** This report needs more memory than RENDER_WORKER_HEAP_MB gives a thread: it will fail again until the setting changes. */
export class ReportOutOfMemoryError extends RenderFailedError {}

/** Seconds a refused reader is asked to wait (Retry-After): about what a few reports take to render. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The worker's file: the bundle the site's build wrote beside the built
 * server, or, when this runs from the sources (tests, CLI, benchmarks), one
 * bundled now from the current sources. A built server without it fails
 * loudly: it never falls back to rendering on its own thread.
 */
export async function renderWorkerFile(): Promise<string> {
  if (import.meta.url.endsWith('.ts')) return workerBundleFromSources(join(cacheDir(), 'render-worker'));
  const built = join(projectRoot(), 'dist', 'server', 'render-worker.mjs');
  if (!existsSync(built)) throw new Error(`The PDF render worker is missing from the build (${built}): build the site again (npm run build).`);
  return built;
}

/** Admits at most `capacity` reports at once (rendering or waiting); one more is refused at once. */
class Admission {
  pending = 0;
  readonly capacity: number;
  constructor(capacity: number) {
    this.capacity = capacity;
  }
  run(work: () => Promise<Buffer>): Promise<Buffer> {
    if (this.pending >= this.capacity) return Promise.reject(new RenderBusyError());
    this.pending++;
    return work().finally(() => this.pending--);
  }
}

/** A thread ended for passing its heap limit (Node's resourceLimits): the report, not a bug, needs more room. */
function outOfMemory(e: unknown): boolean {
  return (e as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY' || /reaching memory limit/.test(String((e as Error).message));
}

export function createRenderPool(settings: RenderSettings & { workerFile: string }): RenderPool {
  const size = settings.workers;
  if (size < 1) throw new Error('a render pool needs at least one thread; RENDER_WORKERS=0 renders on the server thread (inThreadRenderer)');
  const pool = new Piscina({
    filename: settings.workerFile,
    minThreads: size,
    maxThreads: size,
    idleTimeout: Infinity,
    // Each thread holds react-pdf's module-level layout state: one report at a time.
    concurrentTasksPerWorker: 1,
    ...(settings.heapMb ? { resourceLimits: { maxOldGenerationSizeMb: settings.heapMb } } : {}),
  });
  const warmed = new Set<number>();
  let warm = false;
  let broken: RenderingOffError | null = null;
  const running = new Set<AbortController>();
  const { promise: ready, resolve: markWarm, reject: markBroken } = Promise.withResolvers<void>();
  // Nobody may be waiting on `warm` when the pool breaks.
  ready.catch(() => undefined);
  // No thread can start (a heap limit too small for react-pdf and the fonts, a broken worker file): piscina stops
  // replacing threads that die before they are ready, and downloads waiting for one would wait out their whole time
  // limit. Stop here instead, and fail every report at once with the reason.
  const giveUpWithoutThreads = (e: Error) => {
    // piscina replaces a dead thread (when it will) before it reports the death: none left means it starts no more.
    if (broken || pool.threads.length > 0) return;
    const heap = settings.heapMb ? ` (RENDER_WORKER_HEAP_MB=${settings.heapMb} may be too small: leave it unset, or allow a few hundred MB)` : '';
    broken = new RenderingOffError(`The PDF could not be rendered: the render threads die while they start${heap}. Last: ${e.message}`);
    process.stderr.write(`velocity: PDF rendering is off until the server restarts: no render thread is left and none is being started${heap}\n`);
    markBroken(broken);
    for (const controller of running) controller.abort(broken);
    void pool.close({ force: true }).catch(() => undefined);
  };
  // Without a listener an 'error' event (a thread dying while it starts, or between reports) would end the server.
  pool.on('error', (e: Error) => {
    process.stderr.write(`velocity: a PDF render thread died outside a report (while starting or idle): ${e.message}\n`);
    giveUpWithoutThreads(e);
  });
  pool.on('message', (m: unknown) => {
    if (m && typeof m === 'object' && 'renderWorkerWarm' in m) {
      warmed.add(Number((m as { renderWorkerWarm: number }).renderWorkerWarm));
      if (warmed.size >= size && !warm) {
        warm = true;
        markWarm();
      }
    }
  });
  const admission = new Admission(size + settings.queue);
  const run = async (request: ReportRequest) => {
    if (broken) throw broken;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
    running.add(controller);
    try {
      const bytes = (await pool.run(request, { signal: controller.signal })) as ArrayBuffer;
      return Buffer.from(bytes);
    } catch (e) {
      giveUpWithoutThreads(e as Error);
      if (broken) throw broken;
      if (outOfMemory(e) && settings.heapMb) {
        const why = `its thread ran out of memory (RENDER_WORKER_HEAP_MB=${settings.heapMb} is too small for this report: raise it, or leave it unset)`;
        throw new ReportOutOfMemoryError(`The PDF could not be rendered: ${why}`, { cause: e });
      }
      const reason = (e as Error).name === 'AbortError' ? `it took longer than ${settings.timeoutMs / 1000} s` : (e as Error).message;
      throw new RenderFailedError(`The PDF could not be rendered: ${reason}`, { cause: e });
    } finally {
      clearTimeout(timer);
      running.delete(controller);
    }
  };
  return {
    render: (request) => admission.run(() => run(request)),
    warm: ready,
    isWarm: () => warm,
    threads: () => pool.threads,
    pending: () => admission.pending,
    failure: () => broken,
    close: () => pool.close({ force: true }),
  };
}

/**
 * RENDER_WORKERS=0: no threads; reports render on the server's own thread,
 * one at a time, as before the pool existed (a small machine that must save
 * memory, or a debugger). Same bound on waiting reports; no timeout, since a
 * render on this thread cannot be stopped.
 */
export function inThreadRenderer(settings: RenderSettings): RenderPool {
  const core = import('./render-core.ts');
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = tail.then(work);
    tail = next.catch(() => undefined);
    return next;
  };
  let warm = false;
  const ready = serial(async () => (await core).warmThisThread())
    .catch(() => undefined)
    .then(() => {
      warm = true;
    });
  const admission = new Admission(1 + settings.queue);
  const run = (request: ReportRequest) =>
    serial(async () => {
      try {
        return await (await core).renderInThisThread(request);
      } catch (e) {
        throw new RenderFailedError(`The PDF could not be rendered: ${(e as Error).message}`, { cause: e });
      }
    });
  return {
    render: (request) => admission.run(() => run(request)),
    warm: ready,
    isWarm: () => warm,
    threads: () => [],
    pending: () => admission.pending,
    // A report that fails here fails alone: the next one runs on the same thread.
    failure: () => null,
    close: async () => undefined,
  };
}
