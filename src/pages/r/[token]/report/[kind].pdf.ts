import type { APIRoute } from 'astro';
import { numberStyleFor } from '../../../../domain/reader-locale.ts';
import { db } from '../../../../server/db.ts';
import { downloadOrBusyPage, reportDownload } from '../../../../server/handlers/report-download.ts';
import { fileNotFound } from '../../../../server/http/post.ts';
import { participantByToken } from '../../../../server/services/participation.ts';

/** /r/<token>/report/company.pdf and /r/<token>/report/personal.pdf */
export const GET: APIRoute = async (context) => {
  const { params, request } = context;
  const kind = params.kind;
  if (kind !== 'company' && kind !== 'personal') return fileNotFound();
  const participant = await participantByToken(db(), params.token);
  if (!participant || participant.status !== 'completed') return fileNotFound();
  return (await downloadOrBusyPage(context, () => reportDownload(participant, kind, { numberStyle: numberStyleFor(request.headers.get('accept-language')) }))) ?? fileNotFound();
};
