import { parentPort, threadId } from 'node:worker_threads';
import { move } from 'piscina';
import { renderInThisThread, warmThisThread, type ReportRequest } from './render-core.ts';

/**
 * One thread of the render pool (render-pool.ts). Piscina waits for the
 * exported promise before it hands this thread a job, so the warm-up (fonts,
 * Yoga, the shaper, react-pdf's code) runs once per thread, at its start,
 * never inside a download. The finished PDF's memory is moved to the server's
 * thread, not copied.
 */
async function render(request: ReportRequest) {
  const pdf = await renderInThisThread(request);
  // A Buffer may be a view into Node's shared pool: move a buffer of its own.
  const bytes = pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength ? pdf.buffer : pdf.buffer.slice(pdf.byteOffset, pdf.byteOffset + pdf.byteLength);
  return move(bytes as ArrayBuffer);
}

const ready = warmThisThread()
  .catch((e: Error) => process.stderr.write(`velocity: the render worker could not warm up: ${e.message}\n`))
  .then(() => {
    parentPort?.postMessage({ renderWorkerWarm: threadId });
    return render;
  });

export default ready;
