import { availableParallelism } from 'node:os';
import { z } from 'zod';

/**
 * The render pool's settings, from the environment. Part of the server's
 * configuration (src/server/config.ts spreads this shape in, so `npm start`
 * refuses a bad value before serving), and read here on their own too,
 * because the CLI and the tests render reports without the server.
 */
export const renderSettingsShape = {
  /**
   * Threads that render PDFs; 0 renders on the server's own thread, one report at a time (no pool). Default: the
   * machine's cores, at most DEFAULT_MAX_WORKERS (each thread holds its own copy of react-pdf and the fonts).
   */
  RENDER_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  /** Reports that may wait for a free render thread; one more is refused with 503 and Retry-After. */
  RENDER_QUEUE: z.coerce.number().int().min(0).max(10_000).default(32),
  /** Longest a report may wait and render together, in seconds; then the download fails with an error page rather than hanging. */
  RENDER_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /**
   * Most memory one render thread's heap may take, in MB; unset, Node's own limit. A thread past it is ended and
   * replaced, and only its report fails: a pathological report cannot take the server's memory with it.
   */
  RENDER_WORKER_HEAP_MB: z.coerce.number().int().min(1).max(65_536).optional(),
};

const RenderSettingsSchema = z.object(renderSettingsShape);
const DEFAULT_MAX_WORKERS = 8;

export interface RenderSettings {
  workers: number;
  queue: number;
  timeoutMs: number;
  heapMb?: number;
}

export function renderSettings(env: Record<string, string | undefined> = process.env): RenderSettings {
  const parsed = RenderSettingsSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k in renderSettingsShape && v !== undefined && v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${String(issue.path[0])}: ${issue.message}`);
  }
  const s = parsed.data;
  return { workers: s.RENDER_WORKERS ?? Math.min(availableParallelism(), DEFAULT_MAX_WORKERS), queue: s.RENDER_QUEUE, timeoutMs: s.RENDER_TIMEOUT_SECONDS * 1000, heapMb: s.RENDER_WORKER_HEAP_MB };
}
