import { accentStyle, contrastRatio, formatRatio, MIN_CONTRAST, parseHexColour } from '../domain/colour.ts';

/**
 * The brand form, enhanced: the colour picker and the text field mirror each
 * other, and the contrast line and the preview follow the colour as it
 * changes. Without JavaScript the form posts both and the server takes the
 * one that was changed (chosenAccent in src/domain/brand.ts).
 */
for (const form of document.querySelectorAll<HTMLFormElement>('[data-brand-form]')) {
  const picker = form.querySelector<HTMLInputElement>('[data-brand-picker]');
  const text = form.querySelector<HTMLInputElement>('[data-brand-accent]');
  const contrast = form.querySelector<HTMLElement>('[data-brand-contrast]');
  const preview = document.querySelector<HTMLElement>('[data-brand-preview]');
  if (!picker || !text || !contrast) continue;
  const show = () => {
    const hex = parseHexColour(text.value);
    if (!hex) {
      contrast.textContent = text.value.trim() ? 'Write the colour as #rrggbb.' : 'No accent: the pages keep the Velocity Index colours.';
      contrast.removeAttribute('data-pass');
      preview?.classList.remove('study-branded');
      preview?.setAttribute('style', '');
      return;
    }
    const ratio = contrastRatio(hex, '#ffffff');
    const pass = ratio >= MIN_CONTRAST;
    contrast.textContent = `Contrast against white: ${formatRatio(ratio)} — ${pass ? 'passes WCAG AA' : `below ${MIN_CONTRAST}:1, choose a darker shade`}.`;
    contrast.dataset.pass = String(pass);
    // Like the server's preview: only an accent that passes is worn.
    preview?.classList.toggle('study-branded', pass);
    preview?.setAttribute('style', pass ? accentStyle(hex) : '');
  };
  picker.addEventListener('input', () => {
    text.value = picker.value;
    show();
  });
  text.addEventListener('input', () => {
    const hex = parseHexColour(text.value);
    if (hex) picker.value = hex;
    show();
  });
}
