import type { APIRoute } from 'astro';
import { companyForConsultant } from '../../../../../server/handlers/consultant-company.ts';
import { reportDownload } from '../../../../../server/handlers/report-download.ts';
import { fileNotFound } from '../../../../../server/http/post.ts';

/** The consultant's copy of a company report, aggregated over its respondents. */
export const GET: APIRoute = async ({ locals, params }) => {
  const access = companyForConsultant(locals.consultant, params.id, params.companyId);
  const first = access?.respondents[0];
  if (!first) return fileNotFound();
  return (await reportDownload(first, 'company', { reader: false })) ?? fileNotFound();
};
