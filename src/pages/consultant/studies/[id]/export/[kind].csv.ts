import type { APIRoute } from 'astro';
import { slug } from '../../../../../domain/file-names.ts';
import { db } from '../../../../../server/db.ts';
import { notFound } from '../../../../../server/http/post.ts';
import { loadInstrument } from '../../../../../server/instrument-loader.ts';
import { studyOf } from '../../../../../server/repositories/studies.ts';
import { answersCsv, scoresCsv } from '../../../../../server/services/exports.ts';

/** /consultant/studies/<id>/export/scores.csv and …/answers.csv, for the study's own consultant only. */
export const GET: APIRoute = ({ locals, params }) => {
  const kind = params.kind;
  const id = Number(params.id);
  if (!locals.consultant || (kind !== 'scores' && kind !== 'answers') || !Number.isInteger(id)) return notFound();
  const study = studyOf(db(), locals.consultant.id, id);
  if (!study) return notFound();
  const body = kind === 'scores' ? scoresCsv(db(), study.id) : answersCsv(db(), loadInstrument(), study.id);
  return new Response(`\uFEFF${body}`, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="velocity-index-${slug(study.name)}-${kind}.csv"`,
      'cache-control': 'private, no-store',
    },
  });
};
