import type { APIContext } from 'astro';
import type { Participant } from '../../../db/schema.ts';
import { reportFileName } from '../../domain/file-names.ts';
import type { NumberStyle } from '../../domain/number-format.ts';
import { RenderBusyError, RenderingOffError, renderReport, ReportOutOfMemoryError } from '../../reports/render.ts';
import { config } from '../config.ts';
import type { Store } from '../data/store.ts';
import { db } from '../db.ts';
import { companyReportFor, personalReportFor } from '../services/reports.ts';

/** The PDF download of a participant's report, or null when there is none yet. */
export async function reportDownload(
  participant: Participant,
  kind: 'company' | 'personal',
  options: { disposition?: 'attachment' | 'inline'; reader?: boolean; database?: Store; numberStyle?: NumberStyle; waveId?: number } = {},
): Promise<Response | null> {
  const k = config().PEER_MIN_GROUP;
  const database = options.database ?? db();
  const disposition = options.disposition ?? 'attachment';
  const model =
    kind === 'company' ? await companyReportFor(database, participant, k, new Date(), { reader: options.reader ?? true, numberStyle: options.numberStyle, waveId: options.waveId })
      : await personalReportFor(database, participant, k, new Date(), options.numberStyle);
  if (!model) return null;
  const pdf = await renderReport({ kind, model } as Parameters<typeof renderReport>[0]);
  const name = reportFileName(kind, model.meta.company, model.meta.date);
  return new Response(new Uint8Array(pdf), {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `${disposition}; filename="${name}"`,
      'cache-control': 'private, no-store',
    },
  });
}

/**
 * A PDF route's download, or, when the render queue is full, rendering is
 * off until a restart, or this report is too big for the threads' heap, the
 * page that says so (src/pages/report-busy.astro: 503 with Retry-After) in
 * place of the file, at the same address so that reloading asks again. A
 * report that fails to render on its own throws on, to the site's error page
 * (500).
 */
export async function downloadOrBusyPage(context: APIContext, download: () => Promise<Response | null>): Promise<Response | null> {
  try {
    return await download();
  } catch (e) {
    // A report too big for the render threads' heap fails the same way each time until the setting changes: for its
    // reader that is PDFs not working, not a moment's hiccup.
    const off = e instanceof RenderingOffError || e instanceof ReportOutOfMemoryError;
    if (!(e instanceof RenderBusyError) && !off) throw e;
    const busy = new URL('/report-busy', context.url);
    busy.searchParams.set('retry', context.url.pathname + context.url.search);
    if (off) {
      process.stderr.write(`velocity: ${(e as Error).message}\n`);
      busy.searchParams.set('off', '1');
    }
    return context.rewrite(busy);
  }
}
