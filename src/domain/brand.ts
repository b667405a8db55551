/**
 * A consultant's brand on a study: a display name, an accent colour and a
 * logo. Pure rules only: the server parses an SVG with a real XML parser into
 * the SvgNode tree below, asks svgProblem whether it may be drawn, and draws
 * serialiseSvg's output (never the uploaded text) to a PNG; an uploaded PNG
 * is re-encoded the same way. Only that PNG is stored and served.
 */

import { contrastRatio, darkenToContrast, formatRatio, MIN_CONTRAST, parseHexColour } from './colour.ts';
import { safeText } from './safe-text.ts';

export { accentStyle, contrastRatio, darkenToContrast, formatRatio, MIN_CONTRAST, parseHexColour, relativeLuminance, scaleColour } from './colour.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export const BRAND_NAME_MAX = 60;

export const BrandNameSchema = safeText({
  field: 'The display name',
  max: BRAND_NAME_MAX,
  required: 'Enter the name to show on the invite pages and reports.',
  tooLong: `Keep the display name to ${BRAND_NAME_MAX} characters.`,
});

/** The display name, trimmed and checked by the repository's safe-text rules. */
export function checkBrandName(raw: unknown): Checked<string> {
  const parsed = BrandNameSchema.safeParse(raw ?? '');
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: parsed.error.issues[0]!.message };
}

// ---------------------------------------------------------------- colour

/**
 * The accent colour: used for headings' rules and large fills on white, and
 * behind white text on the primary button, so it must reach 4.5:1 against
 * white. The refusal says the ratio and offers a darker shade that passes.
 */
export function checkAccent(raw: string): Checked<string> {
  const hex = parseHexColour(raw);
  if (!hex) return { ok: false, error: `“${raw.trim().slice(0, 20)}” is not a colour: write it as #rrggbb (for example #0b5cad) or #rgb.` };
  const ratio = contrastRatio(hex, '#ffffff');
  if (ratio < MIN_CONTRAST) {
    return {
      ok: false,
      error: `The accent ${hex} has a contrast of only ${formatRatio(ratio)} against white; white text on it and it on white need at least ${MIN_CONTRAST}:1 (WCAG AA). Choose a darker shade, for example ${darkenToContrast(hex)}.`,
    };
  }
  return { ok: true, value: hex };
}

/**
 * The accent a brand form asks for. The form has a colour picker and a text
 * field; with JavaScript on they mirror each other, with it off only the one
 * the consultant touched differs from what the page showed. The text field
 * wins when it was changed (it is also the way to clear the accent), else the
 * picker when it was moved, else the stored accent stays.
 */
export function chosenAccent(o: { text: string; picker: string; stored: string | null; pickerDefault: string }): string {
  const text = o.text.trim();
  if (text !== (o.stored ?? '')) return text;
  const picker = parseHexColour(o.picker);
  if (picker && picker !== o.pickerDefault) return picker;
  return text;
}

// ---------------------------------------------------------------- logo files

/** The largest logo file accepted, before it is checked and re-encoded. */
export const MAX_LOGO_BYTES = 200 * 1024;
/** The largest PNG accepted, in pixels each way (a decompression bomb is refused before it is decoded). */
export const MAX_PNG_SIDE = 2000;
/** The box a stored logo fits in, in pixels: ample for a page header on a high-density screen and for print. */
export const LOGO_BOX = { width: 800, height: 320 } as const;
/** The most a logo may be wider than tall, or taller than wide: beyond it, the box would shrink one side to a sliver. */
export const MAX_LOGO_ASPECT = 20;

export type LogoKind = 'png' | 'svg';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * What a logo file is, decided by its bytes alone (never its name or the
 * type the browser sent): a PNG by its signature, an SVG by being UTF-8
 * text with an <svg element; null for anything else.
 */
export function sniffLogo(bytes: Uint8Array): LogoKind | null {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  const text = decodeUtf8(bytes);
  return text !== null && /^\s*</.test(text) && text.includes('<svg') ? 'svg' : null;
}

