import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participants, scores, studies } from '../../db/schema.ts';
import { eq, inArray } from 'drizzle-orm';
import { renderReport } from '../../src/reports/render.ts';
import type { SqliteStore as Store } from '../../src/server/data/store.ts';
import { insertConsultant } from '../../src/server/repositories/consultants.ts';
import { findParticipant, saveNumbers } from '../../src/server/repositories/participants.ts';
import { findScore } from '../../src/server/repositories/scores.ts';
import { companyReportFor, personalReportFor } from '../../src/server/services/reports.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { insertStudy, insertCompany } from '../../src/server/repositories/studies.ts';
import { openTempDb, type TempDb } from '../helpers/temp-db.ts';

const K = 5;
const NAME = "Zoë O'Brien-Łukasiewicz <script>alert(1)</script> Αθήνα Москва 営業 🚀";
let t: TempDb;
let db: Store;

/** Page n of the PDF as text, one line per line. */
function pageText(pdf: Buffer, name: string, page: number): string {
  const file = join(t.path, '..', `${name}-page.pdf`);
  writeFileSync(file, pdf);
  return spawnSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), file, '-'], { encoding: 'utf8' }).stdout;
}

/** Every page ends with the product's footer and "Page n of N", and every page after the cover starts with the running header. */
function expectPageChrome(pdf: Buffer, name: string, pages: number, header: string) {
  for (let n = 1; n <= pages; n++) {
    const lines = pageText(pdf, name, n).split('\n').map((l) => l.trim()).filter(Boolean);
    expect(lines.at(-1), `${name} page ${n}`).toMatch(new RegExp(`^(Velocity Index · sales benchmark study|Benchmark by Velocity Index)\\s+Page ${n} of ${pages}$`));
    if (n > 1) expect(lines[0], `${name} page ${n}`).toContain(header);
  }
}

/**
 * No page between the cover and the last holds only a few lines: a block that did not fit used to be carried to a
 * page of its own (the personal report once had a page with nothing but its third suggestion).
 */
function expectNoNearlyEmptyPage(pdf: Buffer, name: string, pages: number) {
  for (let n = 2; n < pages; n++) {
    const lines = pageText(pdf, name, n).split('\n').filter((l) => l.trim());
    // Header and footer lines aside.
    expect(lines.length - 2, `${name} page ${n}`).toBeGreaterThanOrEqual(12);
  }
}

function pdfText(pdf: Buffer, name: string): { text: string; pages: number; fonts: string } {
  const file = join(t.path, '..', `${name}.pdf`);
  writeFileSync(file, pdf);
  const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' });
  const fonts = spawnSync('pdffonts', [file], { encoding: 'utf8' });
  expect(text.status, text.stderr).toBe(0);
  return { text: text.stdout.replace(/\s+/g, ' '), pages: Number(info.stdout.match(/Pages:\s+(\d+)/)![1]), fonts: fonts.stdout };
}

/**
 * What every report PDF must be, read back: a page count in range, every font embedded, the running header and
 * "Page n of N" on each page, and no nearly empty page. Returns its text and page count.
 */
function readReportPdf(pdf: Buffer, name: string, pageRange: [number, number], header: string): { text: string; pages: number } {
  const { text, pages, fonts } = pdfText(pdf, name);
  expect(pages).toBeGreaterThanOrEqual(pageRange[0]);
  expect(pages).toBeLessThanOrEqual(pageRange[1]);
  expectAllEmbedded(fonts);
  expectPageChrome(pdf, name, pages, header);
  expectNoNearlyEmptyPage(pdf, name, pages);
  return { text, pages };
}

/** Every font row of pdffonts says "yes" in the emb column. */
function expectAllEmbedded(fonts: string) {
  const rows = fonts.split('\n').slice(2).filter((l) => l.trim());
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row, row).toMatch(/\s(CID TrueType|TrueType)\s.*\syes\s+yes\s+yes\s/);
}

let single: number;
let withoutNumbers: number;
let team: number[];

beforeAll(async () => {
  t = openTempDb();
  db = t.db;
  await seedParticipants(db, instrument, { count: 400, seed: 21, now: new Date('2026-06-01T00:00:00Z') });
  const ids = db.db.$client.prepare('SELECT id FROM participants ORDER BY id').all() as { id: number }[];
  const numbered = new Set((db.db.$client.prepare('SELECT participant_id AS id FROM participant_numbers').all() as { id: number }[]).map((r) => r.id));
  single = ids.find((r) => numbered.has(r.id))!.id;
  withoutNumbers = ids.find((r) => !numbered.has(r.id))!.id;
  // Three colleagues of one company, one of them a seller and two leaders at least by chance of the seed.
  const consultant = await insertConsultant(db, { email: 'c@example.com', passwordHash: 'x' });
  const study = await insertStudy(db, consultant.id, 'Study', 'study-token-x1');
  const company = await insertCompany(db, study.id, NAME, 'company-token-x1');
  team = ids.slice(10, 16).map((r) => r.id);
  db.db.update(participants).set({ companyId: company.id, studyId: study.id, companyName: NAME }).where(inArray(participants.id, team)).run();
  // Scores carry the company beside them, as finishing a real participant stores it.
  db.db.update(scores).set({ companyId: company.id, studyId: study.id }).where(inArray(scores.participantId, team)).run();
  db.db.update(participants).set({ role: 'rep' }).where(eq(participants.id, team[0]!)).run();
  db.db.update(participants).set({ role: 'leader' }).where(inArray(participants.id, team.slice(1))).run();
});

