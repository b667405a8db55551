import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPages, referenceName, referencePdfs, REFERENCE_DIR } from '../../scripts/reference-pages.ts';

/**
 * The reports' layout against committed reference pages (tests/reference-pages,
 * written by `npm run reference-pages` after an intended change of design).
 * Anti-aliasing differs a little between machines, so a page may differ in up
 * to MAX_CHANGED (0.1 %) of its pixels; a bar 50 pt shorter, a block that moves or a page
 * that breaks elsewhere changes far more.
 */
const MAX_CHANGED = 0.001;

let pdfs: { company: Buffer; personal: Buffer };
const folders: string[] = [];

beforeAll(async () => {
  pdfs = await referencePdfs();
});
afterAll(() => folders.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.each(['company', 'personal'] as const)('the %s report, page by page', (kind) => {
  it('matches the reference pages within the tolerance', () => {
    const { dir, pages } = pdfPages(pdfs[kind]);
    const expected = Array.from({ length: 40 }, (_, i) => referenceName(kind, i + 1)).filter((f) => existsSync(join(REFERENCE_DIR, f)));
    expect(expected.length, 'reference pages committed').toBeGreaterThan(0);
    expect(pages.length, 'page count').toBe(expected.length);
    const changed: string[] = [];
    pages.forEach((file, i) => {
      const actual = PNG.sync.read(readFileSync(file));
      const reference = PNG.sync.read(readFileSync(join(REFERENCE_DIR, expected[i]!)));
      expect([actual.width, actual.height], `${expected[i]} size`).toEqual([reference.width, reference.height]);
      const diff = new PNG({ width: actual.width, height: actual.height });
      const n = pixelmatch(actual.data, reference.data, diff.data, actual.width, actual.height, { threshold: 0.1 });
      const share = n / (actual.width * actual.height);
      if (share > MAX_CHANGED) {
        // What moved, in red.
        const out = join(dir, `diff-${expected[i]}`);
        writeFileSync(out, PNG.sync.write(diff));
        changed.push(`${expected[i]}: ${(share * 100).toFixed(2)} % of pixels differ (diff: ${out})`);
      }
    });
    // The pages and their diffs stay on disk when a page differs, for a person to look at.
    if (changed.length === 0) folders.push(dir);
    expect(changed, 'pages that differ from their reference').toEqual([]);
  });
});

describe('the comparison', () => {
  it('notices a changed page: the company cover against its summary page differs far beyond the tolerance', () => {
    const a = PNG.sync.read(readFileSync(join(REFERENCE_DIR, referenceName('company', 1))));
    const b = PNG.sync.read(readFileSync(join(REFERENCE_DIR, referenceName('company', 2))));
    const n = pixelmatch(a.data, b.data, undefined, a.width, a.height, { threshold: 0.1 });
    expect(n / (a.width * a.height)).toBeGreaterThan(MAX_CHANGED * 50);
  });
});
