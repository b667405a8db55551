import { flushCompileCache } from 'node:module';
import { renderingOff, warmRenderer } from '../reports/render.ts';
import { reportDownload } from './handlers/report-download.ts';
import { sampleReport } from './services/sample-report.ts';

/**
 * Run once, in the background, when the server answers its first request:
 * loads and sets up the PDF renderer, then renders the sample company report
 * the landing page links. A process's first full report runs all of
 * react-pdf's code cold, three to four times slower than later ones; after
 * this, a participant's first download costs about what any other does, and
 * the sample opens from the PDF cache. Failures are swallowed: the real
 * download that follows reports its own.
 *
 * Then it writes Node's compile cache (NODE_COMPILE_CACHE, set by
 * scripts/build-state.ts): Node writes it only when a process exits normally,
 * and a server ends by a signal, so without this the next start would compile
 * everything again.
 */
let warm = false;

/**
 * True once every thread of the render pool has warmed up and the sample
 * report was tried: the server is ready for downloads at their usual speed
 * (/readyz). Stays false when the pool cannot start (a build without its
 * worker file), since no download would work.
 */
export function rendererIsWarm(): boolean {
  return warm;
}

let failed = false;

/**
 * True when the renderer could not start, or gave up later (a thread that
 * died and no replacement that could load): /readyz says so rather than
 * "warming" or "warm", since no download works until a restart.
 */
export function rendererFailed(): boolean {
  return failed || renderingOff();
}

export async function warmUpRenderer(): Promise<void> {
  try {
    await warmRenderer();
    try {
      const sample = await sampleReport();
      await reportDownload(sample.participant, 'company', { disposition: 'inline', database: sample.db });
    } catch {
      // Nothing to do: this only saves time.
    }
    warm = true;
  } catch (e) {
    failed = true;
    process.stderr.write(`velocity: the PDF renderer could not start: ${(e as Error).message}\n`);
  }
  flushCompileCache();
}
