/**
 * Names in any script (README, "Names in any script"): the report face is Source Sans 3; Chinese, Japanese, Korean,
 * Arabic and Hebrew names and emoji fall back to faces loaded only when a report needs them, embedded as subsets.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Participant } from '../../db/schema.ts';
import { fontSafe, loadedFallbacks, REPLACEMENT } from '../../src/reports/fonts.ts';
import { renderReport } from '../../src/reports/render.ts';
import { firstWithNumbers } from '../../src/server/repositories/participants.ts';
import { companyReportFor } from '../../src/server/services/reports.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { openTempDb, type TempDb } from '../helpers/temp-db.ts';

const K = 5;
// This file asks the font loader of the rendering thread (loadedFallbacks) what it loaded: render on this thread,
// not in the pool's workers. Read when the first report renders, so setting it here is in time.
process.env.RENDER_WORKERS = '0';
let t: TempDb;
let subject: Participant;
const dir = mkdtempSync(join(tmpdir(), 'velocity-names-'));

beforeAll(async () => {
  t = openTempDb();
  await seedParticipants(t.db, instrument, { count: 200, seed: 7, now: new Date('2026-06-01T00:00:00Z') });
  subject = (await firstWithNumbers(t.db))!;
});
afterAll(() => {
  t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** The company report of the subject with `company` as its company name, read back: text, font rows, size. */
async function companyPdf(company: string): Promise<{ text: string; fonts: string[]; bytes: number }> {
  const model = (await companyReportFor(t.db, { ...subject, companyName: company }, K, new Date('2026-11-23T12:00:00Z')))!;
  const pdf = await renderReport({ kind: 'company', model });
  const file = join(dir, `${pdf.length}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  expect(text.status, text.stderr).toBe(0);
  const fonts = spawnSync('pdffonts', [file], { encoding: 'utf8' }).stdout.split('\n').slice(2).filter((l) => l.trim());
  // Every face is embedded as a subset with a Unicode map: emb, sub and uni all "yes".
  for (const row of fonts) expect(row, row).toMatch(/\sCID TrueType\s+Identity-H\s+yes\s+yes\s+yes\s/);
  return { text: text.stdout, fonts: fonts.map((row) => row.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, '')), bytes: pdf.length };
}

let plainBytes = 0;

describe('a report whose names are all Latin, Greek or Cyrillic', () => {
  it('uses Source Sans 3 alone and loads no fallback face', async () => {
    const { text, fonts, bytes } = await companyPdf("Zoë O'Brien-Łukasiewicz Αθήνα Москва");
    expect(text).toContain("Zoë O'Brien-Łukasiewicz Αθήνα Москва");
    expect(fonts).toContain('SourceSans3-Regular');
    for (const f of fonts) expect(f).toMatch(/^SourceSans3-(Regular|Semibold|Bold)$/);
    expect(loadedFallbacks()).toEqual([]);
    plainBytes = bytes;
  });
});

describe.each([
  { script: 'Chinese', name: '北京销售科技有限公司', face: 'NotoSansSC' },
  { script: 'Japanese', name: 'ソニー株式会社', face: 'NotoSansSC' },
  { script: 'Korean', name: '삼성전자 주식회사', face: 'NotoSansKR' },
])('a $script company name', ({ name, face }) => {
  it('comes back from pdftotext as itself, from an embedded subset of a CJK face', async () => {
    const { text, fonts, bytes } = await companyPdf(name);
    expect(text).toContain(name);
    expect(text).not.toContain(REPLACEMENT.repeat(2));
    expect(fonts.some((f) => f.startsWith(face))).toBe(true);
    // A subset: a few glyphs of a face whose file is 6 to 10 MB.
    expect(bytes - plainBytes).toBeLessThan(40_000);
  });
});

describe('right-to-left names', () => {
  it('renders a Hebrew name in right-to-left order: pdftotext, which reads visual order back into logical order, gives it as written', async () => {
    const { text, fonts } = await companyPdf('חברת המכירות');
    expect(text).toContain('חברת המכירות');
    // Drawn in logical (left-to-right) order, it would read back reversed.
    expect(text).not.toContain('תוריכמה');
    expect(fonts.some((f) => f.startsWith('NotoSansHebrew'))).toBe(true);
  });

  it('renders an Arabic name in joined forms with IBM Plex Sans Arabic, no character replaced', async () => {
    const { text, fonts } = await companyPdf('شركة المبيعات');
    // pdftotext gives back the words (a ligature such as sheen-reh may come back with its letters swapped).
    expect(text).toContain('المبيعات');
    expect(text).not.toContain(`${REPLACEMENT}${REPLACEMENT}`);
    expect(fonts.some((f) => f.startsWith('IBMPlexSansArabic'))).toBe(true);
  });
});

describe('emoji', () => {
  it('render as monochrome glyphs without throwing, and never turn the CJK characters beside them into question marks', async () => {
    const name = 'Zoë 🚀 北京 ✓ 🇫🇷';
    const { text, fonts } = await companyPdf(name);
    expect(text).toContain('Zoë 🚀 北京 ✓ 🇫🇷');
    expect(text).not.toContain('北京?');
    expect(fonts.some((f) => f.startsWith('NotoEmoji'))).toBe(true);
  });

  it('lose only what has no glyph anywhere: such an emoji is left out, another unknown character becomes "?"', () => {
    expect(fontSafe('北京 🚀 \u2764\ufe0f 👩🏽\u200d💻')).toBe('北京 🚀 \u2764\ufe0f 👩🏽\u200d💻');
    // Noto Emoji has every emoji assigned so far (Emoji 16 too); U+1FC00 is an emoji code point yet to be assigned.
    expect(fontSafe('Acme \u{1fc00}!')).toBe('Acme !');
    // A Thai word: no face has Thai.
    expect(fontSafe('บริษัท')).toBe(REPLACEMENT.repeat(6));
    expect(fontSafe('plain ASCII')).toBe('plain ASCII');
  });
});
