import { Document, Page, Text, renderToBuffer } from '@react-pdf/renderer';
import { createElement } from 'react';
import type { CompanyReportModel, PersonalReportModel } from '../domain/report-model.ts';
import { CompanyReport } from './CompanyReport.tsx';
import { FONT, fontSafe, warmShaper } from './fonts.ts';
import { PersonalReport } from './PersonalReport.tsx';

export type ReportRequest = { kind: 'company'; model: CompanyReportModel } | { kind: 'personal'; model: PersonalReportModel };

/**
 * react-pdf itself, run in whichever thread imports this: a render pool
 * worker (render-worker.ts), or the server's own thread when the pool is
 * turned off (RENDER_WORKERS=0). react-pdf's layout keeps module-level state,
 * so one thread renders one document at a time: the caller queues.
 */
export async function renderInThisThread(request: ReportRequest): Promise<Buffer> {
  const safe = mapStrings(request, fontSafe);
  const element = safe.kind === 'company' ? createElement(CompanyReport, { m: safe.model }) : createElement(PersonalReport, { m: safe.model });
  return renderToBuffer(element as Parameters<typeof renderToBuffer>[0]);
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

/**
 * Loads Yoga, sets up the shaper and runs react-pdf's pipeline once on a
 * one-line document, so that the first real report does not pay for it.
 */
export async function warmThisThread(): Promise<void> {
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
}
