import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The "busy" answer (503) of a server that sheds load. Its HTML is the
 * site's own page (src/pages/busy.astro), rendered once at start and kept,
 * so that saying "busy" costs nothing; until then, or if that render
 * failed, a plain page that says the same.
 */

/** In busy.astro's "Try again" link; replaced by the address that was asked for. */
export const BUSY_RETRY_PLACEHOLDER = '/__velocity_retry__';

/** Seconds a client is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

export interface BusyPages {
  /** For a page that was asked for (GET). */
  page: string;
  /** For a form post, which was not stored. */
  form: string;
  /** The site's security headers, as the rendered page carried them. */
  headers: Record<string, string>;
}

const plain = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} — Velocity Index</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5"><main><p>503 Busy</p><h1>${title}</h1>${body}</main></body></html>`;

export const FALLBACK_BUSY_PAGES: BusyPages = {
  page: plain(
    'We’re very busy right now — try again in a few seconds',
    `<p>A lot of people are using the Velocity Index at this moment, so we turned this request away rather than keep you waiting.</p><p>Nothing you saved before is lost. <a href="${BUSY_RETRY_PLACEHOLDER}">Try again</a> in a few seconds.</p>`,
  ),
  form: plain(
    'Your answers weren’t saved this time — please send them again',
    '<p>A lot of people are using the Velocity Index at this moment, so we turned this one request away. Nothing on the page you just sent was stored.</p><p>Use your browser’s Back button (your answers are still in the form), wait a few seconds and send it again. Everything you saved before this is safe.</p>',
  ),
  headers: {
    'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
  },
};

/** Headers of the rendered page that the kept copy carries on every 503. */
const KEPT_HEADERS = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'permissions-policy', 'strict-transport-security'];

/** The kept copy of a rendered busy page's security headers (never its cookies or length). */
export function keptHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const v = headers.get(name);
    if (v) kept[name] = v;
  }
  return kept;
}

const escapeAttribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');

/** The address to try again: the request's own path on this site, never another site ('//host', '/\host'). */
export function retryPath(url: string | undefined): string {
  return url && /^\/(?![/\\])/.test(url) ? url : '/';
}

/** Is this request a form being sent, whose content the busy answer turns away? */
export const isFormPost = (req: IncomingMessage) => req.method !== 'GET' && req.method !== 'HEAD';

/** Answers 503 with Retry-After and the busy page; the request's body is read and dropped so the connection stays usable. */
export function sendBusy(req: IncomingMessage, res: ServerResponse, pages: BusyPages): void {
  // Unread, a posted body would make Node close the connection under a client still sending it: a reset, not an answer.
  req.resume();
  const html = isFormPost(req) ? pages.form : pages.page.replaceAll(BUSY_RETRY_PLACEHOLDER, escapeAttribute(retryPath(req.url)));
  res.writeHead(503, {
    ...pages.headers,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'retry-after': String(RETRY_AFTER_SECONDS),
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}
