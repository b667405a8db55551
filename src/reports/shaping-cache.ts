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
 * This replaces methods on the face object (own properties shadowing
 * fontkit's prototype methods), relying on fontkit 2's public Font API:
 * `layout`, `hasGlyphForCodePoint`, `unitsPerEm`, GlyphRun's `glyphs` and
 * `positions`. tests/reports/shaping-cache.test.ts fails if those change.
 */

/** Shaped runs kept per face; beyond it the oldest are dropped (a run is a few KB). */
export const SHAPED_RUNS_PER_FACE = 4000;

const MEMOISED = Symbol.for('velocity-index.shaping-cache');

type Face = fontkit.Font & { [MEMOISED]?: ShapingStats };
type GlyphRun = ReturnType<fontkit.Font['layout']>;
type Position = GlyphRun['positions'][number];
export type ShapingStats = { hits: number; misses: number; size: () => number };

export function memoiseShaping(font: fontkit.Font): ShapingStats {
  const face = font as Face;
  const existing = face[MEMOISED];
  if (existing) return existing;

  const layout = face.layout;
  const runs = new Map<string, GlyphRun>();
  const stats: ShapingStats = { hits: 0, misses: 0, size: () => runs.size };
  const shape = function (this: fontkit.Font, text: string, features?: unknown, script?: string, language?: string, direction?: string): GlyphRun {
    const key = `${features === undefined ? '' : JSON.stringify(features)}\u0000${script ?? ''}\u0000${language ?? ''}\u0000${direction ?? ''}\u0000${text}`;
    let run = runs.get(key);
    if (run) stats.hits++;
    else {
      stats.misses++;
      run = (layout as (...args: unknown[]) => GlyphRun).call(this, text, features, script, language, direction);
      runs.set(key, run);
      if (runs.size > SHAPED_RUNS_PER_FACE) runs.delete(runs.keys().next().value!);
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

/** A run that shares the (immutable, per-face cached) Glyph objects but owns its arrays and positions. */
function copyRun(run: GlyphRun): GlyphRun {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(run) as object) as GlyphRun, run);
  copy.glyphs = run.glyphs.slice();
  const positions = run.positions;
  const copied = new Array<Position>(positions.length);
  if (positions.length) {
    // fontkit's GlyphPosition(xAdvance, yAdvance, xOffset, yOffset): four numbers, nothing else.
    const GlyphPosition = positions[0]!.constructor as new (xAdvance: number, yAdvance: number, xOffset: number, yOffset: number) => Position;
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      copied[i] = new GlyphPosition(p.xAdvance, p.yAdvance, p.xOffset, p.yOffset);
    }
  }
  copy.positions = copied;
  return copy;
}
