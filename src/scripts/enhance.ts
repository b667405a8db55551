/**
 * Progressive enhancement of every page; each works without it.
 * Live progress, a warning before leaving with unsaved answers, a copy button
 * for the resume link, and focus on the error summary.
 */
const form = document.querySelector<HTMLFormElement>('form[data-questionnaire]');
const progress = document.querySelector<HTMLElement>('[data-progress]');

function answeredOnPage(): number {
  if (!form) return 0;
  let n = 0;
  for (const item of form.querySelectorAll<HTMLElement>('[data-item]')) {
    const answered = [...item.querySelectorAll<HTMLInputElement>('input')].some((i) => (i.type === 'radio' ? i.checked : i.value.trim() !== ''));
    if (answered) n++;
  }
  return n;
}

if (form && progress) {
  const total = Number(progress.dataset.total);
  const elsewhere = Number(progress.dataset.answered) - answeredOnPage();
  const percentText = progress.querySelector('[data-progress-percent]');
  const bar = progress.querySelector<HTMLElement>('[data-progress-bar]');
  const fill = progress.querySelector<HTMLElement>('[data-progress-fill]');
  let dirty = false;
  form.addEventListener('input', (event) => {
    dirty = true;
    // An answered question stops looking wrong at once; the server still checks it on submit.
    const item = (event.target as HTMLElement).closest('[data-item]');
    item?.classList.remove('has-error');
    item?.querySelector('.field-error')?.remove();
    const percent = Math.floor((100 * (elsewhere + answeredOnPage())) / total);
    if (percentText) percentText.textContent = String(percent);
    bar?.setAttribute('aria-valuenow', String(percent));
    if (fill) fill.style.width = `${percent}%`;
  });
  form.addEventListener('submit', () => {
    dirty = false;
  });
  window.addEventListener('beforeunload', (event) => {
    // With autosave on (autosave.ts), unsaved answers leave with the page in a beacon: no need to hold the reader back.
    if (dirty && form.dataset.autosave !== 'on') event.preventDefault();
  });
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-copy]')) {
  const source = button.parentElement?.querySelector<HTMLInputElement>('[data-copy-source]');
  const status = button.closest('.resume-link')?.querySelector('[data-copy-status]');
  if (!source) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      if (status) status.textContent = 'Link copied. Keep it to yourself: anyone who has it can see and change your answers.';
    } catch {
      source.select();
      if (status) status.textContent = 'Press Ctrl+C (or ⌘C) to copy the selected link.';
    }
  });
}

document.querySelector<HTMLElement>('[data-autofocus]')?.focus();
