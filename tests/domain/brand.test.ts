import { describe, expect, it } from 'vitest';
import {
  checkAccent,
  checkBrandName,
  checkLogoFile,
  checkPngHeader,
  chosenAccent,
  contrastRatio,
  darkenToContrast,
  formatRatio,
  logoSize,
  MAX_LOGO_BYTES,
  parseHexColour,
  relativeLuminance,
  serialiseSvg,
  sniffLogo,
  svgProblem,
  SVG_NS,
  type SvgDocument,
} from '../../src/domain/brand.ts';
import { pngHeaderOnly, solidPng } from '../fixtures/logos.ts';

describe('accent colour', () => {
  describe.each([
    { raw: '#0b5cad', hex: '#0b5cad' },
    { raw: '0B5CAD', hex: '#0b5cad' },
    { raw: ' #abc ', hex: '#aabbcc' },
    { raw: '#12345', hex: null },
    { raw: 'red', hex: null },
    { raw: '#ggg', hex: null },
    { raw: '', hex: null },
  ])('parseHexColour($raw)', ({ raw, hex }) => {
    it(`is ${hex}`, () => expect(parseHexColour(raw)).toBe(hex));
  });

  it('computes WCAG relative luminance and contrast', () => {
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 6);
    expect(relativeLuminance('#000000')).toBe(0);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 6);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    // Known pairs (WebAIM contrast checker): #767676 is the lightest grey that passes on white.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
    expect(contrastRatio('#0b5cad', '#ffffff')).toBeCloseTo(6.71, 1);
    expect(contrastRatio('#f0a202', '#ffffff')).toBeCloseTo(2.14, 1);
  });

  it('never rounds a ratio up past the threshold', () => {
    expect(formatRatio(4.4999)).toBe('4.49:1');
    expect(formatRatio(21)).toBe('21.00:1');
  });

  it('accepts #0b5cad, which passes AA on white', () => {
    expect(checkAccent('#0b5cad')).toEqual({ ok: true, value: '#0b5cad' });
  });

  it('refuses #f0a202 with its ratio in the message and a darker shade that passes', () => {
    const r = checkAccent('#f0a202');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain('2.12:1');
    expect(r.error).toContain('4.5:1');
    expect(r.error).toMatch(/darker/);
    const suggested = /for example (#[0-9a-f]{6})/.exec(r.error)![1]!;
    expect(contrastRatio(suggested, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(checkAccent(suggested).ok).toBe(true);
  });

  it('refuses what is not a colour, saying how to write one', () => {
    const r = checkAccent('blue');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/#rrggbb/);
  });

  it('darkens white to something that passes', () => {
    expect(contrastRatio(darkenToContrast('#ffffff'), '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  describe.each([
    { name: 'typed text wins', o: { text: '#123456', picker: '#abcdef', stored: '#0b5cad', pickerDefault: '#0b5cad' }, want: '#123456' },
    { name: 'a moved picker wins over untouched text', o: { text: '#0b5cad', picker: '#224466', stored: '#0b5cad', pickerDefault: '#0b5cad' }, want: '#224466' },
    { name: 'emptied text clears the accent', o: { text: '', picker: '#0b5cad', stored: '#0b5cad', pickerDefault: '#0b5cad' }, want: '' },
    { name: 'nothing touched, no accent stored: stays none', o: { text: '', picker: '#0b5cad', stored: null, pickerDefault: '#0b5cad' }, want: '' },
  ])('chosenAccent: $name', ({ o, want }) => {
    it(`is "${want}"`, () => expect(chosenAccent(o)).toBe(want));
  });
});

describe('display name', () => {
  it('trims and accepts a name', () => expect(checkBrandName('  Acme Consulting ')).toEqual({ ok: true, value: 'Acme Consulting' }));
  it('requires one', () => expect(checkBrandName('   ').ok).toBe(false));
  it('keeps to 60 characters', () => {
    expect(checkBrandName('x'.repeat(60)).ok).toBe(true);
    const r = checkBrandName('x'.repeat(61));
    expect(!r.ok && r.error).toMatch(/60 characters/);
  });
  it('refuses a text-direction override (safe-text rules)', () => {
    const r = checkBrandName('Acme\u202Egnp.exe');
    expect(!r.ok && r.error).toMatch(/U\+202E/);
  });
});

describe('logo files are judged by content', () => {
  it('reads a real PNG as PNG', () => {
    expect(sniffLogo(solidPng(4, 2))).toBe('png');
    expect(checkPngHeader(solidPng(30, 10))).toEqual({ ok: true, value: { width: 30, height: 10 } });
  });

  it('reads a PNG as PNG whatever it was called, and an HTML page as neither', () => {
    // The check never sees a file name or a Content-Type: a PNG called logo.svg is a PNG, an HTML page called logo.png is refused.
    expect(checkLogoFile(solidPng(4, 2))).toEqual({ ok: true, value: 'png' });
    const html = new TextEncoder().encode('<!DOCTYPE html><html><body><p>not a logo</p></body></html>');
    const r = checkLogoFile(html);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/neither/);
  });

  it('reads SVG text as SVG, with or without a byte-order mark', () => {
    expect(sniffLogo(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('svg');
    expect(sniffLogo(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('  <?xml version="1.0"?><svg/>')]))).toBe('svg');
    expect(sniffLogo(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBeNull(); // a JPEG
    expect(sniffLogo(new Uint8Array([0x3c, 0x73, 0x76, 0x67, 0xff]))).toBeNull(); // "<svg" then invalid UTF-8
  });

  it('refuses an empty file and one over 200 KB', () => {
    expect(checkLogoFile(new Uint8Array()).ok).toBe(false);
    const big = checkLogoFile(new Uint8Array(MAX_LOGO_BYTES + 1));
    expect(!big.ok && big.error).toMatch(/at most 200 KB/);
    expect(checkLogoFile(solidPng(4, 2)).ok).toBe(true);
  });

  it('refuses a PNG over 2000 × 2000 pixels by its header, before any decoding', () => {
    const r = checkPngHeader(pngHeaderOnly(2001, 10));
    expect(!r.ok && r.error).toMatch(/2001 × 10 pixels/);
    expect(checkPngHeader(pngHeaderOnly(2000, 2000)).ok).toBe(true);
  });

  it('refuses a PNG whose header is damaged', () => {
    const png = solidPng(4, 2);
    png[17] = png[17]! ^ 0xff; // the width, so the IHDR CRC no longer matches
    expect(checkPngHeader(png).ok).toBe(false);
    expect(checkPngHeader(solidPng(4, 2).subarray(0, 20)).ok).toBe(false);
  });

  it('sizes a stored logo within the box: a PNG never enlarged, an SVG filling it', () => {
    expect(logoSize(30, 10, 'png')).toEqual({ width: 30, height: 10 });
    expect(logoSize(2000, 500, 'png')).toEqual({ width: 800, height: 200 });
    expect(logoSize(30, 10, 'svg')).toEqual({ width: 800, height: 267 });
    expect(logoSize(10, 10, 'svg')).toEqual({ width: 320, height: 320 });
  });
});

describe('SVG policy on a parsed tree', () => {
  const el = (local: string, attributes: { local: string; uri?: string; value: string }[] = [], children: SvgDocument['root']['children'] = [], uri = SVG_NS) => ({
    kind: 'element' as const,
    local,
    uri,
    attributes: attributes.map((a) => ({ uri: '', ...a })),
    children,
  });
  const doc = (root: SvgDocument['root'], more: Partial<SvgDocument> = {}): SvgDocument => ({ root, doctype: false, instructions: [], ...more });

  it('accepts plain shapes', () => {
    expect(svgProblem(doc(el('svg', [], [el('rect', [{ local: 'fill', value: 'url(#g)' }])])))).toBeNull();
  });

  it('refuses a root that is not <svg>', () => {
    expect(svgProblem(doc(el('html', [], [], 'http://www.w3.org/1999/xhtml')))).toMatch(/not an SVG/);
  });

  it('refuses text, which would be drawn in another typeface', () => {
    expect(svgProblem(doc(el('svg', [], [el('text', [], [{ kind: 'text', text: 'Acme' }])])))).toMatch(/outlines/);
  });

  it('rebuilds only SVG: other vocabularies, comments and metadata left out, text escaped', () => {
    const tree = el('svg', [{ local: 'width', value: '10' }, { local: 'label', uri: 'http://www.inkscape.org/namespaces/inkscape', value: 'x' }], [
      el('metadata', [], [el('RDF', [], [], 'http://www.w3.org/1999/02/22-rdf-syntax-ns#')]),
      el('namedview', [], [], 'http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd'),
      el('style', [], [{ kind: 'text', text: 'rect > .a { fill: red }' }]),
      el('rect', [{ local: 'data-x', value: '"><script>' }]),
    ]);
    const out = serialiseSvg(doc(tree));
    expect(out).toBe(
      `<svg xmlns="${SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" width="10"><style>rect &gt; .a { fill: red }</style><rect data-x="&quot;&gt;&lt;script&gt;"></rect></svg>`,
    );
  });

  it('reads an SVG written without xmlns as SVG', () => {
    const out = serialiseSvg(doc(el('svg', [], [el('rect', [], [], '')], '')));
    expect(out).toContain('<rect></rect>');
  });
});
