import { isIP } from 'node:net';
import type { Config } from '../config.ts';

/**
 * Where the site believes it is, behind a reverse proxy or not. src/fetch.ts
 * applies it to every request before Astro sees it, so that Astro's origin
 * check and `Astro.url` (and so every absolute link and the session cookie's
 * Secure flag) are right. Who is asking is src/server/http/client-address.ts.
 */

const unbracket = (host: string) => host.replace(/^\[(.*)\]$/, '$1').toLowerCase();

function isLoopback(hostname: string): boolean {
  const h = unbracket(hostname);
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * The origin a request is answered as, or null when its Host header cannot
 * be trusted. With PUBLIC_ORIGIN set, always PUBLIC_ORIGIN, whatever Host
 * the request names. Without it the site is for local use: the request's
 * own origin when it names this machine by a loopback name (localhost,
 * 127.x.x.x, [::1]) or by the HOST it listens on, and null for any other
 * Host, so that a spoofed Host can never make the site print links to
 * another site or accept posts from one.
 */
export function siteOrigin(url: URL, cfg: Pick<Config, 'PUBLIC_ORIGIN' | 'HOST'>): string | null {
  if (cfg.PUBLIC_ORIGIN) return cfg.PUBLIC_ORIGIN;
  if (isLoopback(url.hostname)) return url.origin;
  const listening = unbracket(cfg.HOST);
  const wildcard = listening === '0.0.0.0' || listening === '::';
  if (!wildcard && unbracket(url.hostname) === listening) return url.origin;
  return null;
}

/** Makes `url` say `origin` (protocol, host and port), keeping its path and query. */
export function moveToOrigin(url: URL, origin: string): void {
  const target = new URL(origin);
  url.protocol = target.protocol;
  url.hostname = target.hostname;
  // The host setter would keep the old port when the new host has none.
  url.port = target.port;
}
