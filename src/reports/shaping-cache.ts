import type * as fontkit from 'fontkit';

/**
 * Makes a fontkit face remember its own work, so that react-pdf's text
 * pipeline does not repeat it. Nothing here changes a glyph, an advance or a
 * line break: every answer is the one fontkit gave for the same question.
 *
 * - `layout(text, features, script, language, direction)`: react-pdf's textkit
 *   shapes every run of a paragraph with it (OpenType substitutions and
 *   kerning), for every render. The reports repeat most of their text from one
 *   render to the next (question texts, narratives, methodology), so each
 *   (face, arguments) pair is shaped once and served as a fresh copy after
 *   that: textkit and pdfkit are free to mutate what they receive (pdfkit
 *   scales positions in place), the cached run never leaks.
 * - `hasGlyphForCodePoint`: asked once per character per run by font
 *   substitution (and by fontSafe); a cmap lookup each time.
 * - `unitsPerEm`: a getter that walks to the `head` table on each of the
 *   several thousand reads per render; a constant of the face.
 *
 * The shaped runs can be written out (`exportRuns`) and handed to a face in
 * another process (`importRuns`, see shaping-store.ts), so that a fresh
 * process starts with the reports' common text already shaped, the largest
 * part of a first render. A restored run is rebuilt from glyph ids, code
 * points and positions with the face's own `glyphForCodePoint` and
 * `getGlyph`, only when it is first asked for; an entry that does not decode
 * cleanly is dropped and shaped again.
 *
 * This replaces methods on the face object (own properties shadowing
 * fontkit's prototype methods), relying on fontkit 2's public Font API:
 * `layout`, `getGlyph`, `hasGlyphForCodePoint`, `unitsPerEm`, `numGlyphs`,
 * GlyphRun's `glyphs`, `positions`, `script`, `language`, `direction`,
 * `features`. tests/reports/shaping-cache.test.ts fails if those change.
 */

/** Shaped runs kept per face; beyond it the oldest are dropped (a run is a few KB). */
export const SHAPED_RUNS_PER_FACE = 4000;

const MEMOISED = Symbol.for('velocity-index.shaping-cache');

type Face = fontkit.Font & { [MEMOISED]?: ShapingStats };
type GlyphRun = ReturnType<fontkit.Font['layout']>;
type Position = GlyphRun['positions'][number];

/**
 * One shaped run as plain JSON: the cache key (which ends with the text), the
 * run's script, language, direction and features, and its glyphs written as
 * what differs from the text's plain characters (see encodeGlyphs).
 */
export type ExportedRun = [key: string, script: string, language: string | null, direction: string, features: Record<string, boolean>, glyphs: string];

export type ShapingStats = {
  hits: number;
  misses: number;
  size: () => number;
  /** Runs shaped in this process since the last export: worth writing out. */
  fresh: () => number;
  exportRuns: () => ExportedRun[];
  /** Adds runs exported by another process (the oldest first); returns how many were taken. */
  importRuns: (runs: readonly unknown[]) => number;
  /** Forgets every run (counters stay). */
  clear: () => void;
};

