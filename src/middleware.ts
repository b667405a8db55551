import { defineMiddleware } from 'astro:middleware';
import { consultantFor, SESSION_COOKIE } from './server/auth/sign-in.ts';
import { config } from './server/config.ts';
import { db } from './server/db.ts';
import { ensureMailLoop } from './server/mail/run.ts';

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

export const onRequest = defineMiddleware(async (context, next) => {
  context.locals.consultant = consultantFor(db(), context.cookies.get(SESSION_COOKIE)?.value);
  if (!warmed) {
    warmed = true;
    // Not awaited: the PDF renderer loads and warms up in the background while this request is answered.
    void import('./server/renderer-warm-up.ts').then((m) => m.warmUpRenderer()).catch(() => undefined);
    ensureMailLoop();
  }
  const response = await next();
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
