/**
 * src/reports/pdfkit-font-reuse.ts wraps pdfkit's PDFDocument.prototype.font
 * (pdfkit 0.20.1, as pinned by @react-pdf/renderer 4.9). If react-pdf moves to
 * another pdfkit (a second copy that the wrapper does not reach) or stops
 * selecting fonts by object, the count below stays at zero and this fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, Page, Text, renderToBuffer } from '@react-pdf/renderer';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { FONT } from '../../src/reports/fonts.ts';
import { fontReuseCount } from '../../src/reports/pdfkit-font-reuse.ts';

describe('pdfkit font reuse', () => {
  it('is the path react-pdf takes, and the PDF still embeds exactly the two faces', async () => {
    const before = fontReuseCount();
    const lines = ['First line', 'Second line', 'Third line'];
    const pdf = await renderToBuffer(
      createElement(
        Document,
        null,
        createElement(
          Page,
          { size: 'A4' },
          ...lines.flatMap((l) => [
            createElement(Text, { key: `r${l}`, style: { fontFamily: FONT } }, l),
            createElement(Text, { key: `b${l}`, style: { fontFamily: FONT, fontWeight: 'bold' } }, l),
          ]),
        ),
      ),
    );
    expect(fontReuseCount() - before).toBeGreaterThanOrEqual(lines.length * 2 - 2);
    const dir = mkdtempSync(join(tmpdir(), 'velocity-font-reuse-'));
    try {
      const file = join(dir, 'x.pdf');
      writeFileSync(file, pdf);
      const fonts = spawnSync('pdffonts', [file], { encoding: 'utf8' }).stdout.split('\n').slice(2).filter((l) => l.trim());
      expect(fonts.map((l) => l.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual(['SourceSans3-Bold', 'SourceSans3-Regular']);
      for (const row of fonts) expect(row).toMatch(/\syes\s+yes\s+yes\s/);
      expect(spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.trim()).filter(Boolean)).toEqual(lines.flatMap((l) => [l, l]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
