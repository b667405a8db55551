/**
 * Colours as WCAG 2.x measures them: parsing '#rgb' / '#rrggbb', relative
 * luminance, contrast ratios, and the shades a brand accent is shown in. No
 * imports, so that the brand form's browser script can use it too.
 */

/** The smallest contrast against white an accent may have: WCAG 2.x AA for normal text (1.4.3). */
export const MIN_CONTRAST = 4.5;

/** '#rgb' or '#rrggbb' (the '#' may be left out, any case) as '#rrggbb' in lower case; null for anything else. */
export function parseHexColour(raw: string): string | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(raw.trim());
  if (!m) return null;
  const hex = m[1]!.toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
}

function channels(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** Relative luminance of a '#rrggbb' colour, as WCAG 2.x defines it (sRGB, linearised). */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG contrast ratio of two '#rrggbb' colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** A ratio as people read it, never rounded up past a threshold: 4.4999 shows as 4.49, not 4.5. */
export function formatRatio(ratio: number): string {
  return `${(Math.floor(ratio * 100) / 100).toFixed(2)}:1`;
}

/** `hex` with each channel scaled by `factor` (below 1 darkens towards black). */
export function scaleColour(hex: string, factor: number): string {
  return `#${channels(hex).map((c) => Math.min(255, Math.round(c * factor)).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The CSS custom properties a branded page sets on its wrapper (src/styles/brand.css reads
 * them): the accent, and a darker shade of it for hover and pressed states.
 * Empty when the brand has no accent, so the product's colours stay.
 */
export function accentStyle(accent: string | null): string {
  return accent ? `--study-accent: ${accent}; --study-accent-dark: ${scaleColour(accent, 0.8)};` : '';
}

/** The lightest shade of `hex` (its channels scaled towards black) that reaches MIN_CONTRAST against white. */
export function darkenToContrast(hex: string): string {
  for (let f = 1; f >= 0; f -= 0.01) {
    const shade = scaleColour(hex, f);
    if (contrastRatio(shade, '#ffffff') >= MIN_CONTRAST) return shade;
  }
  return '#000000';
}
