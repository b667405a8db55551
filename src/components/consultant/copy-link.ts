/**
 * Copy buttons for the links on the consultant's pages. The button stays
 * hidden without JavaScript; the read-only field can be selected by hand.
 * Where the clipboard is refused, the field is selected instead and the
 * status says how to finish.
 */
const RESET_MS = 4000;

for (const box of document.querySelectorAll<HTMLElement>('[data-copy-link]')) {
  const source = box.querySelector<HTMLInputElement>('[data-copy-link-source]');
  const button = box.querySelector<HTMLButtonElement>('[data-copy-link-button]');
  const status = box.querySelector<HTMLElement>('[data-copy-link-status]');
  if (!source || !button || !status) continue;
  button.hidden = false;
  let timer: number | undefined;
  source.addEventListener('focus', () => source.select());
  button.addEventListener('click', async () => {
    window.clearTimeout(timer);
    try {
      await navigator.clipboard.writeText(source.value);
      button.textContent = 'Copied';
      button.dataset.state = 'copied';
      status.textContent = 'Link copied to the clipboard.';
    } catch {
      source.focus();
      source.select();
      status.textContent = 'Press Ctrl+C (or ⌘C) to copy the selected link.';
    }
    timer = window.setTimeout(() => {
      button.textContent = 'Copy';
      delete button.dataset.state;
    }, RESET_MS);
  });
}
