/**
 * The reference pages that guard the reports' layout (tests/reports/reference-pages.test.ts):
 * a fixed company and personal report, rendered to PDF and drawn as PNG pages
 * with pdftoppm. `npm run reference-pages` writes them to tests/reference-pages/
 * after an intended change of design; look at every page before committing them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderReport } from '../src/reports/render.ts';
import { prepareLogo } from '../src/server/brand/logo.ts';
import { openMigrated } from '../src/server/db.ts';
import { loadInstrument } from '../src/server/instrument-loader.ts';
import { closeStore } from '../src/server/repositories/database-admin.ts';
import { findParticipant } from '../src/server/repositories/participants.ts';
import { insertReferenceStudy } from '../src/server/repositories/reference-study.ts';
import { companyReportFor, personalReportFor } from '../src/server/services/reports.ts';
import { seedParticipants } from '../src/server/services/seed.ts';

export const REFERENCE_DIR = fileURLToPath(new URL('../tests/reference-pages/', import.meta.url));
/** Low enough to keep the committed pages small, high enough that a moved block shows. */
export const REFERENCE_DPI = 40;
const K = 5;
const DATE = new Date('2026-12-01T12:00:00Z');

/** A logo drawn from an SVG, the way a consultant's upload is stored. */
const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48" viewBox="0 0 160 48"><rect width="48" height="48" rx="8" fill="#7a1f5c"/><path d="M12 34 L24 12 L36 34 Z" fill="#ffffff"/><rect x="60" y="14" width="92" height="8" rx="4" fill="#14213d"/><rect x="60" y="28" width="64" height="6" rx="3" fill="#8a93a8"/></svg>`;

/**
 * A fixed study: 2,000 synthetic participants from a fixed seed and clock, and a
 * branded company of twelve among them (six leaders, six sellers), so that the
 * company view, the team pages and leaders against sellers all appear.
 */
export async function referencePdfs(): Promise<{ company: Buffer; personal: Buffer }> {
  const db = openMigrated(':memory:');
  const instrument = loadInstrument();
  await seedParticipants(db, instrument, { count: 2000, seed: 12, now: new Date('2026-06-01T00:00:00Z') });
  const logo = await prepareLogo(new TextEncoder().encode(LOGO_SVG));
  if (!logo.ok) throw new Error(logo.error);
  const { ids, numbered } = await insertReferenceStudy(db, {
    consultantEmail: 'ref@example.com',
    studyName: 'Northwind sales benchmark 2026',
    studyToken: 'reference-study',
    brand: { name: 'Meridian Revenue Partners', accent: '#7a1f5c', logo: logo.value },
    companyName: 'Northwind Traders Ltd',
    companyToken: 'reference-company',
    respondents: { from: 30, to: 46 },
    completedAt: (i) => new Date(Date.UTC(2026, 10, 1, 9, i)),
  });
  const reader = (await findParticipant(db, ids.find((id) => numbered.has(id)) ?? ids[0]!))!;
  const companyModel = await companyReportFor(db, reader, K, DATE);
  const personalModel = await personalReportFor(db, reader, K, DATE);
  if (!companyModel || !personalModel) throw new Error('the reference participant has no report');
  await closeStore(db);
  return { company: await renderReport({ kind: 'company', model: companyModel }), personal: await renderReport({ kind: 'personal', model: personalModel }) };
}

/** A PDF's pages as PNG files, in page order, in a temporary folder the caller removes. */
export function pdfPages(pdf: Buffer, dpi = REFERENCE_DPI): { dir: string; pages: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'vi-pages-'));
  writeFileSync(join(dir, 'report.pdf'), pdf);
  const r = spawnSync('pdftoppm', ['-png', '-r', String(dpi), join(dir, 'report.pdf'), join(dir, 'page')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftoppm failed: ${r.stderr}`);
  return { dir, pages: readdirSync(dir).filter((f) => f.endsWith('.png')).sort().map((f) => join(dir, f)) };
}

/** The committed reference name of page `n` (1-based) of a report. */
export const referenceName = (kind: 'company' | 'personal', n: number) => `${kind}-${String(n).padStart(2, '0')}.png`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const pdfs = await referencePdfs();
  rmSync(REFERENCE_DIR, { recursive: true, force: true });
  mkdirSync(REFERENCE_DIR, { recursive: true });
  for (const kind of ['company', 'personal'] as const) {
    const { dir, pages } = pdfPages(pdfs[kind]);
    pages.forEach((p, i) => writeFileSync(join(REFERENCE_DIR, referenceName(kind, i + 1)), readFileSync(p)));
    rmSync(dir, { recursive: true, force: true });
    console.log(`${kind}: ${pages.length} pages`);
  }
  console.log(`Wrote ${REFERENCE_DIR}; look at every page before committing them.`);
}
