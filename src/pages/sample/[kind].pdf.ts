import type { APIRoute } from 'astro';
import { db } from '../../server/db.ts';
import { reportDownload } from '../../server/handlers/report-download.ts';
import { notFound } from '../../server/http/post.ts';
import { sampleParticipant } from '../../server/services/sample-report.ts';

/** /sample/company.pdf and /sample/personal.pdf: the reports of one demo participant, shown in the browser. */
export const GET: APIRoute = async ({ params }) => {
  const kind = params.kind;
  if (kind !== 'company' && kind !== 'personal') return notFound();
  const sample = sampleParticipant(db());
  if (!sample) return notFound();
  return (await reportDownload(sample, kind, { disposition: 'inline' })) ?? notFound();
};
