import { Font } from '@react-pdf/renderer';
import * as fontkit from 'fontkit';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { memoiseShaping } from './shaping-cache.ts';

/**
 * The reports' typeface is Source Sans 3 (Adobe, SIL Open Font License, npm
 * `source-sans`): TrueType files covering Latin Extended, Greek and Cyrillic,
 * so names such as "Zoë O'Brien-Łukasiewicz" or "Αλέξης Иванов" render as
 * themselves. The site serves the same family (src/styles/fonts.css).
 *
 * Names in other scripts fall back, character by character, to other open
 * faces (npm `@expo-google-fonts/*`: Google Fonts' full static TrueType
 * files, not split by unicode range): Noto Sans SC for Chinese characters and
 * Japanese kana, Noto Sans KR for Hangul, IBM Plex Sans Arabic, Noto Sans
 * Hebrew, and the monochrome Noto Emoji. react-pdf takes a family list (`fontFamily: [...]`)
 * and picks, per character, the first face with a glyph (textkit's font
 * substitution), then orders right-to-left runs with bidi-js and shapes
 * them with fontkit (Arabic joining forms). pdfkit embeds every face used
 * as a subset of the glyphs drawn, so a report with a Chinese name carries
 * only those few characters of a 10 MB face.
 *
 * Fallback faces are read only when a report needs them: until then their
 * react-pdf font sources hold no data and count as loaded, so the text
 * pipeline skips them (it only picks faces that report a glyph). `fontSafe`,
 * which sees every string of a report before it is laid out, loads a
 * fallback the first time a character needs it; it stays loaded for the
 * life of the process.
 */
const resolvePackage = (name: string) => dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));

/** The primary family's name, for react-pdf and for tests. */
export const FONT_FAMILY = 'Source Sans 3';
export const WEIGHT_REGULAR = 400;
/** Headings and labels that should stand out less than bold. */
export const WEIGHT_SEMIBOLD = 600;
/** What react-pdf's `fontWeight: 'bold'` resolves to. */
export const WEIGHT_BOLD = 700;

type Weight = typeof WEIGHT_REGULAR | typeof WEIGHT_SEMIBOLD | typeof WEIGHT_BOLD;
/** `scripts`: characters worth asking this face about; others never make it read its file. */
type Fallback = { family: string; files: Partial<Record<Weight, string>>; scripts: RegExp };

const sourceSans = join(resolvePackage('source-sans'), 'TTF');
const PRIMARY: Record<Weight, string> = {
  [WEIGHT_REGULAR]: join(sourceSans, 'SourceSans3-Regular.ttf'),
  [WEIGHT_SEMIBOLD]: join(sourceSans, 'SourceSans3-Semibold.ttf'),
  [WEIGHT_BOLD]: join(sourceSans, 'SourceSans3-Bold.ttf'),
};

const googleFont = (pkg: string, prefix: string, weights: Weight[]): Partial<Record<Weight, string>> => {
  const dir = resolvePackage(`@expo-google-fonts/${pkg}`);
  const name = { 400: '400Regular', 600: '600SemiBold', 700: '700Bold' } as const;
  return Object.fromEntries(weights.map((w) => [w, join(dir, name[w], `${prefix}_${name[w]}.ttf`)]));
};

/**
 * In the order react-pdf tries them after the primary face. Simplified Chinese
 * comes first for Han characters (a Japanese name's kanji take its forms);
 * Korean only adds what it lacks, Hangul. Regular and bold only: react-pdf
 * resolves semibold to the nearest registered weight (bold).
 */
// A Korean name makes only Noto Sans KR read its file; Han characters may need either face.
const CHINESE_JAPANESE = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Bopomofo}\u3000-\u303f\uff00-\uffef]/u;
const KOREAN = /[\p{scx=Hangul}\p{scx=Han}\u3000-\u303f\uff00-\uffef]/u;
const FALLBACKS: Fallback[] = [
  { family: 'Noto Sans SC', files: googleFont('noto-sans-sc', 'NotoSansSC', [WEIGHT_REGULAR, WEIGHT_BOLD]), scripts: CHINESE_JAPANESE },
  { family: 'Noto Sans KR', files: googleFont('noto-sans-kr', 'NotoSansKR', [WEIGHT_REGULAR, WEIGHT_BOLD]), scripts: KOREAN },
  // IBM Plex Sans Arabic rather than Noto Sans Arabic: Noto shapes a letter's dots as separate mark glyphs, more glyphs
  // than characters, and textkit 7 then drops the last glyph of a line that ends in Arabic (a name on its own line).
  { family: 'IBM Plex Sans Arabic', files: googleFont('ibm-plex-sans-arabic', 'IBMPlexSansArabic', [WEIGHT_REGULAR, WEIGHT_BOLD]), scripts: /\p{scx=Arabic}/u },
  { family: 'Noto Sans Hebrew', files: googleFont('noto-sans-hebrew', 'NotoSansHebrew', [WEIGHT_REGULAR, WEIGHT_BOLD]), scripts: /\p{scx=Hebrew}/u },
  // One weight: emoji have no bold. Symbols too (arrows, check marks, dingbats) that the other faces lack.
  { family: 'Noto Emoji', files: googleFont('noto-emoji', 'NotoEmoji', [WEIGHT_REGULAR]), scripts: /[\p{Extended_Pictographic}\p{Emoji_Component}\p{So}\p{Sm}]/u },
];

/**
 * The reports' `fontFamily`: the primary family, then the fallbacks. Typed as
 * a mutable array because react-pdf's style type asks for `string | string[]`;
 * nothing changes it.
 */
