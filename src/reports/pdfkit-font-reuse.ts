import PDFDocument from 'pdfkit';

/**
 * react-pdf draws every text run with `doc.font(fontkitFace, size)`. Given a
 * font object rather than a name, pdfkit 0.20 has no cache key: each call
 * builds a new EmbeddedFont (a font subset, glyph metrics) and then compares
 * it with the one already embedded under the same PostScript name
 * (`isEqualFont`: the head checksum and a JSON.stringify of the name table),
 * to keep the existing one. That is a few thousand throwaway fonts per report.
 *
 * This wrapper remembers, per document, which embedded font each face object
 * became, and selects it directly next time: exactly what pdfkit ends with,
 * without building and comparing a new one. Fonts given by name or buffer, and
 * the first use of each face, go through pdfkit unchanged.
 *
 * Relies on pdfkit internals (the `_font`, `_fontSource`, `_fontFamily` fields
 * and `fontSize()` of its FontsMixin); react-pdf 4.9 pins pdfkit 0.20.1, and
 * package.json pins the same version so that both use one PDFDocument class.
 * tests/reports/pdfkit-font-reuse.test.ts fails if react-pdf stops going
 * through this path.
 */
type Doc = {
  _font: unknown;
  _fontSource: unknown;
  _fontFamily: unknown;
  fontSize(size: number): Doc;
  font(src: unknown, family?: unknown, size?: number): Doc;
  [EMBEDDED]?: Map<object, unknown>;
};

const EMBEDDED = Symbol('velocity-index.embedded-fonts');
const proto = (PDFDocument as unknown as { prototype: Doc }).prototype;
const font = proto.font;
if (typeof font !== 'function') throw new Error('pdfkit: PDFDocument.prototype.font is missing');

let reused = 0;
/** How many times a face was selected from the per-document map: for tests. */
export const fontReuseCount = () => reused;

const isFace = (src: unknown): src is object => typeof src === 'object' && src !== null && typeof (src as { layout?: unknown }).layout === 'function';

if (!(font as { [EMBEDDED]?: true })[EMBEDDED]) {
  const reuse = function (this: Doc, src: unknown, family?: unknown, size?: number): Doc {
    if (!isFace(src) || (family != null && typeof family !== 'number')) return font.call(this, src, family, size);
    const embedded = (this[EMBEDDED] ??= new Map());
    const known = embedded.get(src);
    if (known === undefined) {
      font.call(this, src, family, size);
      embedded.set(src, this._font);
      return this;
    }
    // What pdfkit's font() does for a font object it has embedded already, minus the new EmbeddedFont.
    if (typeof family === 'number') {
      size = family;
      family = null;
    }
    this._fontSource = src;
    this._fontFamily = family;
    if (size != null) this.fontSize(size);
    this._font = known;
    reused++;
    return this;
  };
  Object.defineProperty(reuse, EMBEDDED, { value: true });
  proto.font = reuse;
}
