import type { APIRoute } from 'astro';
import { z } from 'zod';
import { slug } from '../../../../../domain/file-names.ts';
import { COMPARE_DIMENSIONS } from '../../../../../domain/peer-stats.ts';
import { config } from '../../../../../server/config.ts';
import { db } from '../../../../../server/db.ts';
import { csvResponse } from '../../../../../server/http/csv-response.ts';
import { badRequest, notFound } from '../../../../../server/http/post.ts';
import { loadInstrument } from '../../../../../server/instrument-loader.ts';
import { studyOf } from '../../../../../server/repositories/studies.ts';
import { answersCsv, scoresCsv, type GroupFilter } from '../../../../../server/services/exports.ts';

/** An optional peer group within the study: both parts or neither. */
const GroupQuery = z.union([
  z.object({ dimension: z.enum(COMPARE_DIMENSIONS), group: z.string().min(1).max(80) }),
  z.object({ dimension: z.undefined(), group: z.undefined() }),
]);

/**
 * /consultant/studies/<id>/export/scores.csv and …/answers.csv, for the
 * study's own consultant only; ?dimension=…&group=… narrows the file to one
 * peer group of the study.
 */
export const GET: APIRoute = ({ locals, params, url }) => {
  const kind = params.kind;
  const id = Number(params.id);
  if (!locals.consultant || (kind !== 'scores' && kind !== 'answers') || !Number.isInteger(id)) return notFound();
  const study = studyOf(db(), locals.consultant.id, id);
  if (!study) return notFound();
  const query = GroupQuery.safeParse({ dimension: url.searchParams.get('dimension') ?? undefined, group: url.searchParams.get('group') ?? undefined });
  if (!query.success) return badRequest(`A peer group is chosen with both dimension (one of ${COMPARE_DIMENSIONS.join(', ')}) and group.`);
  const group: GroupFilter | undefined = query.data.dimension ? { dimension: query.data.dimension, key: query.data.group! } : undefined;
  const body = kind === 'scores' ? scoresCsv(db(), loadInstrument(), study.id, config().PEER_MIN_GROUP, group) : answersCsv(db(), loadInstrument(), study.id, group);
  const name = `velocity-index-${slug(study.name)}${group ? `-${slug(group.key)}` : ''}-${kind}.csv`;
  return csvResponse(body, name);
};
