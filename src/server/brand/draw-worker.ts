import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

/**
 * Draws an SVG to PNG with resvg in a worker thread of its own, one drawing
 * at a time and never longer than DRAW_TIMEOUT_MS: a small SVG can ask the
 * rasteriser for minutes of work (filter octaves, a huge canvas), and on the
 * server's own thread that stalled every request of every visitor. The
 * worker is ended after each drawing, so the memory a drawing took goes with
 * it. Its source is a string, so the built server needs no separate file.
 */
export const DRAW_TIMEOUT_MS = 2_000;
/** Drawings that may wait behind the one in progress; beyond them an upload is refused at once (a logo draws in about 0.1 s). */
export const MAX_WAITING = 2;
/**
 * The worker's JavaScript heap is capped below, but resvg's WebAssembly memory
 * is not: the process's resident memory is watched while a drawing runs, and
 * the worker stopped when it has grown by more than this.
 */
const MAX_GROWTH_BYTES = 512 * 1024 * 1024;
const WATCH_EVERY_MS = 25;
/** Memory the worker's JavaScript may use; the picture itself is capped by its size (LOGO_BOX). */
const WORKER_HEAP_MB = 96;

export type Drawn =
  | { ok: true; png: Uint8Array; width: number; height: number; visible: boolean; external: boolean }
  | { ok: false; error: string; aspect?: boolean; busy?: boolean };

const require = createRequire(import.meta.url);
const MODULE = require.resolve('@resvg/resvg-wasm');
const WASM = require.resolve('@resvg/resvg-wasm/index_bg.wasm');

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { initWasm, Resvg } = require(workerData.module);
(async () => {
  await initWasm(readFileSync(workerData.wasm));
  const options = { font: { loadSystemFonts: false } };
  const probe = new Resvg(workerData.svg, options);
  const external = probe.imagesToResolve().length > 0;
  const size = { width: probe.width, height: probe.height };
  if (external) return parentPort.postMessage({ ok: true, external });
  const { box, enlarge, maxAspect } = workerData.fit;
  if (!(size.width > 0 && size.height > 0)) return parentPort.postMessage({ ok: false, error: 'it has no width or height' });
  const aspect = size.width / size.height;
  if (aspect > maxAspect || aspect < 1 / maxAspect) return parentPort.postMessage({ ok: false, aspect: true });
  let zoom = Math.min(box.width / size.width, box.height / size.height);
  if (!enlarge) zoom = Math.min(1, zoom);
  const renderer = new Resvg(workerData.svg, { ...options, fitTo: { mode: 'zoom', value: zoom } });
  const image = renderer.render();
  if (image.width > box.width + 1 || image.height > box.height + 1) return parentPort.postMessage({ ok: false, aspect: true });
  const pixels = image.pixels;
  let visible = false;
  for (let i = 3; i < pixels.length && !visible; i += 4) visible = pixels[i] !== 0;
  parentPort.postMessage({ ok: true, external, png: image.asPng(), width: image.width, height: image.height, visible });
})().catch((e) => parentPort.postMessage({ ok: false, error: String((e && e.message) || e).split('\\n')[0].slice(0, 120) }));
`;

let queue: Promise<unknown> = Promise.resolve();
let waiting = 0;

/** How to size the drawing: within `box`, never enlarged unless `enlarge`, and refused beyond `maxAspect` : 1 either way. */
export interface Fit {
  box: { width: number; height: number };
  enlarge: boolean;
  maxAspect: number;
}

/** `timeoutMs` is for tests; the site always uses DRAW_TIMEOUT_MS. */
export function drawSvg(svg: string, fit: Fit, timeoutMs = DRAW_TIMEOUT_MS): Promise<Drawn> {
  if (waiting > MAX_WAITING) return Promise.resolve({ ok: false, error: 'other logos are being drawn right now; try again in a minute', busy: true });
  waiting++;
  const job = queue.then(() => drawOnce(svg, fit, timeoutMs)).finally(() => waiting--);
  queue = job.catch(() => undefined);
  return job;
}

function drawOnce(svg: string, fit: Fit, timeoutMs: number): Promise<Drawn> {
  return new Promise((resolve) => {
    const worker = new Worker(SOURCE, { eval: true, workerData: { module: MODULE, wasm: WASM, svg, fit }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    let settled = false;
    const startRss = process.memoryUsage.rss();
    const watch = setInterval(() => {
      if (process.memoryUsage.rss() - startRss > MAX_GROWTH_BYTES) finish({ ok: false, error: 'it needed too much memory to draw, so it was stopped; simplify it' });
    }, WATCH_EVERY_MS);
    const finish = (d: Drawn) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      void worker.terminate();
      resolve(d);
    };
    const timer = setTimeout(
      () => finish({ ok: false, error: `it took longer than ${timeoutMs / 1000} s to draw, so it was stopped; simplify it (fewer shapes and clipping paths)` }),
      timeoutMs,
    );
    worker.on('message', (m: { ok: boolean; error?: string; aspect?: boolean; external?: boolean; png?: Uint8Array; width?: number; height?: number; visible?: boolean }) => {
      if (!m.ok) return finish({ ok: false, error: m.error ?? 'unknown error', aspect: m.aspect });
      finish({ ok: true, png: m.png ?? new Uint8Array(), width: m.width ?? 0, height: m.height ?? 0, visible: m.visible ?? false, external: m.external ?? false });
    });
    worker.on('error', (e) => finish({ ok: false, error: e.message.split('\n')[0]!.slice(0, 120) }));
    worker.on('exit', () => finish({ ok: false, error: 'the drawing stopped before it finished' }));
  });
}
