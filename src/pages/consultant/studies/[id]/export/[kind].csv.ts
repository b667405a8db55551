import type { APIRoute } from 'astro';
import { z } from 'zod';
import { slug } from '../../../../../domain/file-names.ts';
import { COMPARE_DIMENSIONS } from '../../../../../domain/peer-stats.ts';
import { config } from '../../../../../server/config.ts';
import { db } from '../../../../../server/db.ts';
import { csvResponse } from '../../../../../server/http/csv-response.ts';
import { badRequest, fileNotFound, unprocessable } from '../../../../../server/http/post.ts';
import { loadInstrument } from '../../../../../server/instrument-loader.ts';
import { studyOf } from '../../../../../server/repositories/studies.ts';
import { studyGroupMayBeExported } from '../../../../../server/services/comparison.ts';
import { answersCsv, scoresCsv, type GroupFilter } from '../../../../../server/services/exports.ts';

/** An optional peer group within the study: both parts or neither. */
const GroupQuery = z.union([
  z.object({ dimension: z.enum(COMPARE_DIMENSIONS), group: z.string().min(1).max(80) }),
  z.object({ dimension: z.undefined(), group: z.undefined() }),
]);

/**
 * /consultant/studies/<id>/export/scores.csv and …/answers.csv, for the
 * study's own consultant only; ?dimension=…&group=… narrows the file to one
 * peer group of the study, when the comparison shows that group (422 when it
 * does not).
 */
export const GET: APIRoute = ({ locals, params, url }) => {
  const kind = params.kind;
  const id = Number(params.id);
  if (!locals.consultant || (kind !== 'scores' && kind !== 'answers') || !Number.isInteger(id)) return fileNotFound();
  const study = studyOf(db(), locals.consultant.id, id);
  if (!study) return fileNotFound();
  const query = GroupQuery.safeParse({ dimension: url.searchParams.get('dimension') ?? undefined, group: url.searchParams.get('group') ?? undefined });
  if (!query.success) return badRequest(`A peer group is chosen with both dimension (one of ${COMPARE_DIMENSIONS.join(', ')}) and group.`);
  const group: GroupFilter | undefined = query.data.dimension ? { dimension: query.data.dimension, key: query.data.group! } : undefined;
  const k = config().PEER_MIN_GROUP;
  const instrument = loadInstrument();
  // The anonymity rule, as the comparison applies it: one message for both reasons, so that it does not tell them apart.
  if (group && !studyGroupMayBeExported(db(), instrument, study.id, group, k)) {
    return unprocessable(
      `This group is not exported on its own: it has fewer than ${k} completed participants in this study, or it is hidden with such a group so that that group's size cannot be worked out. ` +
        'Export the whole study instead, where each participant is given once their company has enough respondents, or choose a group that the comparison shows.',
    );
  }
  const body = kind === 'scores' ? scoresCsv(db(), instrument, study.id, k, group) : answersCsv(db(), instrument, study.id, k, group);
  const name = `velocity-index-${slug(study.name)}${group ? `-${slug(group.key)}` : ''}-${kind}.csv`;
  return csvResponse(body, name);
};
