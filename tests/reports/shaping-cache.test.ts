/**
 * The shaping cache replaces methods on fontkit faces and hands those faces to
 * react-pdf's font store (src/reports/shaping-cache.ts, src/reports/fonts.ts).
 * Written against fontkit 2.0 and @react-pdf/renderer 4.9 (@react-pdf/font 4.1,
 * textkit 7.0): these tests fail if an upgrade moves what they rely on, rather
 * than letting the reports silently slow down or change.
 */
import { Document, Font, Page, Text, renderToBuffer } from '@react-pdf/renderer';
import * as fontkit from 'fontkit';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { FONT, FONT_FAMILY, shapingStats } from '../../src/reports/fonts.ts';
import { memoiseShaping } from '../../src/reports/shaping-cache.ts';

const dir = join(dirname(createRequire(import.meta.url).resolve('source-sans/package.json')), 'TTF');
const open = (file = 'SourceSans3-Regular.ttf') => fontkit.openSync(join(dir, file)) as fontkit.Font;
const plain = (run: fontkit.GlyphRun) => ({
  glyphs: run.glyphs.map((g) => [g.id, g.codePoints.join(','), g.advanceWidth]),
  positions: run.positions.map((p) => [p.xAdvance, p.yAdvance, p.xOffset, p.yOffset]),
});

describe('memoiseShaping', () => {
  const TEXTS = ['Velocity Index — Company report', 'AVA fi ffl Tŷ', "Zoë O'Brien-Łukasiewicz Αθήνα Москва", '', '73 / 100'];

  it('relies on fontkit methods that still exist', () => {
    const face = open();
    expect(typeof Object.getPrototypeOf(face).layout).toBe('function');
    expect(typeof Object.getPrototypeOf(face).hasGlyphForCodePoint).toBe('function');
    expect(Object.getOwnPropertyDescriptor(Object.getPrototypeOf(face), 'unitsPerEm')?.get).toBeTypeOf('function');
  });

  it('gives the same glyphs and positions as fontkit, for the arguments textkit passes', () => {
    const reference = open();
    const face = open();
    const stats = memoiseShaping(face);
    for (const round of [1, 2]) {
      for (const text of TEXTS) {
        for (const features of [undefined, ['liga'], { kern: false }]) {
          const expected = plain(reference.layout(text, features as string[], undefined, undefined, 'ltr'));
          expect(plain(face.layout(text, features as string[], undefined, undefined, 'ltr')), `${text} ${JSON.stringify(features)} round ${round}`).toEqual(expected);
        }
      }
    }
    const run = face.layout('AVA');
    expect(Object.keys(run.positions[0]!)).toEqual(Object.keys(reference.layout('AVA').positions[0]!));
    expect(run.positions[0]).toBeInstanceOf(reference.layout('AVA').positions[0]!.constructor);
    expect(stats.misses).toBe(TEXTS.length * 3 + 1);
    expect(stats.hits).toBe(TEXTS.length * 3);
    expect(face.unitsPerEm).toBe(reference.unitsPerEm);
    for (const cp of [0x41, 0x0a, 0x3b1, 0x55b6, 0x1f680]) expect(face.hasGlyphForCodePoint(cp)).toBe(reference.hasGlyphForCodePoint(cp));
  });

  it('hands out copies: a caller mutating a run does not change the next one', () => {
    const face = open();
    memoiseShaping(face);
    const first = face.layout('Pipeline coverage');
    const expected = plain(first);
    first.positions[0]!.xAdvance *= 1000;
    first.glyphs.reverse();
    expect(plain(face.layout('Pipeline coverage'))).toEqual(expected);
    expect(face.layout('Pipeline coverage').advanceWidth).toBe(open().layout('Pipeline coverage').advanceWidth);
  });

  it('is applied once per face', () => {
    const face = open();
    expect(memoiseShaping(face)).toBe(memoiseShaping(face));
  });

  it('keeps the most recently used runs when full, and forgets them all on clear', () => {
    const face = open();
    const stats = memoiseShaping(face, 3);
    for (const text of ['a', 'b', 'c', 'a', 'd']) face.layout(text);
    expect(stats.size()).toBe(3);
    expect(stats.misses).toBe(4);
    face.layout('a');
    expect(stats.misses).toBe(4);
    face.layout('b');
    expect(stats.misses).toBe(5);
    stats.clear();
    expect(stats.size()).toBe(0);
  });
});


describe("react-pdf's font store", () => {
  it('holds the memoised faces, and react-pdf shapes report text through them', async () => {
    const sources = Font.getRegisteredFonts()[FONT_FAMILY]!.sources;
    expect(sources.map((s) => s.data?.postscriptName)).toEqual(['SourceSans3-Regular', 'SourceSans3-Semibold', 'SourceSans3-Bold']);
    const before = shapingStats();
    const text = `A sentence shaped for this test only ${Date.now()}`;
    const pdf = await renderToBuffer(
      createElement(Document, null, createElement(Page, { size: 'A4' }, createElement(Text, { style: { fontFamily: FONT } }, text), createElement(Text, { style: { fontFamily: FONT, fontWeight: 'bold' } }, text))),
    );
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const after = shapingStats();
    // Regular and bold were asked to shape the new text: textkit calls font.layout on the faces react-pdf holds.
    for (const i of [0, 2]) expect(after[i]!.misses, `face ${i}`).toBeGreaterThan(before[i]!.misses);
  });
});