/** The bytes as UTF-8 text without a byte-order mark; null when they are not valid UTF-8 or hold a NUL. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return text.includes('\u0000') ? null : text;
  } catch {
    return null;
  }
}

let crcTable: Uint32Array | null = null;
function crc32(bytes: Uint8Array, from: number, to: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const u32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/** Bit depths each PNG colour type allows (PNG specification, IHDR). */
const PNG_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/**
 * A PNG's size from its header, after checking that the header is what the
 * PNG specification says comes first: the signature, then an IHDR chunk of
 * 13 bytes with a matching CRC, a size within MAX_PNG_SIDE, and a valid
 * colour type and bit depth. The decoder checks the rest when it re-encodes.
 */
export function checkPngHeader(bytes: Uint8Array): Checked<{ width: number; height: number }> {
  const bad = { ok: false as const, error: 'This PNG file is damaged: its header could not be read. Export it again, or upload an SVG.' };
  if (bytes.length < 33 || sniffLogo(bytes) !== 'png') return bad;
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (u32(bytes, 8) !== 13 || type !== 'IHDR' || crc32(bytes, 12, 29) !== u32(bytes, 29)) return bad;
  const width = u32(bytes, 16);
  const height = u32(bytes, 20);
  const depth = bytes[24]!;
  const colour = bytes[25]!;
  if (width === 0 || height === 0 || !PNG_DEPTHS[colour]?.includes(depth) || bytes[26] !== 0 || bytes[27] !== 0 || bytes[28]! > 1) return bad;
  if (width > MAX_PNG_SIDE || height > MAX_PNG_SIDE) {
    return { ok: false, error: `The PNG is ${width} × ${height} pixels; a logo may be at most ${MAX_PNG_SIDE} × ${MAX_PNG_SIDE}. Scale it down and upload it again.` };
  }
  return { ok: true, value: { width, height } };
}

/** A file's size against MAX_LOGO_BYTES, and its kind by content. */
export function checkLogoFile(bytes: Uint8Array): Checked<LogoKind> {
  if (bytes.length === 0) return { ok: false, error: 'The logo file is empty.' };
  if (bytes.length > MAX_LOGO_BYTES) {
    return { ok: false, error: `The logo file is ${Math.ceil(bytes.length / 1024)} KB; it may be at most ${MAX_LOGO_BYTES / 1024} KB.` };
  }
  const kind = sniffLogo(bytes);
  return kind
    ? { ok: true, value: kind }
    : { ok: false, error: 'The logo must be a PNG or an SVG file, and this file is neither (its content was checked, not its name). Export the logo as PNG or SVG.' };
}

/**
 * The size to store a logo at: within LOGO_BOX, keeping its proportions. A
 * PNG is never enlarged (it would only blur); an SVG is drawn to fill the box
 * so that it stays sharp.
 */
