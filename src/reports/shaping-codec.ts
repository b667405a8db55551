import type * as fontkit from 'fontkit';

/**
 * Shaped runs as plain JSON and back, for the shaping cache on disk
 * (shaping-cache.ts exports and imports them, shaping-store.ts writes and
 * reads the files). A restored run is made of the face's own glyph objects
 * (`glyphForCodePoint`, `getGlyph`) and is checked against its text as it is
 * rebuilt; tests/reports/shaping-cache.test.ts compares restored runs with
 * fontkit's own, glyph for glyph.
 */

type GlyphRun = ReturnType<fontkit.Font['layout']>;
type Position = GlyphRun['positions'][number];
type Glyph = GlyphRun['glyphs'][number];

/**
 * One shaped run as plain JSON: the cache key (which ends with the text), the
 * run's script, language, direction and features, and its glyphs written as
 * what differs from the text's plain characters (see encodeGlyphs).
 */
export type ExportedRun = [key: string, script: string, language: string | null, direction: string, features: Record<string, boolean>, glyphs: string];

// fontkit exports neither GlyphRun nor GlyphPosition: both are learnt from the first run it shapes in this process.
// Until then a restored run stands on a prototype with GlyphRun's two advance getters (textkit reads only
// `glyphs` and `positions`), and its positions are plain objects with the same four fields.
let runPrototype: object | undefined;
type PositionConstructor = new (xAdvance: number, yAdvance: number, xOffset: number, yOffset: number) => Position;
let PositionClass: PositionConstructor | undefined;
const restoredRunPrototype = {
  get advanceWidth(): number {
    return (this as unknown as GlyphRun).positions.reduce((sum, p) => sum + p.xAdvance, 0);
  },
  get advanceHeight(): number {
    return (this as unknown as GlyphRun).positions.reduce((sum, p) => sum + p.yAdvance, 0);
  },
};

export function learnClasses(run: GlyphRun) {
  runPrototype ??= Object.getPrototypeOf(run) as object;
  if (!PositionClass && run.positions.length) PositionClass = run.positions[0]!.constructor as PositionConstructor;
}

export function position(xAdvance: number, yAdvance: number, xOffset: number, yOffset: number): Position {
  return PositionClass ? new PositionClass(xAdvance, yAdvance, xOffset, yOffset) : ({ xAdvance, yAdvance, xOffset, yOffset } as Position);
}

export type GlyphSource = { plain: (codePoint: number) => Glyph; byId: (id: number, codePoints: number[]) => Glyph; count: () => number };

/** The text a cache key ends with (after the features, script, language and direction). */
const textOf = (key: string) => key.split('\u0000').slice(4).join('\u0000');

export function exportRun(key: string, run: GlyphRun, source: GlyphSource): ExportedRun {
  return [key, run.script, run.language, run.direction, run.features as Record<string, boolean>, encodeGlyphs(Array.from(textOf(key), (c) => c.codePointAt(0)!), run, source)];
}

/**
 * Most glyphs of a shaped run are the font's plain glyph for the next
 * character, advanced by its own width: only the others are written. Tokens,
 * space-separated: `<n>` n plain glyphs; `k<x>` a plain glyph with another x
 * advance (kerning); `g<id>:<code points, dot-separated>:<x advance>:<y
 * advance>:<x offset>:<y offset>` any other glyph (ligatures, substitutions).
 * A plain glyph stands for one character; any other for its own code points.
 * The glyphs of 2,231 report runs take 82 KB this way, against 4.9 MB as a
 * list of ids, code points and positions.
 */
function encodeGlyphs(text: number[], run: GlyphRun, source: GlyphSource): string {
  const tokens: string[] = [];
  let plain = 0;
  let at = 0;
  run.glyphs.forEach((glyph, i) => {
    const p = run.positions[i]!;
    const cp = text[at];
    const isPlain = cp !== undefined && glyph === source.plain(cp) && glyph.codePoints.length === 1 && glyph.codePoints[0] === cp && p.yAdvance === 0 && p.xOffset === 0 && p.yOffset === 0;
    if (isPlain && p.xAdvance === glyph.advanceWidth) {
      plain++;
      at++;
      return;
    }
    if (plain) tokens.push(String(plain));
    plain = 0;
    if (isPlain) {
      tokens.push(`k${p.xAdvance}`);
      at++;
    } else {
      tokens.push(`g${glyph.id}:${glyph.codePoints.join('.')}:${p.xAdvance}:${p.yAdvance}:${p.xOffset}:${p.yOffset}`);
      at += glyph.codePoints.length;
    }
  });
  if (plain) tokens.push(String(plain));
  return tokens.join(' ');
}

export function isExportedRun(value: unknown): value is ExportedRun {
  return (
    Array.isArray(value) &&
    value.length === 6 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string' &&
    (value[2] === null || typeof value[2] === 'string') &&
    typeof value[3] === 'string' &&
    typeof value[4] === 'object' &&
    value[4] !== null &&
    !Array.isArray(value[4]) &&
    Object.values(value[4] as object).every((v) => typeof v === 'boolean') &&
    typeof value[5] === 'string'
  );
}

const COUNT = /^[1-9]\d*$/;
const KERNED = /^k(-?\d+(?:\.\d+)?(?:e-?\d+)?)$/;
const OTHER = /^g(\d+):((?:\d+(?:\.\d+)*)?):(-?[\d.e-]+):(-?[\d.e-]+):(-?[\d.e-]+):(-?[\d.e-]+)$/;

/** The run an exported entry describes, or undefined when it does not decode cleanly against its text and this face. */
export function restoreRun([key, script, language, direction, features, encoded]: ExportedRun, source: GlyphSource): GlyphRun | undefined {
  const text = Array.from(textOf(key), (c) => c.codePointAt(0)!);
  const glyphs: Glyph[] = [];
  const positions: Position[] = [];
  let at = 0;
  const plain = (xAdvance?: number) => {
    const cp = text[at++];
    if (cp === undefined) return false;
    const glyph = source.plain(cp);
    glyphs.push(glyph);
    positions.push(position(xAdvance ?? glyph.advanceWidth, 0, 0, 0));
    return true;
  };
  for (const token of encoded === '' ? [] : encoded.split(' ')) {
    if (COUNT.test(token)) {
      for (let n = Number(token); n > 0; n--) if (!plain()) return undefined;
      continue;
    }
    const kerned = KERNED.exec(token);
    if (kerned) {
      if (!plain(Number(kerned[1]))) return undefined;
      continue;
    }
    const other = OTHER.exec(token);
    if (!other) return undefined;
    const id = Number(other[1]);
    const codePoints = other[2] ? other[2].split('.').map(Number) : [];
    const numbers = other.slice(3, 7).map(Number) as [number, number, number, number];
    if (id >= source.count() || !codePoints.every((cp) => cp <= 0x10ffff) || !numbers.every(Number.isFinite)) return undefined;
    glyphs.push(source.byId(id, codePoints));
    positions.push(position(...numbers));
    at += codePoints.length;
  }
  const run = Object.create(runPrototype ?? restoredRunPrototype) as GlyphRun;
  return Object.assign(run, { glyphs, positions, script, language, direction, features });
}
