import { Font } from '@react-pdf/renderer';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * DejaVu Sans (open licence, from the npm registry), registered once per
 * process: it covers Latin Extended, Greek and Cyrillic, so names such as
 * "Zoë O'Brien-Łukasiewicz" or "Αλέξης Иванов" render as themselves.
 */
const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

export const FONT = 'DejaVu Sans';
Font.register({
  family: FONT,
  fonts: [
    { src: join(dir, 'DejaVuSans.ttf') },
    { src: join(dir, 'DejaVuSans-Bold.ttf'), fontWeight: 'bold' },
    { src: join(dir, 'DejaVuSans-Oblique.ttf'), fontStyle: 'italic' },
  ],
});
// Whole words only: react-pdf's default hyphenation splits names and numbers.
Font.registerHyphenationCallback((word) => [word]);