afterAll(() => t.cleanup());

describe('the company PDF', () => {
  it('says what the database holds: company, every sub-index score, category and peer-group size', async () => {
    const p = (await findParticipant(db, single))!;
    const model = (await companyReportFor(db, p, K, new Date('2026-11-23T12:00:00Z')))!;
    const stored = (await findScore(db, single))!;
    const pdf = await renderReport({ kind: 'company', model });
    const { text } = readReportPdf(pdf, 'company', [8, 12], 'Company report ·');
    for (const heading of ['Company report', 'Summary', 'Executive summary', 'Your first five actions', 'Your numbers', 'Detailed analysis', 'Methodology']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain(p.companyName);
    expect(text).toContain('23 November 2026');
    for (const [label, value] of [
      ['Deal Value', stored.value],
      ['Number of opportunities', stored.number],
      ['Win Rate', stored.winRate],
      ['Sales Cycle', stored.cycle],
    ] as const) {
      expect(text).toMatch(new RegExp(`${label} ${Math.round(value!)} / 100`));
    }
    expect(text).toContain(model.summary.velocity.category);
    expect(model.meta.peerSize).toBeGreaterThanOrEqual(K);
    expect(text).toContain(`(${model.meta.peerSize!.toLocaleString('en-US')} participants)`);
    expect(text).not.toContain('Where your team disagrees');
  });

  it('leaves the numbers page out for a participant without numbers', async () => {
    const model = (await companyReportFor(db, (await findParticipant(db, withoutNumbers))!, K))!;
    expect(model.numbers).toBeNull();
    const { text } = pdfText(await renderReport({ kind: 'company', model }), 'no-numbers');
    expect(text).not.toContain('Your numbers');
    expect(text).toContain('Detailed analysis');
  });

  it('aggregates a company with several respondents, shows where they disagree, and keeps odd names as text', async () => {
    const model = (await companyReportFor(db, (await findParticipant(db, team[0]!))!, K))!;
    // Six respondents: the reader and k others, so the company's figures may be shown to the reader.
    expect(model.meta.respondents).toBe(6);
    expect(model.meta.view).toBe('company');
    // A company is never its own peer: none of the six colleagues is counted in the peer group.
    const p = (await findParticipant(db, team[0]!))!;
    const where = model.meta.peerLabel!.startsWith('All participants') ? '1 = 1' : model.meta.peerLabel!.includes('employees') && !model.meta.peerLabel!.startsWith('All industries') ? 'industry = @industry AND employees = @employees' : model.meta.peerLabel!.startsWith('All industries') ? 'employees = @employees' : 'industry = @industry';
    const outside = db.db.$client.prepare(`SELECT count(*) AS n FROM scores WHERE ${where} AND (company_id IS NULL OR company_id != @company)`).get({ industry: p.industry, employees: p.employees, company: p.companyId }) as { n: number };
    expect(model.meta.peerSize).toBe(outside.n);
    const pdf = await renderReport({ kind: 'company', model });
    // Every part of the report, the detailed analysis and the team pages.
    const { text } = readReportPdf(pdf, 'team', [8, 14], 'Company report ·');
    expect(text).toContain('Where your team disagrees');
    expect(text).toContain('Company view · 6 respondents');
    // Each practice reads back the team's average, never one colleague's answer.
    expect(text).toMatch(/Team average \d+/);
    expect(text).not.toMatch(/\bYou said\b/);
    // One rep among five leaders: no leaders-against-sellers contrast, which would be that rep's answers.
    expect(text).not.toContain('Leaders and sellers');
    // Latin Extended, Greek and Cyrillic come back as written; markup stays text.
    expect(text).toContain("Zoë O'Brien-Łukasiewicz <script>alert(1)</script> Αθήνα Москва");
  });
});

describe('the numbers page of the company PDF', () => {
  it('names the win rate entered (22 %) and the one from won and lost deals (29.5 %) side by side, and adds the company median over at least k', async () => {
    // Eleven respondents of one company, each with numbers; the reader typed 22 % and won 13 of 44 decided deals.
    const consultant = await insertConsultant(db, { email: 'numbers@example.com', passwordHash: 'x' });
    const study = await insertStudy(db, consultant.id, 'Numbers study', 'study-token-n1');
    const company = await insertCompany(db, study.id, 'Numbers Ltd', 'company-token-n1');
    const ids = (db.db.$client.prepare('SELECT id FROM participants ORDER BY id').all() as { id: number }[]).slice(40, 51).map((r) => r.id);
    db.db.update(participants).set({ companyId: company.id, studyId: study.id, companyName: 'Numbers Ltd' }).where(inArray(participants.id, ids)).run();
    db.db.update(scores).set({ companyId: company.id, studyId: study.id }).where(inArray(scores.participantId, ids)).run();
    const [reader, ...colleagues] = ids as [number, ...number[]];
    // They finished in id order, so the company's figures combine the first six of them.
    ids.forEach((id, i) => db.db.update(participants).set({ completedAt: new Date(Date.UTC(2026, 10, 1, 9, i)) }).where(eq(participants.id, id)).run());
    await saveNumbers(db, reader, {
      opportunities: 40,
      dealValue: 25_000,
      currency: 'USD',
      winRate: 22,
      cycleDays: 90,
      quota: 300_000,
      pipeline: 700_000,
      wonCount: 13,
      wonValue: 300_000,
      lostCount: 31,
      lostValue: 700_000,
      stage1: 58,
      stage2: 51,
      stage3: 18,
    });
    for (const [i, id] of colleagues.entries()) await saveNumbers(db, id, { winRate: 20 + 5 * i, dealValue: 10_000 * (i + 1), currency: 'USD' });
    const model = (await companyReportFor(db, (await findParticipant(db, reader))!, K, new Date('2026-11-23T12:00:00Z')))!;
    const { text } = readReportPdf(await renderReport({ kind: 'company', model }), 'numbers', [8, 14], 'Company report ·');
    expect(text).toContain('Win rate you entered 22.0 %');
    expect(text).toContain("Unit win rate from last quarter's decided deals (13 won of 44) 29.5 %");
    expect(text).toContain('Velocity and the what-if use the win rate you entered');
    expect(text).toContain('At the win rate you entered, 22.0 %.');
    expect(text).toContain("Last quarter's decided deals give a rate 7.5 points above the one you entered");
    // One rounding rule for the stage counts, in the ratio and beside the funnel.
    expect(text).toContain('19 : 11 : 6 : 1');
    // The reader's own figures beside the company's. Company figures combine the first 2k + 1 = 11 respondents
    // (they grow in steps of k), and a median needs 2k respondents besides the reader: the reader and the ten
    // colleagues with 20 to 65 % and 10,000 to 100,000.
    expect(text).toContain('You and your company');
    expect(text).toMatch(/Win rate entered 22\.0 % 40\.0 % \(median of 11\)/);
    expect(text).toMatch(/Average deal value USD 25,000 USD 50,000 \(median of 11\)/);
    // Only the reader gave deals won and lost: no company figure for them, and none of a colleague's own values.
    expect(text).toMatch(/Unit win rate, last quarter's decided deals 29\.5 % —/);
    for (const own of ['USD 10,000', 'USD 60,000', '45.0 %']) expect(text).not.toContain(own);
  });
});

describe('the personal PDF', () => {
  it('shows the Personal Index, its category, approach against execution and three suggestions', async () => {
    const model = (await personalReportFor(db, (await findParticipant(db, single))!, K))!;
    const pdf = await renderReport({ kind: 'personal', model });
    const { text } = readReportPdf(pdf, 'personal', [3, 7], 'Personal report ·');
    expect(text).toContain('Your Personal Index');
    expect(text).toContain(model.index.category);
    expect(text).toContain('Approach and execution');
    expect(model.suggestions.items).toHaveLength(3);
    for (const s of model.suggestions.items) expect(text).toContain(s.title);
    expect(model.position?.size).toBeGreaterThanOrEqual(K);
  });
});

describe('rendering', () => {
  it('serves an unchanged report from the cache and queues concurrent renders', async () => {
    const company = (await companyReportFor(db, (await findParticipant(db, single))!, K, new Date('2026-11-23T12:00:00Z')))!;
    const personal = (await personalReportFor(db, (await findParticipant(db, withoutNumbers))!, K))!;
    const [a, b, c] = await Promise.all([
      renderReport({ kind: 'company', model: company }),
      renderReport({ kind: 'personal', model: personal }),
      renderReport({ kind: 'company', model: structuredClone(company) }),
    ]);
    expect(c).toBe(a);
    expect(b.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await renderReport({ kind: 'company', model: company })).toBe(a);
  });
});
