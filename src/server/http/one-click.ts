/** The unsubscribe address, whose code is its own authority (src/server/services/invitations.ts, unsubscribeCode). */
const UNSUBSCRIBE_PATH = /^\/unsubscribe\/\d{1,12}-[A-Za-z0-9_-]{22}$/;

/**
 * An RFC 8058 one-click unsubscribe: the mail provider's server POSTs
 * "List-Unsubscribe=One-Click" to the List-Unsubscribe address with no Origin
 * header, which Astro's origin check (kept on everywhere) would refuse. The
 * token in the address is what authorises an unsubscribe, and a forged post
 * can do nothing that the token's holder could not, so for that one path the
 * request is given the site's own origin. Every other request is returned as is.
 */
export function allowOneClickUnsubscribe(request: Request, url: URL): Request {
  if (request.method !== 'POST' || !UNSUBSCRIBE_PATH.test(url.pathname)) return request;
  const headers = new Headers(request.headers);
  headers.set('origin', url.origin);
  return new Request(request, { headers, duplex: 'half' } as RequestInit);
}
