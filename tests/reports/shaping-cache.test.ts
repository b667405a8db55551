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
import { FONT, shapingStats } from '../../src/reports/fonts.ts';
import { memoiseShaping } from '../../src/reports/shaping-cache.ts';

const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const open = (file = 'DejaVuSans.ttf') => fontkit.openSync(join(dir, file)) as fontkit.Font;
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
});

describe('exported runs', () => {
  // Ligatures (fi, ffl), kerning (AV, Te, y.), marks, a no-break space, Greek and Cyrillic, characters DejaVu lacks
  // (CJK, emoji: .notdef), a variation selector, a presentation form that is a ligature glyph itself, and nothing.
  const TEXTS = ['Velocity Index — Company report', 'AVA fi ffl office Tŷ', 'Te y. "Yes," V.', 'e\u0301 cafe\u0301 n\u0303', 'a\u00a0b 50\u202f%', "Zoë O'Brien-Łukasiewicz Αθήνα Москва", '漢字 🚀 ok', 'A\ufe0f', '\ufb01nance', '', '73 / 100'];
  // Made afresh for every call: fontkit adds its default features to an object it is given.
  const FEATURES = [() => undefined, () => [], () => ['liga'], () => ({ kern: false })];
  const shapeAll = (face: fontkit.Font) => TEXTS.flatMap((text) => FEATURES.map((features) => face.layout(text, features() as string[], undefined, undefined, 'ltr')));
  const full = (run: fontkit.GlyphRun) => ({ ...plain(run), script: run.script, language: run.language, direction: run.direction, features: run.features });

  it('rebuild in a fresh face exactly what fontkit shapes, with no shaping at all', () => {
    const first = open();
    const exporter = memoiseShaping(first);
    shapeAll(first);
    expect(exporter.fresh()).toBe(TEXTS.length * FEATURES.length);
    const exported = JSON.parse(JSON.stringify(exporter.exportRuns())) as unknown[];
    expect(exporter.fresh()).toBe(0);
    // Most glyphs are the plain glyph of their character: a run is written as a few tokens, not a list of glyphs.
    const title = exported.find((r) => (r as string[])[0]!.endsWith('\u0000Velocity Index — Company report')) as string[];
    expect(title[5]!.split(' ').length).toBeLessThan(8);

    const face = open();
    const stats = memoiseShaping(face);
    expect(stats.importRuns(exported)).toBe(exported.length);
    const expected = shapeAll(open()).map(full);
    expect(shapeAll(face).map(full)).toEqual(expected);
    expect(stats.misses).toBe(0);
    expect(stats.hits).toBe(expected.length);
    // Served as copies, like runs shaped in this process.
    const run = face.layout('AVA fi ffl office Tŷ', [], undefined, undefined, 'ltr');
    run.positions[0]!.xAdvance = -1;
    expect(plain(face.layout('AVA fi ffl office Tŷ', [], undefined, undefined, 'ltr'))).toEqual(plain(open().layout('AVA fi ffl office Tŷ', [], undefined, undefined, 'ltr')));
    expect(face.layout('AVA', [], undefined, undefined, 'ltr').advanceWidth).toBe(open().layout('AVA', [], undefined, undefined, 'ltr').advanceWidth);
  });

  it('refuses malformed entries and shapes a run again when its glyphs do not decode', () => {
    const first = open();
    const exporter = memoiseShaping(first);
    first.layout('Pipeline', [], undefined, undefined, 'ltr');
    const [good] = exporter.exportRuns();
    const key = (text: string) => good![0].replace('Pipeline', text);
    const undecodable = [
      [key('Coverage'), 'latn', null, 'ltr', good![4], 'g999999::600:0:0:0'], // no such glyph
      [key('Win rate'), 'latn', null, 'ltr', good![4], '40'], // more plain glyphs than characters
      [key('Cycle'), 'latn', null, 'ltr', good![4], '3 x 2'], // not a token
    ];
    const malformed = [null, 'text', [key('Deal size')], [key('Deal size'), 'latn', null, 'ltr', ['kern'], '9'], [key('Deal size'), 'latn', null, 'ltr', {}, 9]];
    const face = open();
    const stats = memoiseShaping(face);
    expect(stats.importRuns([...undecodable, ...malformed])).toBe(undecodable.length);
    for (const text of ['Coverage', 'Win rate', 'Cycle', 'Deal size']) {
      expect(plain(face.layout(text, [], undefined, undefined, 'ltr')), text).toEqual(plain(open().layout(text, [], undefined, undefined, 'ltr')));
    }
    expect(stats.misses).toBe(4);
    expect(stats.hits).toBe(0);
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
    expect(stats.fresh()).toBe(0);
    expect(stats.exportRuns()).toEqual([]);
  });
});

describe("react-pdf's font store", () => {
  it('holds the memoised faces, and react-pdf shapes report text through them', async () => {
    const sources = Font.getRegisteredFonts()[FONT]!.sources;
    expect(sources.map((s) => s.data?.postscriptName)).toEqual(['DejaVuSans', 'DejaVuSans-Bold']);
    const before = shapingStats();
    const text = `A sentence shaped for this test only ${Date.now()}`;
    const pdf = await renderToBuffer(
      createElement(Document, null, createElement(Page, { size: 'A4' }, createElement(Text, { style: { fontFamily: FONT } }, text), createElement(Text, { style: { fontFamily: FONT, fontWeight: 'bold' } }, text))),
    );
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const after = shapingStats();
    // Both faces were asked to shape the new text: textkit calls font.layout on the faces react-pdf holds.
    for (const i of [0, 1]) expect(after[i]!.misses, `face ${i}`).toBeGreaterThan(before[i]!.misses);
  });
});
