import type { APIRoute } from 'astro';
import { numberStyleFor } from '../../domain/reader-locale.ts';
import { downloadOrBusyPage, reportDownload } from '../../server/handlers/report-download.ts';
import { fileNotFound } from '../../server/http/post.ts';
import { sampleReport } from '../../server/services/sample-report.ts';

/**
 * /sample/company.pdf and /sample/personal.pdf: the reports of one synthetic
 * participant from a database of synthetic participants held in memory
 * (src/server/services/sample-report.ts), shown in the browser.
 */
export const GET: APIRoute = async (context) => {
  const { params, request } = context;
  const kind = params.kind;
  if (kind !== 'company' && kind !== 'personal') return fileNotFound();
  const sample = await sampleReport();
  const numberStyle = numberStyleFor(request.headers.get('accept-language'));
  return (await downloadOrBusyPage(context, () => reportDownload(sample.participant, kind, { disposition: 'inline', database: sample.db, numberStyle }))) ?? fileNotFound();
};
