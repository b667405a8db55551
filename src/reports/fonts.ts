import { Font } from '@react-pdf/renderer';
import * as fontkit from 'fontkit';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cacheDir } from '../server/paths.ts';
import { memoiseShaping } from './shaping-cache.ts';
import { loadShapedRuns, saveShapedRuns, shapingFile } from './shaping-store.ts';

/**
 * DejaVu Sans (open licence, from the npm registry), registered once per
 * process: it covers Latin Extended, Greek and Cyrillic, so names such as
 * "Zoë O'Brien-Łukasiewicz" or "Αλέξης Иванов" render as themselves.
 */
const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

export const FONT = 'DejaVu Sans';
const FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => join(dir, f));
Font.register({
  family: FONT,
  // The reports use regular and bold only; each face registered is one more to load.
  fonts: [{ src: FILES[0]! }, { src: FILES[1]!, fontWeight: 'bold' }],
});

const bytes = FILES.map((f) => readFileSync(f));
const faces = bytes.map((b) => fontkit.create(b) as fontkit.Font);
const shaping = faces.map((face) => memoiseShaping(face));
const stored = faces.map((face, i) => shapingFile(join(cacheDir(), 'shaping'), face, bytes[i]!.length));
const restored = shaping.map((cache, i) => loadShapedRuns(stored[i]!, cache));
/** Hits and misses of the shaping cache, per face (regular, bold), and how many runs came from disk: for tests and benchmarks. */
export const shapingStats = () => shaping.map(({ hits, misses, size }, i) => ({ hits, misses, size: size(), restored: restored[i]! }));

/**
 * Report text shaped by this process replaces what is on disk for the next
 * one (see shaping-store.ts). Only the priming command calls these, on
 * synthetic participants: text shaped for real reports (names, companies,
 * figures) stays in memory and is never written anywhere.
 */
export function clearShapingCache(): void {
  for (const cache of shaping) cache.clear();
}
export async function saveShapingCache(): Promise<boolean[]> {
  return Promise.all(shaping.map((cache, i) => saveShapedRuns(stored[i]!, faces[i]!.postscriptName, cache)));
}
/** Where each face's runs are stored: for the priming command and tests. */
export const shapingFiles = () => [...stored];

/**
 * Sets up fontkit's shaper (it reads the fonts' substitution and positioning
 * tables on first use) without adding to the cache, so that a server warming
 * up pays for it rather than the first download, whose text is mostly cached.
 */
export function warmShaper(): void {
  for (const face of faces) (Object.getPrototypeOf(face) as fontkit.Font).layout.call(face, 'Velocity Index 0123456789 %', [], undefined, undefined, 'ltr');
}

// react-pdf would parse both files a second time (fontkit.open) on the first
// render: hand it these faces, already parsed and memoised, instead. Its font
// store keeps one FontSource per registered face, loaded once per process.
for (const source of Font.getRegisteredFonts()[FONT]!.sources) {
  const face = faces[FILES.indexOf(source.src)];
  if (!face) throw new Error(`react-pdf registered an unexpected font source: ${source.src}`);
  source.data = face;
  source.loadResultPromise = Promise.resolve();
}
const REPLACEMENT = '?';
/** Most report text is plain ASCII, which both faces cover: such strings skip the per-character check. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const asciiCovered = faces.every((f) => Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i).every((cp) => cp === 0x20 || f.hasGlyphForCodePoint(cp)));

/**
 * Replaces every character some face lacks (CJK, emoji …) with "?": react-pdf
 * would otherwise switch to a standard font it does not embed. Whitespace
 * passes untouched. Report text repeats from one report to the next, so
 * answers are remembered (up to SAFE_CACHE_LIMIT strings, then forgotten at once).
 */
export function fontSafe(text: string): string {
  if (asciiCovered && PRINTABLE_ASCII.test(text)) return text;
  let out = safeCache.get(text);
  if (out !== undefined) return out;
  out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += /\s/.test(ch) || faces.every((f) => f.hasGlyphForCodePoint(cp)) ? ch : REPLACEMENT;
  }
  if (safeCache.size >= SAFE_CACHE_LIMIT) safeCache.clear();
  safeCache.set(text, out);
  return out;
}
const SAFE_CACHE_LIMIT = 10_000;
const safeCache = new Map<string, string>();
// Whole words only: react-pdf's default hyphenation splits names and numbers.
Font.registerHyphenationCallback((word) => [word]);
