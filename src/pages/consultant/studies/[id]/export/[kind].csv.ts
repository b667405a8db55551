import type { APIRoute } from 'astro';
import { slug } from '../../../../../domain/file-names.ts';
import { config } from '../../../../../server/config.ts';
import { db } from '../../../../../server/db.ts';
import { csvResponse } from '../../../../../server/http/csv-response.ts';
import { fileNotFound, unprocessable } from '../../../../../server/http/post.ts';
import { loadInstrument } from '../../../../../server/instrument-loader.ts';
import { studyOf } from '../../../../../server/repositories/studies.ts';
import { answersCsv, scoresCsv } from '../../../../../server/services/exports.ts';

/**
 * /consultant/studies/<id>/export/scores.csv and …/answers.csv, for the
 * study's own consultant only. Rows are not exported by peer group: a
 * group's file beside the whole study's would say, by matching answers,
 * which rows belong to the group (the one executive of a company). The
 * comparison's own CSV gives each group's figures.
 */
export const GET: APIRoute = async ({ locals, params, url }) => {
  const kind = params.kind;
  const id = Number(params.id);
  if (!locals.consultant || (kind !== 'scores' && kind !== 'answers') || !Number.isInteger(id)) return fileNotFound();
  const study = await studyOf(db(), locals.consultant.id, id);
  if (!study) return fileNotFound();
  if (url.searchParams.has('dimension') || url.searchParams.has('group')) {
    return unprocessable(
      'Rows are not exported by peer group: set beside the whole study’s file, a group’s file would show which respondents belong to it. ' +
        'Export the whole study, or download the comparison’s figures for each group (CSV) from the comparison page.',
    );
  }
  const k = config().PEER_MIN_GROUP;
  const instrument = loadInstrument();
  const body = kind === 'scores' ? await scoresCsv(db(), instrument, study.id, k) : await answersCsv(db(), instrument, study.id, k);
  return csvResponse(body, `velocity-index-${slug(study.name)}-${kind}.csv`);
};
