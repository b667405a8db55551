import type { APIRoute } from 'astro';
import { companyForConsultant } from '../../../../../server/handlers/consultant-company.ts';
import { downloadOrBusyPage, reportDownload } from '../../../../../server/handlers/report-download.ts';
import { badRequest, fileNotFound } from '../../../../../server/http/post.ts';

/** The consultant's copy of a company report, aggregated over its respondents of one round (?wave=N). */
export const GET: APIRoute = async (context) => {
  const { locals, params, url } = context;
  const lookup = await companyForConsultant(locals.consultant, params.id, params.companyId, url.searchParams.get('wave'));
  if (!lookup.ok) return lookup.status === 400 ? badRequest(lookup.message) : fileNotFound();
  const first = lookup.access.respondents[0];
  if (!first) return fileNotFound();
  return (await downloadOrBusyPage(context, () => reportDownload(first, 'company', { reader: false, waveId: lookup.access.wave.id }))) ?? fileNotFound();
};
