import { createHash } from 'node:crypto';
import { drawSvg } from './draw-worker.ts';
import sax from 'sax';
import {
  checkLogoFile,
  checkPngHeader,
  decodeUtf8,
  LOGO_BOX,
  logoSize,
  MAX_LOGO_ASPECT,
  serialiseSvg,
  svgProblem,
  rawSvgProblem,
  type Checked,
  type SvgDocument,
  type SvgElement,
} from '../../domain/brand.ts';

/** A logo as it is stored: a PNG this server encoded, its size, and its content key (the address it is served at). */
export interface StoredLogo {
  png: Uint8Array;
  width: number;
  height: number;
  key: string;
}

/**
 * Reads an SVG with sax in strict mode, namespaces on and only XML's five
 * entities known, into the domain's SvgDocument: a DOCTYPE is only noted
 * (svgProblem refuses it), never read, and an entity it might declare is an
 * error here.
 */
export function parseSvg(text: string): Checked<SvgDocument> {
  const parser = sax.parser(true, { xmlns: true, strictEntities: true, position: true } as sax.SAXOptions);
  const stack: SvgElement[] = [];
  let root: SvgElement | null = null;
  let doctype = false;
  const instructions: string[] = [];
  let error: string | null = null;
  const append = (t: string) => stack.at(-1)?.children.push({ kind: 'text', text: t });
  parser.onerror = (e) => {
    error ??= `The SVG could not be read as XML (line ${parser.line + 1}): ${e.message.split('\n')[0]}.`;
    // sax stops at the first error until resumed; the first one is all the message needs.
  };
  parser.ondoctype = () => {
    doctype = true;
  };
  parser.onprocessinginstruction = (pi) => {
    if (pi.name.toLowerCase() !== 'xml') instructions.push(`${pi.name} ${pi.body}`.trim());
  };
  parser.onopentag = (tag) => {
    const t = tag as sax.QualifiedTag;
    const el: SvgElement = {
      kind: 'element',
      local: t.local,
      uri: t.uri,
      attributes: Object.values(t.attributes).map((a) => ({ local: a.local, uri: a.uri, value: a.value })),
      children: [],
    };
    if (stack.length) stack.at(-1)!.children.push(el);
    else root ??= el;
    stack.push(el);
  };
  parser.onclosetag = () => {
    stack.pop();
  };
  parser.ontext = append;
  parser.oncdata = append;
  try {
    parser.write(text).close();
  } catch (e) {
    error ??= `The SVG could not be read as XML (line ${parser.line + 1}): ${(e as Error).message.split('\n')[0]}.`;
  }
  // A DOCTYPE is named as the reason even when an entity it declared is what stopped the parser.
  if (doctype) return { ok: true, value: { root: root ?? emptySvg(), doctype, instructions } };
  if (error) return { ok: false, error };
  if (!root) return { ok: false, error: 'The SVG holds no element.' };
  return { ok: true, value: { root, doctype, instructions } };
}

const emptySvg = (): SvgElement => ({ kind: 'element', local: 'svg', uri: '', attributes: [], children: [] });

/**
 * Draws an SVG to PNG in a worker (draw-worker.ts: one at a time, time-limited).
 * The wasm build of resvg has no file system, no network and no system fonts;
 * an image it would have to fetch is refused all the same, and an image that
 * comes out fully transparent is refused as unreadable.
 */
const ASPECT_REFUSED = `The logo is more than ${MAX_LOGO_ASPECT} times as wide as it is tall, or as tall as it is wide. Crop it to the mark and its name, or upload a PNG.`;

async function draw(svg: string, enlarge: boolean): Promise<Checked<Omit<StoredLogo, 'key'>>> {
  const d = await drawSvg(svg, { box: LOGO_BOX, enlarge, maxAspect: MAX_LOGO_ASPECT });
  if (!d.ok) {
    if (d.aspect) return { ok: false, error: ASPECT_REFUSED };
    if (d.busy) return { ok: false, error: 'Other logos are being drawn right now, so this one was not. Try again in a minute.' };
    return { ok: false, error: `The logo could not be drawn: ${d.error}. Export it again, or try the other format (PNG or SVG).` };
  }
  if (d.external) return { ok: false, error: 'The logo refers to an image outside the file. Logos must be self-contained.' };
  if (!d.visible) return { ok: false, error: 'The logo came out empty: nothing in it could be drawn. Export it again, or try the other format (PNG or SVG).' };
  return { ok: true, value: { png: d.png, width: d.width, height: d.height } };
}

const keyOf = (png: Uint8Array) => createHash('sha256').update(png).digest('hex').slice(0, 32);

/**
 * An uploaded logo file made safe to store: its kind decided by its content,
 * an SVG checked (src/domain/brand.ts) and drawn from its checked tree, a PNG
 * checked by its header and then decoded and encoded again, so that only
 * pixels survive (no text chunks, no trailing bytes, no second file hidden in
 * it). Either way the result is a PNG within LOGO_BOX.
 */
export async function prepareLogo(bytes: Uint8Array): Promise<Checked<StoredLogo>> {
  const file = checkLogoFile(bytes);
  if (!file.ok) return file;
  let drawn: Checked<Omit<StoredLogo, 'key'>>;
  if (file.value === 'png') {
    const header = checkPngHeader(bytes);
    if (!header.ok) return header;
    const { width, height } = header.value;
    // The PNG's own proportions, not the rounded size it would be drawn at (2000 x 99 rounds to 800 x 40).
    if (width / height > MAX_LOGO_ASPECT || height / width > MAX_LOGO_ASPECT) return { ok: false, error: ASPECT_REFUSED };
    const target = logoSize(width, height, 'png');
    const uri = `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;
    const wrapper = `<svg xmlns="http://www.w3.org/2000/svg" width="${target.width}" height="${target.height}" viewBox="0 0 ${width} ${height}"><image width="${width}" height="${height}" preserveAspectRatio="none" href="${uri}"/></svg>`;
    drawn = await draw(wrapper, false);
  } else {
    const text = decodeUtf8(bytes)!;
    // Before the parser: some inputs cost it the square or the cube of their size (rawSvgProblem).
    const raw = rawSvgProblem(text);
    if (raw) return { ok: false, error: `This SVG cannot be used as a logo. ${raw}` };
    const parsed = parseSvg(text);
    if (!parsed.ok) return parsed;
    const problem = svgProblem(parsed.value);
    if (problem) return { ok: false, error: `This SVG cannot be used as a logo. ${problem}` };
    drawn = await draw(serialiseSvg(parsed.value), true);
  }
  return drawn.ok ? { ok: true, value: { ...drawn.value, key: keyOf(drawn.value.png) } } : drawn;
}
