import { defineMiddleware } from 'astro:middleware';
import { setRequestConsultant } from './server/auth/request-consultant.ts';
import { consultantFor, SESSION_COOKIE } from './server/auth/sign-in.ts';
import { config } from './server/config.ts';
import { db, watchStorage } from './server/db.ts';
import { ensureMailLoop } from './server/mail/run.ts';
import { ERROR_PAGE_STATUS_HEADER, reportStorageFault } from './server/storage-fault.ts';

/**
 * Security headers on every response. Scripts and styles come only from this
 * origin; nothing may frame the site.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "object-src 'none'",
].join('; ');

/**
 * Pages and files that are one person's: a participant's pages and reports
 * (the resume token is in the address), the invite pages, and the
 * consultant area with its exports. No browser or proxy cache may keep them.
 */
const PRIVATE_PATH = /^\/(?:r|join|i|unsubscribe|consultant)(?:\/|\.|$)/;

/** HSTS for a year once the site is published over https (PUBLIC_ORIGIN); subdomains are the operator's to decide. */
const HSTS = 'max-age=31536000';

let warmed = false;
let watching = false;

/**
 * Sets who is signed in. Never throws for a storage fault: throwing here
 * would make Astro answer the error page without the middleware, a blank
 * 500 with no security headers. Instead a page that asks who is signed in
 * throws the fault itself (src/server/auth/request-consultant.ts) into the
 * error page (src/pages/500.astro: 503, "try again"), which this middleware
 * then gives its headers; a page that needs no session (the health checks)
 * still answers.
 */
function lookUpConsultant(locals: App.Locals, token: string | undefined): Promise<void> {
  return setRequestConsultant(locals, () => consultantFor(db(), token));
}

export const onRequest = defineMiddleware(async (context, next) => {
  await lookUpConsultant(context.locals, context.cookies.get(SESSION_COOKIE)?.value);
  if (!warmed) {
    warmed = true;
    // Not awaited: the PDF renderer loads and warms up in the background while this request is answered.
    void import('./server/renderer-warm-up.ts').then((m) => m.warmUpRenderer()).catch(() => undefined);
    ensureMailLoop();
  }
  if (!watching) {
    try {
      watchStorage();
      watching = true;
    } catch (e) {
      // Tried again on the next request; a database that cannot be opened is reported by the page that needs it.
      if (!reportStorageFault(e, 'the storage monitor')) throw e;
    }
  }
  let response = await next();
  const meant = response.headers.get(ERROR_PAGE_STATUS_HEADER);
  if (meant) {
    const headers = new Headers(response.headers);
    headers.delete(ERROR_PAGE_STATUS_HEADER);
    response = new Response(response.body, { status: Number(meant), headers });
  }
  const h = response.headers;
  // A route that set a stricter policy of its own (the logo route's sandbox) keeps it.
  if (!h.has('Content-Security-Policy')) h.set('Content-Security-Policy', CSP);
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('Referrer-Policy', 'same-origin');
  h.set('X-Frame-Options', 'DENY');
  h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  if (PRIVATE_PATH.test(context.url.pathname)) h.set('Cache-Control', 'no-store');
  if (config().PUBLIC_ORIGIN?.startsWith('https:')) h.set('Strict-Transport-Security', HSTS);
  return response;
});
