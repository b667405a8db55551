import { Font } from '@react-pdf/renderer';
import * as fontkit from 'fontkit';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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

const faces = FILES.map((f) => fontkit.openSync(f) as fontkit.Font);
const REPLACEMENT = '?';

/**
 * Replaces every character some face lacks (CJK, emoji …) with "?": react-pdf
 * would otherwise switch to a standard font it does not embed. Whitespace
 * passes untouched.
 */
export function fontSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += /\s/.test(ch) || faces.every((f) => f.hasGlyphForCodePoint(cp)) ? ch : REPLACEMENT;
  }
  return out;
}
// Whole words only: react-pdf's default hyphenation splits names and numbers.
Font.registerHyphenationCallback((word) => [word]);
