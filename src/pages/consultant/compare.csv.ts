import type { APIRoute } from 'astro';
import { DIMENSION_LABELS } from '../../domain/comparison.ts';
import { slug } from '../../domain/file-names.ts';
import { config } from '../../server/config.ts';
import { db } from '../../server/db.ts';
import { csvResponse } from '../../server/http/csv-response.ts';
import { badRequest, fileNotFound } from '../../server/http/post.ts';
import { loadInstrument } from '../../server/instrument-loader.ts';
import { comparisonFor, parseComparisonQuery } from '../../server/services/comparison.ts';
import { comparisonCsv } from '../../server/services/exports.ts';
import { storedStatsPopulation } from '../../server/services/peer-stats.ts';

/** The comparison table of /consultant/compare with the same address parameters, as CSV. */
export const GET: APIRoute = async ({ locals, url }) => {
  if (!locals.consultant) return fileNotFound();
  const parsed = parseComparisonQuery(url.searchParams);
  if (!parsed.ok) return badRequest(parsed.error);
  const comparison = await comparisonFor(db(), loadInstrument(), locals.consultant.id, { ...parsed.query, group: undefined }, config().PEER_MIN_GROUP);
  if (!comparison) return fileNotFound();
  // Over everyone, before any real participant has finished, the figures are demo data: the file says so in its name.
  const scope = comparison.study ? slug(comparison.study.name) : (await storedStatsPopulation(db(), loadInstrument())) === 'demo' ? 'demo-data' : 'all-participants';
  return csvResponse(comparisonCsv(comparison.model, DIMENSION_LABELS[comparison.model.dimension]), `velocity-index-compare-${comparison.model.dimension}-${scope}.csv`);
};