export function memoiseShaping(font: fontkit.Font, limit = SHAPED_RUNS_PER_FACE): ShapingStats {
  const face = font as Face;
  const existing = face[MEMOISED];
  if (existing) return existing;

  const layout = face.layout;
  const getGlyph = face.getGlyph;
  const glyphForCodePoint = face.glyphForCodePoint;
  const byCodePoint = new Map<number, Glyph>();
  const glyphs: GlyphSource = {
    plain: (cp) => {
      let glyph = byCodePoint.get(cp);
      if (!glyph) byCodePoint.set(cp, (glyph = glyphForCodePoint.call(face, cp)));
      return glyph;
    },
    byId: (id, codePoints) => getGlyph.call(face, id, codePoints),
    count: () => face.numGlyphs,
  };
  const runs = new Map<string, GlyphRun | ExportedRun>();
  let fresh = 0;
  const remember = (key: string, run: GlyphRun | ExportedRun) => {
    runs.set(key, run);
    if (runs.size > limit) runs.delete(runs.keys().next().value!);
  };
  const stats: ShapingStats = {
    hits: 0,
    misses: 0,
    size: () => runs.size,
    fresh: () => fresh,
    exportRuns: () => {
      fresh = 0;
      return Array.from(runs, ([key, run]) => (Array.isArray(run) ? run : exportRun(key, run, glyphs)));
    },
    importRuns: (exported) => {
      let taken = 0;
      for (const run of exported) {
        if (!isExportedRun(run) || runs.has(run[0])) continue;
        remember(run[0], run);
        taken++;
      }
      return taken;
    },
    clear: () => {
      runs.clear();
      fresh = 0;
    },
  };
  const shape = function (this: fontkit.Font, text: string, features?: unknown, script?: string, language?: string, direction?: string): GlyphRun {
    const key = `${features === undefined ? '' : JSON.stringify(features)}\u0000${script ?? ''}\u0000${language ?? ''}\u0000${direction ?? ''}\u0000${text}`;
    let run = runs.get(key);
    if (run) {
      // Least recently used goes first: the text every report shares stays, one report's figures make way.
      runs.delete(key);
      if (Array.isArray(run)) run = restoreRun(run, glyphs);
      if (run) runs.set(key, run);
    }
    if (run) stats.hits++;
    else {
      stats.misses++;
      fresh++;
      run = (layout as (...args: unknown[]) => GlyphRun).call(this, text, features, script, language, direction);
      learnClasses(run);
      remember(key, run);
    }
    return copyRun(run);
  };
  Object.defineProperty(face, 'layout', { value: shape, writable: true, configurable: true });

  const hasGlyph = face.hasGlyphForCodePoint;
  const known = new Map<number, boolean>();
  Object.defineProperty(face, 'hasGlyphForCodePoint', {
    value: function (this: fontkit.Font, codePoint: number): boolean {
      let has = known.get(codePoint);
      if (has === undefined) known.set(codePoint, (has = hasGlyph.call(this, codePoint)));
      return has;
    },
    writable: true,
    configurable: true,
  });

  Object.defineProperty(face, 'unitsPerEm', { value: face.unitsPerEm, writable: false, configurable: true });
  Object.defineProperty(face, MEMOISED, { value: stats });
  return stats;
}

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

function learnClasses(run: GlyphRun) {
  runPrototype ??= Object.getPrototypeOf(run) as object;
  if (!PositionClass && run.positions.length) PositionClass = run.positions[0]!.constructor as PositionConstructor;
}

function position(xAdvance: number, yAdvance: number, xOffset: number, yOffset: number): Position {
  return PositionClass ? new PositionClass(xAdvance, yAdvance, xOffset, yOffset) : ({ xAdvance, yAdvance, xOffset, yOffset } as Position);
}

type Glyph = GlyphRun['glyphs'][number];
type GlyphSource = { plain: (codePoint: number) => Glyph; byId: (id: number, codePoints: number[]) => Glyph; count: () => number };

/** The text a cache key ends with (after the features, script, language and direction). */
const textOf = (key: string) => key.split('\u0000').slice(4).join('\u0000');

function exportRun(key: string, run: GlyphRun, source: GlyphSource): ExportedRun {
  return [key, run.script, run.language, run.direction, run.features as Record<string, boolean>, encodeGlyphs(Array.from(textOf(key), (c) => c.codePointAt(0)!), run, source)];
}

/**
 * Most glyphs of a shaped run are the font's plain glyph for the next
 * character, advanced by its own width: only the others are written. Tokens,
 * space-separated: `<n>` n plain glyphs; `k<x>` a plain glyph with another x
 * advance (kerning); `g<id>:<code points, dot-separated>:<x advance>:<y
 * advance>:<x offset>:<y offset>` any other glyph (ligatures, substitutions).
 * A plain glyph stands for one character; any other for its own code points.
 * A report's text then takes about a tenth of the room of listing every glyph.
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

function isExportedRun(value: unknown): value is ExportedRun {
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
function restoreRun([key, script, language, direction, features, encoded]: ExportedRun, source: GlyphSource): GlyphRun | undefined {
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

/** A run that shares the (immutable, per-face cached) Glyph objects but owns its arrays and positions. */
function copyRun(run: GlyphRun): GlyphRun {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(run) as object) as GlyphRun, run);
  copy.glyphs = run.glyphs.slice();
  copy.positions = run.positions.map((p) => position(p.xAdvance, p.yAdvance, p.xOffset, p.yOffset));
  return copy;
}
