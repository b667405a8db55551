import { Document, Page, Text, renderToBuffer } from '@react-pdf/renderer';
import { createHash } from 'node:crypto';
import { createElement } from 'react';
import type { CompanyReportModel, PersonalReportModel } from '../domain/report-model.ts';
import { CompanyReport } from './CompanyReport.tsx';
import { FONT, fontSafe, warmShaper } from './fonts.ts';
import { PersonalReport } from './PersonalReport.tsx';

export type ReportRequest = { kind: 'company'; model: CompanyReportModel } | { kind: 'personal'; model: PersonalReportModel };

/**
 * The one entry point that turns a report model into PDF bytes. Renders run
 * one at a time (react-pdf's layout keeps module-level state, so concurrent
 * renders are queued, never raced), and a finished PDF is cached under the
 * hash of the model that determines it: an unchanged report is a map lookup.
 */
const CACHE_LIMIT = 64;
const cache = new Map<string, Buffer>();
let queue: Promise<unknown> = Promise.resolve();

export function cacheKey(request: ReportRequest): string {
  return createHash('sha256').update(request.kind).update(JSON.stringify(request.model)).digest('hex');
}

export function renderReport(request: ReportRequest): Promise<Buffer> {
  const key = cacheKey(request);
  const hit = cache.get(key);
  if (hit) return Promise.resolve(hit);
  const job = queue.then(async () => {
    const again = cache.get(key);
    if (again) return again;
    const safe = mapStrings(request, fontSafe);
    const element = safe.kind === 'company' ? createElement(CompanyReport, { m: safe.model }) : createElement(PersonalReport, { m: safe.model });
    const pdf = await renderToBuffer(element as Parameters<typeof renderToBuffer>[0]);
    cache.set(key, pdf);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    return pdf;
  });
  queue = job.catch(() => undefined);
  return job;
}

/** A copy of plain data with every string passed through `fn`. */
function mapStrings<T>(value: T, fn: (s: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)])) as T;
  }
  return value;
}

let warming: Promise<void> | undefined;

/**
 * Loads Yoga, sets up the shaper and runs react-pdf's pipeline once by
 * rendering a one-line document through the same queue, so that the first
 * real download does not pay for it. Called without waiting when the server
 * answers its first request.
 */
export function warmRenderer(): Promise<void> {
  warming ??= queue = queue
    .then(async () => {
      warmShaper();
      await renderToBuffer(
        createElement(
          Document,
          null,
          createElement(
            Page,
            { size: 'A4' },
            createElement(Text, { style: { fontFamily: FONT } }, 'Velocity Index'),
            createElement(Text, { style: { fontFamily: FONT, fontWeight: 'bold' } }, 'Velocity Index'),
          ),
        ),
      );
    })
    .catch(() => undefined);
  return warming;
}