export const FONT: string[] = [FONT_FAMILY, ...FALLBACKS.map((f) => f.family)];

const sources = (files: Partial<Record<Weight, string>>) =>
  Object.entries(files).map(([weight, src]) => ({ src: src!, fontWeight: Number(weight) }));

Font.register({ family: FONT_FAMILY, fonts: sources(PRIMARY) });
for (const f of FALLBACKS) Font.register({ family: f.family, fonts: sources(f.files) });

type FontSource = { src: string; data: unknown; loadResultPromise: Promise<void> | null };
const registered = (family: string) => Font.getRegisteredFonts()[family]!.sources as unknown as FontSource[];

/** Every face react-pdf gets is memoised (shaping-cache.ts): the reports repeat most of their text. */
const open = (file: string) => {
  const face = fontkit.create(readFileSync(file)) as fontkit.Font;
  memoiseShaping(face);
  return face;
};
const primaryFaces = Object.values(PRIMARY).map(open);
const shaping = primaryFaces.map((face) => memoiseShaping(face));
/** Hits and misses of the shaping cache per primary face (regular, semibold, bold): for tests and benchmarks. */
export const shapingStats = () => shaping.map(({ hits, misses, size }) => ({ hits, misses, size: size() }));
// react-pdf would parse the primary files again (fontkit.open) on the first
// render: hand it these faces, already parsed for fontSafe, instead.
for (const source of registered(FONT_FAMILY)) {
  const face = primaryFaces[Object.values(PRIMARY).indexOf(source.src)];
  if (!face) throw new Error(`react-pdf registered an unexpected font source: ${source.src}`);
  source.data = face;
  source.loadResultPromise = Promise.resolve();
}

// Counted as loaded with no data: react-pdf then neither reads the file nor offers the face for any character.
for (const f of FALLBACKS) {
  for (const source of registered(f.family)) {
    source.data = null;
    source.loadResultPromise = Promise.resolve();
  }
}

/** Each fallback's regular face, parsed the first time a character may need it: its cmap says whether it does. */
const probed = new Map<Fallback, fontkit.Font>();
function probe(f: Fallback): fontkit.Font {
  let face = probed.get(f);
  if (!face) {
    face = open(f.files[WEIGHT_REGULAR]!);
    probed.set(f, face);
  }
  return face;
}

/** Fallbacks handed to react-pdf: every weight parsed, once per process. */
const loaded = new Set<Fallback>();
function load(f: Fallback): void {
  if (loaded.has(f)) return;
  const regular = probe(f);
  for (const source of registered(f.family)) {
    source.data = source.src === f.files[WEIGHT_REGULAR] ? regular : open(source.src);
  }
  loaded.add(f);
}

/** Which fallback families this process has loaded: for tests and benchmarks. */
export const loadedFallbacks = () => FALLBACKS.filter((f) => loaded.has(f)).map((f) => f.family);

/**
 * Sets up fontkit's shaper for the primary faces (it reads the fonts'
 * substitution and positioning tables on first use), so that a server
 * warming up pays for it rather than the first download.
 */
export function warmShaper(): void {
  for (const face of primaryFaces) face.layout('Velocity Index 0123456789 %');
}

/** Shown for a character no face has, other than emoji and invisible format characters, which are left out. */
export const REPLACEMENT = '?';
/** Emoji with no glyph anywhere, their modifiers and presentation selectors, and joiners: dropped, not replaced. */
const DROPPABLE = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u200c\u200d\ufe0e\ufe0f\u20e3\u{e0020}-\u{e007f}]$/u;
/** Most report text is plain ASCII, which the primary face covers: such strings skip the per-character check. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const asciiCovered = primaryFaces.every((f) => Array.from({ length: 0x7f - 0x21 }, (_, i) => 0x21 + i).every((cp) => f.hasGlyphForCodePoint(cp)));

/** Whether some face can draw `cp`; loads the fallback that can. */
function drawable(cp: number): boolean {
  if (primaryFaces.every((f) => f.hasGlyphForCodePoint(cp))) return true;
  const ch = String.fromCodePoint(cp);
  const face = FALLBACKS.find((f) => (f.scripts.test(ch) || probed.has(f)) && probe(f).hasGlyphForCodePoint(cp));
  if (face) load(face);
  return face !== undefined;
}

/**
 * Prepares a string of report data for the PDF: loads the fallback faces its
 * characters need, leaves out emoji no face has (with their modifiers and
 * joiners) and replaces any other character no face has with "?" (react-pdf
 * would otherwise draw it in a standard font it does not embed). Whitespace
 * passes untouched. Report text repeats from one report to the next, so
 * answers are remembered (up to SAFE_CACHE_LIMIT strings, then forgotten at
 * once); a fallback once loaded stays loaded, so a remembered answer holds.
 */
export function fontSafe(text: string): string {
  if (asciiCovered && PRINTABLE_ASCII.test(text)) return text;
  let out = safeCache.get(text);
  if (out !== undefined) return out;
  out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (/\s/.test(ch) || drawable(cp)) out += ch;
    else if (!DROPPABLE.test(ch)) out += REPLACEMENT;
  }
  if (safeCache.size >= SAFE_CACHE_LIMIT) safeCache.clear();
  safeCache.set(text, out);
  return out;
}
const SAFE_CACHE_LIMIT = 10_000;
const safeCache = new Map<string, string>();
// Whole words only: react-pdf's default hyphenation splits names and numbers.
Font.registerHyphenationCallback((word) => [word]);