export function logoSize(width: number, height: number, kind: LogoKind): { width: number; height: number } {
  const fit = Math.min(LOGO_BOX.width / width, LOGO_BOX.height / height);
  const scale = kind === 'png' ? Math.min(1, fit) : fit;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

// ---------------------------------------------------------------- SVG

export const SVG_NS = 'http://www.w3.org/2000/svg';
export const XLINK_NS = 'http://www.w3.org/1999/xlink';

export interface SvgAttribute {
  /** The local name: "href" for both href and xlink:href. */
  local: string;
  /** The namespace URI: '' for an unprefixed attribute, XLINK_NS for xlink:href. */
  uri: string;
  value: string;
}

export type SvgNode = SvgElement | { kind: 'text'; text: string };

export interface SvgElement {
  kind: 'element';
  local: string;
  /** The element's namespace URI: SVG_NS for SVG's own elements; '' when it had none. */
  uri: string;
  attributes: SvgAttribute[];
  children: SvgNode[];
}

/** An SVG file as the parser read it, with what it found outside the root element. */
export interface SvgDocument {
  root: SvgElement;
  /** A <!DOCTYPE …> was present (it may declare entities: XXE, "billion laughs"). */
  doctype: boolean;
  /** Processing instructions other than the XML declaration, e.g. xml-stylesheet. */
  instructions: string[];
}

/** The most elements an SVG logo may hold, and the most a <use> may copy in all. */
export const MAX_SVG_ELEMENTS = 5000;
/**
 * How deep elements may nest, and how many of them on one branch may each make
 * the rasteriser paint into a layer of their own (group opacity, a mask, a
 * clip path, a blend mode): 300 nested half-transparent groups around one
 * large shape made resvg allocate 3.9 GB from a 7 KB file.
 */
export const MAX_SVG_DEPTH = 32;
export const MAX_SVG_LAYERS = 4;
/** Masks and clip paths in all: a chain of them side by side in <defs> never nests, yet each draws into a layer. */
export const MAX_SVG_MASKS = 8;
export const MAX_SVG_USE_COPIES = 20000;

/** SVG elements that draw a still image: anything else in the SVG namespace is refused. */
const DRAWING = new Set([
  'svg', 'g', 'defs', 'symbol', 'use', 'switch', 'title', 'desc', 'metadata', 'style',
  'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'marker',
  'linearGradient', 'radialGradient', 'stop', 'clipPath', 'mask',
]);

/**
 * Refused even though SVG draws with them: each can ask the rasteriser for
 * unbounded work from a few bytes (filter octaves and blurs, patterns filled
 * with patterns, an embedded picture of 20,000 × 20,000 pixels). A logo
 * flattened by its design tool needs none of them.
 */
const COSTLY = new Set([
  'filter', 'pattern', 'image', 'feImage',
  'feBlend', 'feColorMatrix', 'feComponentTransfer', 'feComposite', 'feConvolveMatrix', 'feDiffuseLighting',
  'feDisplacementMap', 'feDistantLight', 'feDropShadow', 'feFlood', 'feFuncA', 'feFuncB', 'feFuncG', 'feFuncR',
  'feGaussianBlur', 'feMerge', 'feMergeNode', 'feMorphology', 'feOffset', 'fePointLight',
  'feSpecularLighting', 'feSpotLight', 'feTile', 'feTurbulence',
]);

/** Elements whose subtree is left out of the drawing (what they hold is never drawn). */
const DROPPED = new Set(['metadata', 'title', 'desc']);

const TEXT_ELEMENTS = new Set(['text', 'tspan', 'textPath']);
const ANIMATION = new Set(['animate', 'animateMotion', 'animateTransform', 'animateColor', 'set', 'discard']);

/** Embedded raster images an <image> may hold: decoded by the rasteriser, never fetched. */
const DATA_IMAGE = /^data:image\/(?:png|jpeg);base64,[A-Za-z0-9+/=\s]*$/i;

/** The first problem with a piece of CSS (a <style> element or a style attribute), or null. */
const FILTER_REFUSED = 'It uses filter effects (filter: blur(…) and the like), which can take the server minutes to draw. Flatten the effects in your design tool and export again, or upload a PNG.';

function cssProblem(css: string): string | null {
  if (/@import/i.test(css)) return 'Its styles import another file (@import). Logos must be self-contained.';
  // An escape can spell url( or @import so that no check sees it; logos never need one.
  if (css.includes('\\')) return 'Its styles hold an escape sequence (\\). Remove it.';
  // A comment can split a property from its colon (filter/**/:blur()) so that no check sees it.
  if (css.includes('/*')) return 'Its styles hold a comment (/* … */). Export the logo again without comments in its styles.';
  if (/expression\s*\(|image-set\s*\(|-moz-binding|behavior\s*:/i.test(css)) return 'Its styles hold a function that can load or run something. Remove it.';
  if (/(^|[;{\s])filter\s*:/i.test(css)) return FILTER_REFUSED;
  return urlProblem(css);
}

/**
 * url(...) may only point inside the file (url(#id)); anything else would load
 * something from elsewhere. A scanner rather than a regular expression: the
 * pattern it replaced backtracked in cubic time on an unclosed "url(" followed
 * by spaces, and 3 KB of them held the server for 22 s. Every step moves on, so
 * the time is linear in the value's length.
 */
function urlProblem(value: string): string | null {
  const lower = value.toLowerCase();
  let from = 0;
  for (;;) {
    const at = lower.indexOf('url', from);
    if (at < 0) return null;
    let i = at + 3;
    while (i < value.length && /\s/.test(value[i]!)) i++;
    if (value[i] !== '(') {
      from = at + 3;
      continue;
    }
    const close = value.indexOf(')', i + 1);
    if (close < 0) return 'It holds a url(…) that could not be read. Logos must be self-contained.';
    let target = value.slice(i + 1, close).trim();
    const quote = target[0];
    if (quote === '"' || quote === "'") {
      if (target.length < 2 || target[target.length - 1] !== quote) return 'It holds a url(…) that could not be read. Logos must be self-contained.';
      target = target.slice(1, -1).trim();
    }
    if (!target.startsWith('#') || /['"()\s]/.test(target)) return `It refers to something outside the file (url(${target.slice(0, 60)})). Logos must be self-contained.`;
    from = close + 1;
  }
}

function elementProblem(el: SvgElement): string | null {
  const name = el.local;
  const lower = name.toLowerCase();
  if (lower === 'script') return 'It holds a script (<script>). Logos may not run code: export the logo again without it, or upload a PNG.';
  if (lower === 'foreignobject') return 'It holds a <foreignObject>, which can embed a web page. Export the logo again without it, or upload a PNG.';
  if (['iframe', 'embed', 'object', 'html', 'body'].includes(lower)) return `It holds an <${name}> element, which can embed another document.`;
  const handler = el.attributes.find((a) => a.local.toLowerCase().startsWith('on'));
  if (handler) return `It holds an event handler (${handler.local}=). Logos may not run code: export the logo again without it, or upload a PNG.`;
  if (el.uri !== SVG_NS) return null;
  if (TEXT_ELEMENTS.has(name)) return 'It holds text (<text>). Convert the text to outlines (paths) in your design tool, so that the logo keeps its typeface, or upload a PNG.';
  if (ANIMATION.has(name)) return `It is animated (<${name}>). A logo is drawn once, as a still image: remove the animation.`;
  if (COSTLY.has(name)) {
    return name === 'image'
      ? 'It embeds a picture (<image>). Upload that picture as a PNG instead, or export the logo as plain vector shapes.'
      : `It uses ${name === 'pattern' ? 'a pattern fill' : 'filter effects'} (<${name}>), which can take the server minutes to draw. Flatten the effects in your design tool and export again, or upload a PNG.`;
  }
  if (!DRAWING.has(name)) return `It holds an <${name}> element, which logos do not need. Export the logo again as plain SVG, or upload a PNG.`;
  for (const a of el.attributes) {
    if (a.local === 'href' && (a.uri === '' || a.uri === XLINK_NS)) {
      const target = a.value.trim();
      const fine = target.startsWith('#') || (name === 'image' && DATA_IMAGE.test(target));
      if (!fine) {
        return name === 'image'
          ? 'It shows an image from another file or address (<image href=…>). Embed the image in the SVG or upload a PNG.'
          : `It refers to something outside the file (href="${target.slice(0, 60)}"). Logos must be self-contained.`;
      }
    }
    if (a.local === 'filter' && a.uri === '' && a.value.trim().toLowerCase() !== 'none') return FILTER_REFUSED;
    if (a.local === 'style' && a.uri === '') {
      const problem = cssProblem(a.value);
      if (problem) return problem;
    } else {
      const problem = urlProblem(a.value);
      if (problem) return problem;
    }
  }
  return null;
}

function idsOf(el: SvgElement, into: Map<string, SvgElement>): void {
  const id = el.attributes.find((a) => a.local === 'id' && a.uri === '')?.value;
  if (id !== undefined && !into.has(id)) into.set(id, el);
  for (const c of el.children) if (c.kind === 'element') idsOf(c, into);
}

function countElements(el: SvgElement, local?: string): number {
  let n = local === undefined || el.local === local ? 1 : 0;
  for (const c of el.children) if (c.kind === 'element') n += countElements(c, local);
  return n;
}

function* elements(el: SvgElement): Generator<SvgElement> {
  yield el;
  for (const c of el.children) if (c.kind === 'element') yield* elements(c);
}

/**
 * Why an SVG may not become a logo, or null when it may. Refused: a DOCTYPE
 * (entities: XXE, "billion laughs"), processing instructions (a stylesheet
 * from elsewhere), scripts, event-handler attributes, <foreignObject>,
 * references outside the file (href or xlink:href not to '#…', url(…) to
 * anything but '#id', @import, an <image> that is not an embedded PNG or
 * JPEG), text (it would be drawn in another typeface), animation, elements
 * SVG does not draw with, and a <use> that copies another <use> or copies
 * too much (exponential fan-out). Elements of other vocabularies
 * (design-tool metadata) are not refused: serialiseSvg leaves them out.
 */
export function svgProblem(doc: SvgDocument): string | null {
  if (doc.doctype) return 'It holds a DOCTYPE, which can declare entities (a way to read files or exhaust memory). Export the logo again as plain SVG.';
  if (doc.instructions.length) return `It holds a processing instruction (<?${doc.instructions[0]!.slice(0, 40)}?>), which can load a stylesheet from elsewhere. Remove it.`;
  if (doc.root.local !== 'svg' || (doc.root.uri !== SVG_NS && doc.root.uri !== '')) return 'The file is not an SVG image: its outermost element is not <svg>.';
  if (countElements(doc.root) > MAX_SVG_ELEMENTS) return `It holds more than ${MAX_SVG_ELEMENTS} elements, far more than a logo needs. Simplify it, or upload a PNG.`;
  const root = doc.root.uri === '' ? adoptSvgNamespace(doc.root) : doc.root;
  const sheets = [...elements(root)].filter((el) => el.local === 'style').map((el) => el.children.map((c) => (c.kind === 'text' ? c.text : '')).join(''));
  // Masks and clip paths set by selectors could not be counted (MAX_SVG_MASKS); design tools write them as attributes.
  if (sheets.some((css) => /(mask|clip-path)\s*:/i.test(css))) return 'Its <style> sets masks or clip paths by selector. Export the logo again with them as attributes (the default of design tools), or upload a PNG.';
  // A <style> that sets a layer-making property may apply it to any element by a selector: then every element counts.
  const styled = sheets.some((css) => /(opacity|mix-blend-mode|isolation)\s*:/i.test(css));
  const nesting = nestingProblem(root, styled ? () => true : makesLayer);
  if (nesting) return nesting;
  const masked = [...elements(root)].filter((el) =>
    el.attributes.some((a) => a.uri === '' && (((a.local === 'mask' || a.local === 'clip-path') && a.value.trim() !== 'none') || (a.local === 'style' && /mask|clip-path/i.test(a.value)))),
  ).length;
  if (masked > MAX_SVG_MASKS) return `It applies masks or clip paths ${masked} times, more than the ${MAX_SVG_MASKS} a logo needs. Flatten them in your design tool, or upload a PNG.`;
  const ids = new Map<string, SvgElement>();
  idsOf(root, ids);
  let copies = 0;
  for (const el of elements(root)) {
    const problem = elementProblem(el);
    if (problem) return problem;
    if (el.local === 'style' && el.uri === SVG_NS) {
      const css = el.children.map((c) => (c.kind === 'text' ? c.text : '')).join('');
      const cssIssue = cssProblem(css);
      if (cssIssue) return cssIssue;
    }
    if (el.local === 'use' && el.uri === SVG_NS) {
      const href = el.attributes.find((a) => a.local === 'href')?.value.trim() ?? '';
      const target = ids.get(href.slice(1));
      if (target) {
        if (countElements(target, 'use') > 0) return 'A <use> in it copies another <use>. Flatten the copies in your design tool, or upload a PNG.';
        copies += countElements(target);
      }
    }
  }
  if (copies > MAX_SVG_USE_COPIES) return 'Its <use> elements copy too many shapes for a logo. Flatten the copies in your design tool, or upload a PNG.';
  return null;
}

/** Whether an element paints into a layer of its own: group opacity below 1, a mask, a clip path, a blend mode or isolation. */
function makesLayer(el: SvgElement): boolean {
  for (const a of el.attributes) {
    if (a.uri !== '') continue;
    const v = a.value.trim().toLowerCase();
    if ((a.local === 'opacity' && v !== '1') || ((a.local === 'mask' || a.local === 'clip-path') && v !== 'none') || a.local === 'mix-blend-mode' || a.local === 'isolation') return true;
    if (a.local === 'style' && /(^|;)\s*(opacity|mask|clip-path|mix-blend-mode|isolation)\s*:/i.test(a.value)) return true;
  }
  return false;
}

/** Too deep a tree, or too many layers on one branch (MAX_SVG_DEPTH, MAX_SVG_LAYERS); walked without recursion. */
function nestingProblem(root: SvgElement, layer: (el: SvgElement) => boolean): string | null {
  const stack: { el: SvgElement; depth: number; layers: number }[] = [{ el: root, depth: 1, layers: layer(root) ? 1 : 0 }];
  while (stack.length) {
    const { el, depth, layers } = stack.pop()!;
    if (depth > MAX_SVG_DEPTH) return `Its elements nest more than ${MAX_SVG_DEPTH} deep, far more than a logo needs. Flatten the groups in your design tool, or upload a PNG.`;
    if (layers > MAX_SVG_LAYERS) return `It stacks more than ${MAX_SVG_LAYERS} transparent, masked or clipped groups inside one another, which can take the server gigabytes to draw. Flatten them in your design tool, or upload a PNG.`;
    for (const c of el.children) if (c.kind === 'element') stack.push({ el: c, depth: depth + 1, layers: layers + (layer(c) ? 1 : 0) });
  }
  return null;
}

/** Namespace declarations and attributes per element an SVG logo may hold before it is parsed at all. */
export const MAX_SVG_NAMESPACES = 16;
export const MAX_SVG_ATTRIBUTES = 64;

/**
 * A look at the raw text before the XML parser sees it. sax spends time that
 * grows with the square or the cube of some inputs on the server's own thread:
 * each closing tag walks every namespace prefix in scope (3,500 prefixes in a
 * 100 KB file took 13 s), each attribute is compared with the element's others,
 * and deep nesting overflowed the stack of the checks that follow. So the
 * namespace declarations, the attributes of any one tag and the depth are
 * counted here in one linear pass, conservatively (a count is never lower
 * than the parser's), and a file over the limits is refused unread.
 */
export function rawSvgProblem(text: string): string | null {
  const namespaces = text.match(/xmlns/g)?.length ?? 0;
  if (namespaces > MAX_SVG_NAMESPACES) return `It declares ${namespaces} XML namespaces, far more than a logo needs. Export the logo again as plain SVG, or upload a PNG.`;
  let depth = 0;
  let attributes = 0;
  let inTag = false;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inTag) {
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '=') {
        if (++attributes > MAX_SVG_ATTRIBUTES) return `One of its elements has more than ${MAX_SVG_ATTRIBUTES} attributes, far more than a logo needs. Export the logo again as plain SVG, or upload a PNG.`;
      } else if (c === '>') {
        inTag = false;
        if (text[i - 1] === '/') depth--;
      }
      continue;
    }
    if (c !== '<') continue;
    const next = text[i + 1];
    if (next === '/') depth--;
    else if (next !== undefined && /[A-Za-z_]/.test(next)) {
      inTag = true;
      attributes = 0;
      if (++depth > MAX_SVG_DEPTH) return `Its elements nest more than ${MAX_SVG_DEPTH} deep, far more than a logo needs. Flatten the groups in your design tool, or upload a PNG.`;
    }
  }
  return null;
}

/** An SVG written without xmlns (some tools do): its unprefixed elements read as SVG's. */
function adoptSvgNamespace(el: SvgElement): SvgElement {
  return { ...el, uri: el.uri === '' ? SVG_NS : el.uri, children: el.children.map((c) => (c.kind === 'element' ? adoptSvgNamespace(c) : c)) };
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');

/**
 * The SVG that is drawn: rebuilt from the checked tree, so the rasteriser
 * reads exactly what svgProblem approved (no second parser's reading of the
 * original text). Only SVG elements and plain or xlink attributes are kept;
 * other vocabularies, comments and the text of metadata, title and desc are
 * left out; text is kept only inside <style>.
 */
export function serialiseSvg(doc: SvgDocument): string {
  const root = doc.root.uri === '' ? adoptSvgNamespace(doc.root) : doc.root;
  const write = (el: SvgElement, top: boolean): string => {
    if (el.uri !== SVG_NS || DROPPED.has(el.local)) return '';
    const attrs = el.attributes
      .filter((a) => a.uri === '' || a.uri === XLINK_NS)
      .filter((a) => !(a.uri === '' && (a.local === 'xmlns' || a.local.startsWith('xmlns:'))))
      .map((a) => ` ${a.uri === XLINK_NS ? 'xlink:' : ''}${a.local}="${escapeAttr(a.value)}"`)
      .join('');
    const ns = top ? ` xmlns="${SVG_NS}" xmlns:xlink="${XLINK_NS}"` : '';
    const inner = el.children
      .map((c) => (c.kind === 'element' ? write(c, false) : el.local === 'style' ? escapeText(c.text) : ''))
      .join('');
    return `<${el.local}${ns}${attrs}>${inner}</${el.local}>`;
  };
  return write(root, true);
}
