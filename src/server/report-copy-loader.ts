import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIssues } from '../domain/instrument-check.ts';
import { ReportCopySchema, type ReportCopy } from '../domain/report-copy.ts';
import { templatesDir } from './paths.ts';
import { parseYamlCached } from './yaml-cache.ts';

let cached: ReportCopy | undefined;

/** templates/reports/copy.yaml, validated once per process; a bad file throws naming the field. */
export function loadReportCopy(): ReportCopy {
  if (cached) return cached;
  const file = join(templatesDir(), 'reports', 'copy.yaml');
  const data: unknown = parseYamlCached(readFileSync(file, 'utf8'));
  const parsed = ReportCopySchema.safeParse(data);
  if (!parsed.success) throw new Error(`${file} is not valid report copy:\n  ${formatIssues(data, parsed.error).join('\n  ')}`);
  cached = parsed.data;
  return cached;
}
