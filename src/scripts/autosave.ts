/**
 * Autosave on questionnaire pages, as a progressive enhancement: the page
 * stays a plain form that works without it. Every answer is posted to the
 * page's own address as it is given (a choice at once, typing after a pause
 * or when the field is left), marked `autosave=1` so that the server answers
 * in JSON and stores exactly what "Save and finish later" would. Whatever
 * is still unsaved when the page goes away is sent with sendBeacon.
 */
const TYPING_PAUSE_MS = 800;
const FIRST_RETRY_MS = 2_000;
const LONGEST_RETRY_MS = 30_000;

const MESSAGES = {
  saving: 'Saving…',
  saved: 'All answers saved',
  failed: 'Couldn’t save — we’ll retry; your answers are still on this page',
} as const;

const form = document.querySelector<HTMLFormElement>('form[data-questionnaire]');
const status = form?.querySelector<HTMLElement>('[data-autosave-status]');

if (form && status && 'fetch' in window && 'FormData' in window) {
  // Tells the leave-page warning (enhance.ts) that unsaved answers are taken care of.
  form.dataset.autosave = 'on';
  // Not form.action: the buttons named "action" shadow that property.
  const action = new URL(form.getAttribute('action') ?? '', window.location.href).href;
  /** Bumped on every change; the answers are saved when `savedVersion` has caught up. */
  let version = 0;
  let savedVersion = 0;
  let inFlight = false;
  let again = false;
  let failures = 0;
  let submitting = false;
  let typingTimer: number | undefined;
  let retryTimer: number | undefined;

  const show = (text: string, state: string) => {
    if (status.textContent !== text) status.textContent = text;
    status.dataset.state = state;
  };

  const payload = (): FormData => {
    const data = new FormData(form);
    data.delete('action');
    data.set('autosave', '1');
    return data;
  };

  /** `message`: the server's own words for why nothing was saved (a storage fault's 503), else the general one. */
  const retryLater = (message: string = MESSAGES.failed) => {
    failures += 1;
    const wait = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(() => void save(), wait);
    show(message, 'failed');
  };

  /** One save of the page as it is now; a change made while it is on its way is saved right after it. */
  async function save(): Promise<void> {
    if (version === savedVersion || submitting) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    window.clearTimeout(retryTimer);
    const sending = version;
    show(MESSAGES.saving, 'saving');
    try {
      const res = await fetch(action, { method: 'POST', body: payload(), credentials: 'same-origin', headers: { accept: 'application/json' } });
      const body = (await res.json().catch(() => ({}))) as { errors?: Record<string, string>; message?: string; location?: string };
      if (res.ok) {
        failures = 0;
        savedVersion = Math.max(savedVersion, sending);
        if (savedVersion === version) show(MESSAGES.saved, 'saved');
      } else if (res.status === 422) {
        // Nothing was stored: an answer cannot be saved as typed. Retrying would fail the same way, so wait for the next change.
        failures = 0;
        const first = Object.values(body.errors ?? {})[0];
        show(`Not saved yet: ${first ?? 'an answer on this page needs correcting.'}`, 'invalid');
      } else if (res.status === 409 || res.status === 410 || res.status === 404) {
        savedVersion = version;
        show(body.message ?? 'These answers can no longer be changed.', 'refused');
        if (body.location) window.location.assign(body.location);
      } else {
        retryLater(res.status === 503 && body.message ? body.message : undefined);
      }
    } catch {
      retryLater();
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        void save();
      }
    }
  }

  const changed = () => {
    version += 1;
  };

  const isTyped = (el: EventTarget | null): el is HTMLInputElement =>
    el instanceof HTMLInputElement && (el.type === 'text' || el.type === 'number');

  form.addEventListener('input', (event) => {
    if (!isTyped(event.target)) return;
    changed();
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(() => void save(), TYPING_PAUSE_MS);
  });
  form.addEventListener('change', (event) => {
    // A typed field also fires change when left: that save is the blur's.
    if (isTyped(event.target)) return;
    changed();
    void save();
  });
  form.addEventListener('focusout', (event) => {
    if (!isTyped(event.target)) return;
    window.clearTimeout(typingTimer);
    void save();
  });
  form.addEventListener('submit', () => {
    // The buttons post the page themselves; nothing more to send.
    submitting = true;
    window.clearTimeout(typingTimer);
    window.clearTimeout(retryTimer);
  });
  window.addEventListener('online', () => {
    if (failures > 0) void save();
  });
  window.addEventListener('pagehide', () => {
    if (submitting || version === savedVersion) return;
    // A same-origin beacon carries the page's Origin, so the server's cross-site check lets it through.
    if (navigator.sendBeacon(action, payload())) savedVersion = version;
  });
  window.addEventListener('pageshow', (event) => {
    // Back from the browser's cache: the page is live again and may be submitted again.
    if (event.persisted) submitting = false;
  });
}

// A module, so that its names stay its own.
export {};
